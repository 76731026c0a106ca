"""What a `facts` run listed and read, kept while it is recorded for its output cache
(engine/commands/facts_replay.py): each repository's walk before `exclude` patterns apply — the
listing the cache's key holds (engine/commands/outcache.py) — with the number of files the run
kept after them, and the content digest of each file as the run used it.

A run with no entry to check computes the key's repositories from these when it is done,
instead of listing every repository and reading every file a second time before it starts.
Nothing is kept unless a run is observed (`observing`), and what is kept is compact — stat
data as five numbers, names the run holds anyway — for it lives as long as the run. The
standard library only.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from engine.estate.walk import FileEntry, Walked

# a walk's repository name, resolved folder, file size limit and folder depth limit
Where = tuple[str, str, int, int]
Signature = tuple[int, int, int, int, int]  # device, inode, size, mtime_ns, ctime_ns


def signature(st: os.stat_result) -> Signature:
    """The stat data an output cache entry records of a file (outentry.py `stats`)."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass
class Listed:
    """A repository's walk as the key holds it: the files to read, each with its stat data
    from before it was read; the stat data of the files left out (too large, not regular);
    the diagnostics and skipped counts."""

    files: list[tuple[FileEntry, Signature]]
    left_out: dict[str, Signature]
    diagnostics: list[tuple[str, str]]
    skipped: dict[str, int]


def listed(walked: Walked) -> Listed:
    kept = {str(entry.abspath) for entry, _ in walked.files}
    return Listed(
        files=[(entry, signature(st)) for entry, st in walked.files],
        left_out={path: signature(st) for path, st in walked.stats.items() if path not in kept},
        diagnostics=walked.diagnostics,
        skipped=walked.skipped,
    )


@dataclass
class Observation:
    walks: dict[Where, tuple[Listed, int]] = field(default_factory=dict)  # walk, files kept
    digests: dict[str, dict[str, str]] = field(default_factory=dict)  # repo → path → sha256


class _State:
    active: Observation | None = None


@contextlib.contextmanager
def observing() -> Iterator[Observation]:
    """What the block lists and reads, observed."""
    seen = Observation()
    _State.active = seen
    try:
        yield seen
    finally:
        _State.active = None


def _walked(where: Where, whole: Walked, kept: int) -> None:
    if _State.active is not None:
        _State.active.walks[where] = (listed(whole), kept)


def observer() -> Callable[[Where, Walked, int], None] | None:
    """What a walk (engine/estate/walk.py) tells of a repository, when a run is observed: its
    files before `exclude` patterns, and how many it kept after them."""
    return _walked if _State.active is not None else None


def read(files: Iterable[tuple[str, str, str]]) -> None:
    """Files read: repository name, path in it, sha256 of the content the run used."""
    if _State.active is not None:
        digests = _State.active.digests
        for repo, path, sha in files:
            digests.setdefault(repo, {})[path] = sha
