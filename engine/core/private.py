"""Cache files only the current user can have written: read from a regular file the user owns
that nobody else may write, written atomically (a private temporary file renamed over it).
The standard library's os and stat only: `facts` reads its output cache before importing
anything else (engine/commands/facts_replay.py).
"""

from __future__ import annotations

import contextlib
import os
import stat


def read_private(path: str | os.PathLike[str]) -> bytes | None:
    """A cache file's bytes when it is a regular file the current user owns that nobody else
    may write (never a FIFO, a symlink's target or a file planted by another user), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        ):
            return None
        try:
            return handle.read()
        except OSError:
            return None


def write_private(path: str, data: bytes) -> None:
    """Replace the file at `path` with `data` atomically (folders made private as needed); a
    failure only costs the cache."""
    temp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
