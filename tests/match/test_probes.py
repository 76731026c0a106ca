"""Probes, case by case (tests/match/probe_cases.yaml): a tiny estate in, counts and evidence out.
Every bundled probe has a case in which it finds something."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.scan import ScanOptions, scan_estate
from engine.match.probes import module_environments, run_probe

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "probe_cases.yaml").read_text(encoding="utf-8")
)


def _estate(files: dict[str, str], root: Path, kb: KnowledgeBase) -> Any:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    repos = sorted({rel.split("/", 1)[0] for rel in files})
    specs = [RepoSpec(name, root / name) for name in repos]
    return scan_estate(specs, kb.knowledge, ScanOptions(cache_dir=None, jobs=1))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['probe']}-{i}" for i, c in enumerate(CASES)])
def test_probe_case(case: dict[str, Any], tmp_path: Path, kb: KnowledgeBase) -> None:
    k = kb.knowledge
    probe = next(p for p in k.probes if p.name == case["probe"])
    pattern = k.pattern(case["pattern"]) if "pattern" in case else None
    estate = _estate(case["files"], tmp_path, kb)
    assert estate.diagnostics == []
    result = run_probe(probe, estate, pattern, module_environments(estate))
    expect = case["expect"]
    assert result.count == expect["count"], [e.id for e in result.evidence]
    if "evidence" in expect:
        assert [e.id for e in result.evidence] == expect["evidence"]
    if "by_environment" in expect:
        assert result.by_environment == expect["by_environment"]


def test_every_probe_has_a_case_that_finds_something(kb: KnowledgeBase) -> None:
    found = {c["probe"] for c in CASES if c["expect"]["count"] > 0}
    assert sorted(p.name for p in kb.knowledge.probes if p.name not in found) == []
