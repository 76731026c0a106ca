"""Facts cached by file content: a second run over an unchanged estate costs little more than
hashing it. Keyed by (extractor version, a digest of the extractors' own source, file kind,
content sha256), so an entry can never be stale: any change to the extraction code — a merge that
forgets to bump EXTRACTOR_VERSION included — starts a fresh key space. Entries hold extracted facts only, which never include secret values (extractors strip
URL credentials and never read values; see docs/facts.md).

A cache cannot lie: every entry carries a checksum of its value bound to its key, so a flipped
bit, an edited value or a value moved to another key is a miss (the file is extracted again and
the entry overwritten), never a wrong answer.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import sqlite3
from pathlib import Path

from engine.estate.extract import EXTRACTOR_VERSION, FileExtract


@functools.cache
def extractor_code() -> str:
    """The digest of every module under engine/estate/extract/ (sorted by name)."""
    from engine.estate import extract

    folder = Path(extract.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("infraplan", appauthor=False))


class FactCache:
    """A sqlite file of extracted facts; any failure degrades to a cache miss."""

    def __init__(self, folder: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"facts-v{EXTRACTOR_VERSION}.sqlite3"
            if path.exists() and not path.is_file():  # a FIFO there would block sqlite's read
                return
            self._db = sqlite3.connect(path, timeout=30)
            self._db.text_factory = bytes  # a damaged row must not fail the whole query
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS checked_facts "
                "(key TEXT PRIMARY KEY, value TEXT NOT NULL, checksum TEXT NOT NULL)"
            )
        except (OSError, sqlite3.Error, ValueError):  # a damaged file (its schema too): no cache
            self._db = None

    @property
    def enabled(self) -> bool:
        return self._db is not None

    @staticmethod
    def key(kind: str, sha256: str) -> str:
        return f"{EXTRACTOR_VERSION}-{extractor_code()}:{kind}:{sha256}"

    @staticmethod
    def checksum(key: str, value: str) -> str:
        """The value's digest bound to its key: valid for this key and this value only."""
        return hashlib.sha256(f"{key}\0{value}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, FileExtract]:
        found: dict[str, FileExtract] = {}
        if self._db is None or not keys:
            return found
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    f"SELECT key, value, checksum FROM checked_facts WHERE key IN ({marks})",
                    chunk,
                ):
                    try:
                        key, value, checksum = (bytes(c).decode() for c in row)
                    except (TypeError, ValueError):
                        continue
                    if checksum != self.checksum(key, value):
                        continue  # damaged: a miss, extracted again and overwritten
                    try:
                        found[key] = FileExtract.model_validate_json(value)
                    except (ValueError, RecursionError):
                        continue
        except (sqlite3.Error, ValueError, OverflowError):
            return {}
        return found

    def put_many(self, items: dict[str, str]) -> None:
        """Store facts already serialized as JSON (workers serialize them)."""
        if self._db is None or not items:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO checked_facts (key, value, checksum) VALUES (?, ?, ?)",
                    [(k, v, self.checksum(k, v)) for k, v in sorted(items.items())],
                )
        except (sqlite3.Error, ValueError, OverflowError):
            return

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
