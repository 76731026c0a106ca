"""The compiled knowledge base cache: a hit gives the same knowledge base, any change to an
input is a miss, and a damaged or foreign cache file is never trusted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from engine.decide.base import KnowledgeBase
from engine.decide.kbcache import cache_key, cached_knowledge, cached_knowledge_base

ROOT = Path(__file__).resolve().parents[2]


def _entries(folder: Path, prefix: str = "knowledge-") -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(prefix))


def test_a_hit_is_the_knowledge_base_loaded(tmp_path: Path, kb: KnowledgeBase) -> None:
    first = cached_knowledge_base([], [], tmp_path)
    second = cached_knowledge_base([], [], tmp_path)
    assert len(_entries(tmp_path)) == 1
    assert second.knowledge == kb.knowledge
    assert [r.id for r in second.rulebook.rules] == [r.id for r in kb.rulebook.rules]
    assert second.rulebook == first.rulebook
    assert oct(_entries(tmp_path)[0].stat().st_mode & 0o777) == "0o600"


def test_a_hit_brings_the_reading_table_built_from_the_knowledge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that reads the cache reads sentences with the table the writer built (the
    same as building it anew), and builds none itself."""
    from engine.spec import terms, text

    written = cached_knowledge_base([], [], tmp_path)
    built = terms.reading_tables(written.knowledge)
    monkeypatch.setattr(terms, "_TABLES", {})  # a new process
    monkeypatch.setattr(terms, "_build_table", lambda *_: pytest.fail("built again"))
    read = cached_knowledge_base([], [], tmp_path)
    assert terms.reading_tables(read.knowledge) == built
    assert text.read("rotate the prod database password", read.knowledge).concepts


def test_an_overlay_file_change_is_a_new_key(tmp_path: Path) -> None:
    overlay = tmp_path / "rules"
    shutil.copytree(ROOT / "tests" / "fixtures" / "lint-overlay", overlay, dirs_exist_ok=True)
    before = cache_key([overlay], [])
    (overlay / "extra.yaml").write_text("# a comment\n")
    assert cache_key([overlay], []) != before
    assert cache_key([tmp_path / "missing"], []) is None  # errors come from the loader


def test_a_damaged_entry_is_reloaded(tmp_path: Path, kb: KnowledgeBase) -> None:
    cached_knowledge_base([], [], tmp_path)
    (entry,) = _entries(tmp_path)
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert cached_knowledge_base([], [], tmp_path).knowledge == kb.knowledge
    assert cached_knowledge_base([], [], tmp_path).knowledge == kb.knowledge


def test_a_writable_by_others_entry_is_not_trusted(tmp_path: Path, kb: KnowledgeBase) -> None:
    cached_knowledge_base([], [], tmp_path)
    (entry,) = _entries(tmp_path)
    os.chmod(entry, 0o666)
    entry.write_bytes(b"infraplan-kb-1\nnot a pickle")
    os.chmod(entry, 0o666)
    assert cached_knowledge_base([], [], tmp_path).knowledge == kb.knowledge


def test_an_unwritable_cache_folder_still_loads(tmp_path: Path, kb: KnowledgeBase) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert cached_knowledge_base([], [], blocked).knowledge == kb.knowledge
    assert cached_knowledge([], blocked) == kb.knowledge
    assert cached_knowledge([], None) == kb.knowledge


@pytest.mark.parametrize("name", ["rds-rotation", "karpenter-upgrade", "victoriametrics-upgrade"])
def test_check_violations_are_the_plans(name: str, kb: KnowledgeBase, tmp_path: Path) -> None:
    from engine.audit.check import spec_violations
    from engine.plan.build import build_plan
    from engine.spec.load import load_spec

    spec = ROOT / "examples" / "specs" / f"{name}.yaml"
    # without its rollback and owners the spec breaks policy rules: compare those too
    bare = tmp_path / f"{name}.yaml"
    kept = [
        line
        for line in spec.read_text().splitlines()
        if not line.startswith(("rollback:", "owners:"))
    ]
    bare.write_text("\n".join([*kept, "risk: high"] if "risk:" not in spec.read_text() else kept))
    found = []
    for path in (spec, bare):
        loaded = load_spec(path, kb.knowledge)
        violations = spec_violations(loaded, kb)
        assert violations == build_plan(loaded, kb).violations
        found += violations
    assert found or name != "rds-rotation"
