"""A facts cache that cannot lie: one index per repository, read once, written atomically; a
damaged index is reported, ignored and rebuilt, never a wrong fact and never a crash."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.decide.base import KnowledgeBase
from engine.estate import cache
from engine.estate.discover import RepoSpec
from engine.estate.scan import ScanOptions, scan_estate
from tests.conftest import EXAMPLES, run_cli

REPOS = [RepoSpec(n, EXAMPLES / "estate" / n) for n in ("infra-tf", "infra-flux")]


def _scan(kb: KnowledgeBase, folder: Path | None, notices: list[str] | None = None) -> str:
    options = ScanOptions(
        cache_dir=folder, jobs=1, notice=None if notices is None else notices.append
    )
    return scan_estate(REPOS, kb.knowledge, options).model_dump_json()


def _indexes(folder: Path) -> list[Path]:
    return sorted(folder.glob("facts-*.json"))


def test_one_index_per_repository_written_only_when_changed(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    truth = _scan(kb, None)
    folder = tmp_path / "cache"
    assert _scan(kb, folder) == truth
    indexes = _indexes(folder)
    assert len(indexes) == len(REPOS)
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in indexes)
    stamps = [p.stat().st_mtime_ns for p in indexes]
    assert _scan(kb, folder) == truth  # warm: every fact from the index, nothing rewritten
    assert [p.stat().st_mtime_ns for p in indexes] == stamps
    assert not list(folder.glob(".*.tmp"))  # atomic: no temporary file left behind


def test_edited_values_are_a_damaged_index_rebuilt(kb: KnowledgeBase, tmp_path: Path) -> None:
    truth = _scan(kb, None)
    folder = tmp_path / "cache"
    _scan(kb, folder)
    index = max(_indexes(folder), key=lambda p: p.stat().st_size)
    head, body = index.read_bytes().split(b"\n", 1)
    index.write_bytes(head + b"\n" + body.replace(b'"kind":"', b'"kind":"x', 1))  # an edit
    notices: list[str] = []
    assert _scan(kb, folder, notices) == truth
    assert len(notices) == 1 and "damaged" in notices[0]
    notices.clear()
    assert _scan(kb, folder, notices) == truth
    assert notices == []  # rebuilt


def test_a_foreign_key_space_is_not_trusted(kb: KnowledgeBase, tmp_path: Path) -> None:
    truth = _scan(kb, None)
    folder = tmp_path / "cache"
    _scan(kb, folder)
    index = _indexes(folder)[0]
    head, body = index.read_bytes().split(b"\n", 1)
    facts = json.loads(body)
    moved = json.dumps({k.replace(":", "x:", 1): v for k, v in facts.items()}).encode()
    header = json.loads(head)
    header["sha256"] = hashlib.sha256(moved).hexdigest()
    index.write_bytes(json.dumps(header).encode() + b"\n" + moved)
    notices: list[str] = []
    assert _scan(kb, folder, notices) == truth
    assert notices


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
    folder = tmp_path_factory.mktemp("cache")
    truth = _scan(kb, folder)
    rng = random.Random(seed)
    for index in _indexes(folder):
        data = bytearray(index.read_bytes())
        for _ in range(flips):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        index.write_bytes(bytes(data))
    assert _scan(kb, folder, []) == truth


def test_a_damaged_index_is_a_warning_on_stderr(tmp_path: Path) -> None:
    repo = EXAMPLES / "estate" / "infra-flux"
    folder = tmp_path / "cache"
    first = run_cli("facts", str(repo), "--cache-dir", str(folder), "--format", "json")
    for index in _indexes(folder):
        index.write_bytes(b"not an index")
    for estate in folder.glob("estate-*.pickle"):  # else the assembled estate answers
        estate.unlink()
    again = run_cli("facts", str(repo), "--cache-dir", str(folder), "--format", "json")
    assert again.returncode == 0 and again.stdout == first.stdout
    assert "warning: facts cache of infra-flux: damaged" in again.stderr


def test_the_key_changes_with_the_extractors_source(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Facts extracted by other extractor code are never reused, even when nobody bumped
    EXTRACTOR_VERSION (two branches that both set it to the same number, then merged)."""
    before = cache.key("yaml", "0" * 64)
    cache.extractor_code.cache_clear()
    monkeypatch.setattr(cache.Path, "read_bytes", lambda self: b"other code")
    try:
        assert cache.key("yaml", "0" * 64) != before
    finally:
        monkeypatch.undo()
        cache.extractor_code.cache_clear()
    assert cache.key("yaml", "0" * 64) == before


def test_the_assembled_estate_is_cached_and_never_stale(tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "infra-flux"
    shutil.copytree(EXAMPLES / "estate" / "infra-flux", repo)
    folder = tmp_path / "cache"
    args = ("facts", f"infra-flux={repo}", "--cache-dir", str(folder), "--format", "jsonl")
    first = run_cli(*args)
    (estate,) = folder.glob("estate-*.pickle")
    assert run_cli(*args).stdout == first.stdout  # from the cached estate
    assert run_cli(*args[:-4], "--no-cache", "--format", "jsonl").stdout == first.stdout
    estate.write_bytes(estate.read_bytes()[:-100])  # damaged: rebuilt, same answer
    assert run_cli(*args).stdout == first.stdout
    (repo / "extra.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n")
    fresh = run_cli(*args[:-4], "--no-cache", "--format", "jsonl").stdout
    assert fresh != first.stdout
    assert run_cli(*args).stdout == fresh
    assert len(list(folder.glob("estate-*.pickle"))) == 1  # replaced, not added
