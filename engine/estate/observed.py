"""What a `facts` run listed and read, kept while it is recorded for its output cache
(engine/commands/facts_replay.py): each repository's walk before `exclude` patterns apply — the
listing the cache's key holds (engine/commands/outcache.py) — with the number of files the run
kept after them, and the content digest of each file as the run used it.

A run with no entry to check computes the key's repositories from these when it is done,
instead of listing every repository and reading every file a second time before it starts.
Nothing is kept unless a run is observed (`observing`). The standard library only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# a walk's repository name, resolved folder, file size limit and folder depth limit
Where = tuple[str, str, int, int]


@dataclass
class Observation:
    # each walk (engine/estate/walk.py `Walked`, which imports this) and the files it kept
    walks: dict[Where, tuple[object, int]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # full path → sha256 as used


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


def active() -> bool:
    return _State.active is not None


def walked(where: Where, whole: object, kept: int) -> None:
    """A repository walked: every file before `exclude` patterns (`whole`), `kept` after."""
    if _State.active is not None:
        _State.active.walks[where] = (whole, kept)


def read(files: Iterable[tuple[Path, str]]) -> None:
    """Files read (full path, sha256 of the content the run used)."""
    if _State.active is not None:
        _State.active.digests.update((str(path), sha) for path, sha in files)
