"""Reading what a user names and writing what infraplan produces, safely.

Reading: regular files only (a FIFO or a device would block or never end), never more than a
limit, decoded as UTF-8 with the line and column of a bad byte. Writing: atomically, through a
temporary file in the same folder renamed over the target, so a failed write (a full disk, a
read-only folder) leaves the old file or nothing, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from engine.core.errors import InputError, Problem


def is_regular_file(name: str | Path) -> bool:
    """Whether a name is an existing regular file (never raises: a name too long, with a NUL
    byte or in a folder that cannot be read is simply not a file)."""
    try:
        return stat.S_ISREG(os.stat(name).st_mode)
    except (OSError, ValueError):
        return False


def read_bytes(path: Path, limit: int, display: str | None = None, setting: str = "") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; InputError otherwise."""
    name = display or str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; a regular file ignores it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise InputError([Problem(name, 0, 0, "is a folder, expected a file")]) from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError([Problem(name, 0, 0, f"cannot read: {reason}")]) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError([Problem(name, 0, 0, "is a folder, expected a file")])
        if not stat.S_ISREG(mode):
            raise InputError([Problem(name, 0, 0, "not a regular file (a FIFO or a device?)")])
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise InputError([Problem(name, 0, 0, f"cannot read: {exc.strerror or exc}")]) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        how = f" (set {setting} to raise it)" if setting else ""
        raise InputError([Problem(name, 0, 0, f"larger than the limit of {limit} bytes{how}")])
    return data


def decode(data: bytes, display: str) -> str:
    """UTF-8 text (a byte-order mark is dropped); InputError at the line and column of a bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            [Problem(display, line, column, f"not UTF-8 text (byte {exc.start})")]
        ) from None


def read_text(path: Path, limit: int, display: str | None = None, setting: str = "") -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes; InputError otherwise."""
    return decode(read_bytes(path, limit, display, setting), display or str(path))


def write_atomic(path: Path, text: str) -> None:
    """Write text to a file: all of it or, on failure, nothing (InputError naming the file).

    A target that exists and is not a regular file (/dev/stdout, a FIFO) is written directly:
    there is nothing to rename over.
    """
    data = text.encode("utf-8")
    try:
        existing = os.stat(path)
    except OSError:
        existing = None
    try:
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            if stat.S_ISDIR(existing.st_mode):
                raise IsADirectoryError(21, "Is a directory")
            with open(path, "wb") as f:
                f.write(data)
            return
        _replace(path, data, existing.st_mode if existing is not None else None)
    except OSError as exc:
        raise InputError(
            [Problem(str(path), 0, 0, f"cannot write: {exc.strerror or exc}")]
        ) from None


def _replace(path: Path, data: bytes, mode: int | None) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    import tempfile  # here: `check` writes a file only with -o

    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, stat.S_IMODE(mode))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def read_input(path: Path, display: str | None = None) -> bytes:
    """The bytes of a file a user wrote (spec, rule, knowledge, config): INFRAPLAN_MAX_INPUT_BYTES."""
    from engine.core import limits

    return read_bytes(
        path, limits.current().input_bytes, display, setting="INFRAPLAN_MAX_INPUT_BYTES"
    )


def working_root(cwd: Path | None = None) -> Path:
    """The working tree: the git work tree holding the working directory, else the directory."""
    here = (cwd or Path.cwd()).resolve()
    return next((p for p in [here, *here.parents] if (p / ".git").exists()), here)
