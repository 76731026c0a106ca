"""A facts cache that cannot lie: a damaged entry is a miss, re-extracted and overwritten."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.decide.base import KnowledgeBase
from engine.estate.cache import FactCache
from engine.estate.discover import RepoSpec
from engine.estate.extract import EXTRACTOR_VERSION
from engine.estate.scan import ScanOptions, scan_estate
from tests.conftest import EXAMPLES

REPOS = [RepoSpec(n, EXAMPLES / "estate" / n) for n in ("infra-tf", "infra-flux")]


def _db(cache: Path) -> Path:
    return cache / f"facts-v{EXTRACTOR_VERSION}.sqlite3"


def _rows(cache: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(_db(cache)) as db:
        return list(db.execute("SELECT key, value, checksum FROM checked_facts ORDER BY key"))


def _scan(kb: KnowledgeBase, cache: Path | None) -> str:
    return scan_estate(REPOS, kb.knowledge, ScanOptions(cache_dir=cache, jobs=1)).model_dump_json()


def test_edited_values_are_misses(kb: KnowledgeBase, tmp_path: Path) -> None:
    truth = _scan(kb, None)
    cache = tmp_path / "cache"
    assert _scan(kb, cache) == truth
    rows = _rows(cache)
    with sqlite3.connect(_db(cache)) as db:
        # a valid value moved to another key, a valid-looking edit, and a swapped pair
        (k0, _, _), (k1, v1, c1) = rows[0], rows[1]
        db.execute("UPDATE checked_facts SET value=?, checksum=? WHERE key=?", (v1, c1, k0))
        db.execute("UPDATE checked_facts SET value=? WHERE key=?", (v1.replace("1", "2"), k1))
        k2, v2, _ = rows[2]
        db.execute("UPDATE checked_facts SET value=? WHERE key=?", (v2.replace('"', "'", 1), k2))
    assert _scan(kb, cache) == truth
    assert _rows(cache) == rows  # re-extracted and overwritten


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**32), flips=st.integers(min_value=1, max_value=40))
def test_random_corruption_never_changes_an_output(
    kb: KnowledgeBase,
    tmp_path_factory,
    seed: int,
    flips: int,  # type: ignore[no-untyped-def]
) -> None:
    cache = tmp_path_factory.mktemp("cache")
    truth = _scan(kb, cache)
    data = bytearray(_db(cache).read_bytes())
    rng = random.Random(seed)
    for _ in range(flips):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    _db(cache).write_bytes(bytes(data))
    assert _scan(kb, cache) == truth


def test_checksums_are_bound_to_their_key() -> None:
    assert FactCache.checksum("k1", "v") != FactCache.checksum("k2", "v")
    assert FactCache.checksum("k1", "v") != FactCache.checksum("k1", "w")


def test_the_key_changes_with_the_extractors_source(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Facts extracted by other extractor code are never reused, even when nobody bumped
    EXTRACTOR_VERSION (two branches that both set it to the same number, then merged)."""
    from engine.estate import cache

    before = cache.FactCache.key("yaml", "0" * 64)
    cache.extractor_code.cache_clear()
    monkeypatch.setattr(cache.Path, "read_bytes", lambda self: b"other code")
    try:
        assert cache.FactCache.key("yaml", "0" * 64) != before
    finally:
        monkeypatch.undo()
        cache.extractor_code.cache_clear()
    assert cache.FactCache.key("yaml", "0" * 64) == before
