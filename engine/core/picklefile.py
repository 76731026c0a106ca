"""Cache files of our own objects (pickles), for what is costly to rebuild and cheap to key:
the loaded knowledge base (engine/decide/kbcache.py) and an assembled estate
(engine/estate/estatecache.py).

A pickle can run code when loaded, so one is read only from a regular file that the current
user owns and nobody else may write, and only when its header names the expected key and a
checksum of the body holds; anything else is a miss (rebuilt and rewritten). Writes are atomic:
a temporary file (0600) renamed over the entry. Keys include `engine_code()`, a digest of every
engine module's identity and times, so an entry never outlives the code that wrote it.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from engine.core.private import read_private

_MAGIC = b"infraplan-cache-1\n"
_ENGINE = Path(__file__).resolve().parents[1]


@functools.cache
def engine_code() -> str:
    """A digest of the tool version, the Python version and every module of the engine."""
    from engine import __version__

    return modules_digest(_ENGINE, f"{__version__}\0{sys.version}")


def modules_digest(root: Path, salt: str) -> str:
    """A digest of every module below `root`: its name, size, inode and modification and change
    times. Any write to a module changes its change time (the kernel sets it; no tool can set it
    back), and Python itself recompiles a module on less (its size and modification time);
    reading the engine's ~0.9 MB instead cost `check` a twentieth of its start-up."""
    digest = hashlib.sha256(f"{salt}\0".encode())
    for name, path in files_below(root, ".py"):
        st = os.stat(path)
        stamp = f"{name}\0{st.st_size}\0{st.st_ino}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\n"
        digest.update(stamp.encode())
    return digest.hexdigest()


def files_below(root: Path, suffix: str = "") -> list[tuple[str, str]]:
    """(path relative to `root`, path) of every file below it whose name ends with `suffix`,
    sorted; folders that are symbolic links are not entered, unreadable ones are passed over.
    (os.scandir, not Path.rglob: `check` digests the engine and the knowledge at every start.)"""
    found = []
    folders = [("", os.fspath(root))]
    while folders:
        prefix, folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except PermissionError:
            continue
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                folders.append((name + "/", entry.path))
            elif name.endswith(suffix) and entry.is_file():
                found.append((name, entry.path))
    return sorted(found)


def add_files(digest: hashlib._Hash, root: Path, suffix: str = "") -> None:
    """Add the names and contents of the files below `root` (see files_below) to a digest."""
    for name, path in files_below(root, suffix):
        content = hashlib.sha256()
        fd = os.open(path, os.O_RDONLY)  # not open(): no buffered file object for one read
        try:
            while chunk := os.read(fd, 1 << 20):
                content.update(chunk)
        finally:
            os.close(fd)
        digest.update(name.encode() + b"\0")
        digest.update(content.digest())


class _Run:
    frozen = False  # the process froze what it imported (freeze_for_the_run)


def freeze_for_the_run() -> None:
    """What is imported so far lives for the whole run: frozen out of the collector's traversals
    (the command line's processes). What no_gc loads from then on is frozen too. A flag, not
    gc.get_freeze_count(), which counts every frozen object at each call."""
    _Run.frozen = True
    gc.freeze()


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: loading a large cache creates hundreds of thousands
    of objects, and the collections they trigger (none of which can free anything) cost 3-4x
    the load itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _Run.frozen:  # the command line freezes what lives for the whole run
            gc.freeze()  # (engine/__main__.py): so does what was loaded, or the first
            # collection after this traverses all of it (a tenth of a second for a large estate)
        if enabled:
            gc.enable()


def _header(key: str, digest: hashlib._Hash) -> bytes:
    return _MAGIC + key.encode() + b"\n" + digest.hexdigest().encode()


class _HashingWriter:
    """A file that passes what is written on to `handle` and keeps the digest of it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.handle.write(data)


def read_pickle(path: Path, key: str) -> object:
    """The object stored under `key` at `path`, or None (absent, foreign, damaged, stale)."""
    data = read_private(path)
    if data is None:
        return None
    split = data.find(b"\n\n")
    body = memoryview(data)[split + 2 :]  # not a copy: the estate's pickle is tens of MB
    if split < 0 or data[:split] != _header(key, hashlib.sha256(body)):
        return None
    try:
        with no_gc():
            return pickle.loads(body)
    except Exception:  # a damaged pickle of any kind is a miss
        return None


def _trim_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim; elsewhere nothing).
    What built a large value (an estate: its facts, the records delivery replaced) leaves tens
    of megabytes free but resident; the pickler's memo is a new allocation on top of them."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return


def write_pickle(path: Path, key: str, value: object) -> None:
    """Store `value` under `key` at `path` atomically; any failure only costs the cache."""
    _trim_heap()  # (the process's peak memory is often here: see _trim_heap)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            # streamed: the pickle is never held in memory whole. The header (of known length)
            # is written last, over a placeholder, once the body's digest is known.
            placeholder = _header(key, hashlib.sha256())
            handle.write(b"\0" * len(placeholder) + b"\n\n")
            body = _HashingWriter(handle)
            pickle.Pickler(body, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
            handle.seek(0)
            handle.write(_header(key, body.digest))
        os.replace(temp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        with contextlib.suppress(OSError):
            temp.unlink()
