"""What a command printed, recorded for its output cache (engine/commands/facts_replay.py):
every byte written to standard output and error, passed on unchanged as it is recorded, and
the text of each file written with -o (engine/commands/common.py `emit` reports it).

Progress lines are shown but not recorded (`unrecorded`): they describe the cache's state, not
the command's output (a replay shows the line a warm run shows, engine/commands/facts_replay.py).
Standard library only: the recorder is installed before the command line is imported.
"""

from __future__ import annotations

import contextlib
import errno
import io
import sys
from collections.abc import Iterator
from typing import BinaryIO, TextIO


class Recorder:
    """One run's output: standard output and error as bytes, files written by name."""

    def __init__(self) -> None:
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.files: dict[str, str] = {}
        self.paused = 0


class _State:
    active: Recorder | None = None


class _Tee(io.BufferedIOBase):
    """A binary stream that writes through to `target` and records what it wrote."""

    def __init__(self, target: BinaryIO, sink: bytearray) -> None:
        super().__init__()
        self._target = target
        self._sink = sink

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        written = bytes(data)
        write_all(self._target, written)
        recorder = _State.active
        if recorder is not None and not recorder.paused:
            self._sink += written
        return len(written)

    def flush(self) -> None:
        self._target.flush()

    def fileno(self) -> int:
        return self._target.fileno()

    def isatty(self) -> bool:
        return self._target.isatty()


def write_all(target: BinaryIO, data: bytes) -> None:
    """All of `data` to a binary stream: an unbuffered one (python -u) may take part of it."""
    view = memoryview(data)
    while view:
        written = target.write(view)
        if not written:  # a non-blocking stream that takes nothing now
            raise BlockingIOError(errno.EAGAIN, "standard stream would block")
        view = view[written:]


def _tee(stream: TextIO, sink: bytearray) -> TextIO:
    """A text stream like `stream` (its encoding, errors and newlines), recording into `sink`."""
    return io.TextIOWrapper(
        _Tee(stream.buffer, sink),  # type: ignore[type-var]
        encoding=stream.encoding,
        errors=stream.errors,
        newline="\n",  # POSIX standard streams write "\n" as it is (only POSIX records)
        line_buffering=bool(stream.line_buffering),
        write_through=True,
    )


@contextlib.contextmanager
def recorded() -> Iterator[Recorder]:
    """Standard output and error recorded while the block runs (and shown as always)."""
    recorder = Recorder()
    originals = sys.stdout, sys.stderr
    for stream in originals:
        stream.flush()
    sys.stdout = _tee(originals[0], recorder.stdout)
    sys.stderr = _tee(originals[1], recorder.stderr)
    _State.active = recorder
    try:
        yield recorder
    finally:
        _State.active = None
        for tee in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: reported already
                tee.flush()
            if isinstance(tee, io.TextIOWrapper):
                with contextlib.suppress(ValueError):
                    tee.detach()  # the original stream stays open
        sys.stdout, sys.stderr = originals


@contextlib.contextmanager
def unrecorded() -> Iterator[None]:
    """What is written inside is shown, not recorded (progress)."""
    recorder = _State.active
    if recorder is not None:
        recorder.paused += 1
    try:
        yield
    finally:
        if recorder is not None:
            recorder.paused -= 1


def wrote(path: str, text: str) -> None:
    """A command wrote `text` to the file `path` (as named on its command line)."""
    if _State.active is not None:
        _State.active.files[path] = text
