"""Facts cached by file content: a second run over an unchanged estate costs little more than
listing and hashing it. Each repository has one index file (key → facts), read once and, when
something changed, written again whole and atomically (a temporary file renamed over it), so a
run never sees half an index and the index never grows with files long gone.

Keys are (extractor version, a digest of the extractors' own source, file kind, content
sha256), so an entry can never be stale: any change to the extraction code — a merge that
forgets to bump EXTRACTOR_VERSION included — starts a fresh key space (and a fresh index file).
Entries hold extracted facts only, which never include secret values (extractors strip URL
credentials and never read values; see docs/facts.md).

A cache cannot lie: the index carries a checksum of its body and every key must belong to the
current key space, so a flipped bit, an edited value or a foreign file is a damaged index: it is
reported (`damaged`), ignored and rebuilt, never a wrong answer and never a crash.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from engine.core.picklefile import no_gc
from engine.core.private import read_private
from engine.estate.extract import EXTRACTOR_VERSION, FileExtract

if TYPE_CHECKING:
    from pydantic import TypeAdapter

INDEX_FORMAT = "infraplan-facts-index"


@functools.cache
def extractor_code() -> str:
    """The digest of every module under engine/estate/extract/ (sorted by name)."""
    from engine.estate import extract

    folder = Path(extract.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@functools.cache
def _adapter() -> TypeAdapter[dict[str, FileExtract]]:
    from pydantic import TypeAdapter

    return TypeAdapter(dict[str, FileExtract])


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("infraplan", appauthor=False))


def key(kind: str, sha256: str) -> str:
    """An entry's key: the key space (extractor version and code) and the file's kind and content."""
    return f"{key_space()}:{kind}:{sha256}"


def key_space() -> str:
    return f"{EXTRACTOR_VERSION}-{extractor_code()}"


@dataclass
class Index:
    """One repository's cached facts, as read (empty when absent, damaged or disabled)."""

    path: Path | None
    facts: dict[str, FileExtract] = field(default_factory=dict)
    damaged: str = ""  # why the index on disk was not used ("" when it was, or was absent)


def index_path(folder: Path, root: Path) -> Path:
    """The index of the repository at `root` (one per repository folder and key space)."""
    where = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:20]
    return folder / f"facts-{key_space()}-{where}.json"


def read_index(folder: Path | None, root: Path) -> Index:
    """The repository's index, read once; a damaged one is empty, with the reason."""
    if folder is None:
        return Index(None)
    path = index_path(folder, root)
    data = read_private(path)  # None: absent, or not a file of ours (then rewritten)
    if data is None:
        return Index(path)
    head, _, body = data.partition(b"\n")
    del data  # the body is a copy: the index need not be held twice
    try:
        header = json.loads(head)
        valid = (
            isinstance(header, dict)
            and header.get("format") == INDEX_FORMAT
            and header.get("keys") == key_space()
            and header.get("sha256") == hashlib.sha256(body).hexdigest()
        )
        with no_gc():
            facts: dict[str, FileExtract] = _adapter().validate_json(body) if valid else {}
    except (ValueError, RecursionError, UnicodeDecodeError):
        valid, facts = False, {}
    if not valid or any(not k.startswith(key_space() + ":") for k in facts):
        return Index(path, damaged="damaged (checksum, format or keys): rebuilt")
    return Index(path, facts)


def write_index(index: Index, facts: dict[str, FileExtract]) -> None:
    """Replace the index with exactly these entries, atomically; a failure only costs the cache."""
    if index.path is None:
        return
    body = _adapter().dump_json(dict(sorted(facts.items())))
    header = json.dumps(
        {"format": INDEX_FORMAT, "keys": key_space(), "sha256": hashlib.sha256(body).hexdigest()}
    ).encode()
    temp = index.path.with_name(f".{index.path.name}.{os.getpid()}.tmp")
    try:
        index.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(header + b"\n")
            handle.write(body)
        os.replace(temp, index.path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
