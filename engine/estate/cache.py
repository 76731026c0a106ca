"""Facts cached by file content: a second run over an unchanged estate costs little more than
hashing it. Keyed by (extractor version, file kind, content sha256), so an entry can never be
stale. Entries hold extracted facts only, which never include secret values.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from engine.estate.extract import EXTRACTOR_VERSION, FileExtract


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
            self._db = sqlite3.connect(folder / f"facts-v{EXTRACTOR_VERSION}.sqlite3", timeout=30)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
        except (OSError, sqlite3.Error):
            self._db = None

    @property
    def enabled(self) -> bool:
        return self._db is not None

    @staticmethod
    def key(kind: str, sha256: str) -> str:
        return f"{EXTRACTOR_VERSION}:{kind}:{sha256}"

    def get_many(self, keys: list[str]) -> dict[str, FileExtract]:
        found: dict[str, FileExtract] = {}
        if self._db is None or not keys:
            return found
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self._db.execute(
                    f"SELECT key, value FROM facts WHERE key IN ({marks})", chunk
                ):
                    try:
                        found[key] = FileExtract.model_validate_json(value)
                    except ValueError:
                        continue
        except sqlite3.Error:
            return {}
        return found

    def put_many(self, items: dict[str, str]) -> None:
        """Store facts already serialized as JSON (workers serialize them)."""
        if self._db is None or not items:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO facts (key, value) VALUES (?, ?)", sorted(items.items())
                )
        except sqlite3.Error:
            return

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
