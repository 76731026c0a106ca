"""A tiny OpenAI-compatible chat completions server on 127.0.0.1, for the LLM tests."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOSTILE_TEXT = (
    "# Take over\n<script>alert(1)</script> [click](javascript:alert(1)) "
    "\x1b[31mred\x1b[0m https://evil.example/x **bold**\n1. first\n- item"
)


class FakeModelServer:
    """Answers POST /v1/chat/completions; `mode` is ok, error, slow, empty, refuse, or a hostile
    one: sluggish (1.5 s an answer), drip (a byte every half second), huge (50 MB), chunked (50 MB, no length), redirect (to
    `redirect_to`), markdown (text full of Markdown, HTML and escapes)."""

    def __init__(self, mode: str = "ok", redirect_to: str = "") -> None:
        self.mode = mode
        self.redirect_to = redirect_to
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append({"path": self.path, "body": body})
                if server.mode == "error":
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(
                        b'{"error": {"message": "model crashed", "type": "server_error"}}'
                    )
                    return
                if server.mode == "slow":
                    time.sleep(4)
                if server.mode == "sluggish":
                    time.sleep(1.5)
                if server.mode == "redirect":
                    self.send_response(307)
                    self.send_header("Location", server.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if server.mode in {"huge", "chunked", "drip"}:
                    self._hostile_body(server.mode)
                    return
                prompt = body["messages"][-1]["content"]
                first_line = prompt.splitlines()[0]
                content = {
                    "ok": f"Drafted wording. ({first_line[:40]})",
                    "slow": "too late",
                    "empty": "",
                    "refuse": "I'm sorry, but I can't help with that.",
                    "markdown": HOSTILE_TEXT,
                    "sluggish": "Drafted wording, slowly.",
                }[server.mode]
                answer = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "test"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _hostile_body(self, mode: str) -> None:
                head = b'{"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [{"index": 0, "message": {"role": "assistant", "content": "'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                try:
                    if mode == "huge":
                        self.send_header("Content-Length", str(50_000_000))
                        self.end_headers()
                        self.wfile.write(head + b"a" * (50_000_000 - len(head)))
                    elif mode == "chunked":
                        self.send_header("Transfer-Encoding", "chunked")
                        self.end_headers()
                        for _ in range(50):
                            chunk = b"a" * 1_000_000
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    else:  # drip: a byte a second, never finishing within any sane timeout
                        self.send_header("Content-Length", "100000")
                        self.end_headers()
                        for i in range(100000):
                            self.wfile.write(head[i : i + 1] or b"a")
                            self.wfile.flush()
                            time.sleep(0.5)
                except OSError:  # the client hung up, as it should
                    return

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                return None  # a client hanging up on a hostile answer is the point

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> FakeModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
