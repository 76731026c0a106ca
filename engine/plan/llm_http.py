"""The model's HTTP, fenced: only the configured server, no redirects, a byte cap and a deadline.

litellm (and the OpenAI client under it) send every synchronous request through httpx's
HTTPTransport. While infraplan drafts prose, that transport is wrapped so that
- a request to any host but the `--llm-base-url` server is refused (litellm must not phone home),
- a redirect (3xx) is an error, never followed,
- an answer's body stops after `max_bytes` bytes (a 50 MB answer is refused, not stored), and
- reading stops at the draft's deadline, however slowly the server sends (a per-read timeout
  never trips on a server that sends a byte a second).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx  # a dependency of litellm; this module is imported only to call a model

# the fence of the draft running in this thread (set by `fenced`)
_local = threading.local()
_installed = False
_lock = threading.Lock()


class Fence:
    """Where a draft may connect, how much it may read and until when."""

    def __init__(self, base_url: str, max_bytes: int, deadline: float) -> None:
        parts = urlsplit(base_url) if base_url else None
        self.host = (parts.hostname or "").lower() if parts else ""
        self.port = parts.port or (443 if parts.scheme == "https" else 80) if parts else 0
        self.max_bytes = max_bytes
        self.deadline = deadline  # time.monotonic() value


class FenceError(Exception):
    """A request or answer the fence refused (not a model failure: never retried)."""


def fenced(fence: Fence) -> None:
    """Install the fence (once per process) and make it this thread's."""
    global _installed
    with _lock:
        if not _installed:
            _install()
            _installed = True
    _local.fence = fence


def _install() -> None:
    original = httpx.HTTPTransport.handle_request

    def handle_request(self: Any, request: Any) -> Any:
        fence: Fence | None = getattr(_local, "fence", None)
        if fence is None:
            return original(self, request)
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        if fence.host and ((url.host or "").lower(), port) != (fence.host, fence.port):
            raise FenceError(f"refused a connection to {url.host}: only the model server is used")
        if time.monotonic() > fence.deadline:
            raise FenceError("the deadline passed")
        response = original(self, request)
        if 300 <= response.status_code < 400:
            response.close()
            raise FenceError(f"the model server redirected ({response.status_code}); not followed")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > fence.max_bytes:
            response.close()
            raise FenceError(f"the answer is {length} bytes, over the limit of {fence.max_bytes}")
        response.stream = _Capped(response.stream, fence)
        return response

    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]


class _Capped(httpx.SyncByteStream):
    """A response body that stops at the byte cap and the deadline."""

    def __init__(self, stream: Any, fence: Fence) -> None:
        self.stream = stream
        self.fence = fence

    def __iter__(self) -> Iterator[bytes]:
        total = 0
        for chunk in self.stream:
            total += len(chunk)
            if total > self.fence.max_bytes:
                raise FenceError(f"the answer is over the limit of {self.fence.max_bytes} bytes")
            if time.monotonic() > self.fence.deadline:
                raise FenceError("the deadline passed while the answer was arriving")
            yield chunk

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


def run_with_deadline(call: Any, seconds: float) -> Any:
    """call() in a daemon thread; TimeoutError when it has not returned after `seconds` (the
    thread is abandoned: it cannot outlive the process, and its socket reads are fenced)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:  # handed to the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=target, name="infraplan-llm", daemon=True)
    worker.start()
    worker.join(max(seconds, 0.0))
    if worker.is_alive():
        raise TimeoutError(f"no answer within {seconds:.0f} s")
    if "error" in result:
        raise result["error"]
    return result.get("value")
