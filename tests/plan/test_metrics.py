"""Success metrics: the seed's five in every plan, worded for each pattern and category from
knowledge/metrics.yaml, with baselines counted from the plan's own facts, never estimated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.core.resources import bundled
from engine.decide.base import KnowledgeBase
from engine.knowledge.evidence import BaselineSource
from engine.knowledge.load import load_knowledge
from engine.match.current import StateEntry
from engine.plan.metrics import ProbeCount, baseline, success_metrics
from engine.plan.model import ProbeSummary
from tests.conftest import ROOT

SEED_FIVE = [
    "implementation-time",
    "adoption-rate",
    "reliability",
    "cost-impact",
    "developer-experience",
]
GOLDEN = sorted((ROOT / "tests" / "golden").glob("*.json"))


def _probe(name: str, count: int, evidence: list[str] | None = None) -> ProbeCount:
    return ProbeSummary(
        name=name,
        description="",
        count=count,
        by_environment={},
        by_cluster={},
        evidence=evidence or [],
    )


def test_the_knowledge_has_the_seeds_five_metrics(kb: KnowledgeBase) -> None:
    assert [m.id for m in kb.knowledge.metrics] == SEED_FIVE


@pytest.mark.parametrize(
    "pattern", sorted(p.id for p in load_knowledge([bundled("knowledge")]).patterns)
)
def test_every_pattern_has_the_five_with_measure_and_how(kb: KnowledgeBase, pattern: str) -> None:
    p = kb.knowledge.pattern(pattern)
    assert p is not None
    metrics = success_metrics(kb.knowledge, p.id, p.category, [], [])
    assert [m.id for m in metrics] == SEED_FIVE
    for m in metrics:
        assert m.measure and m.how, (pattern, m.id)
        assert m.source in {f"pattern {p.id}", f"category {p.category}"}
        assert m.baseline is None  # no facts, no baseline


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_every_golden_plan_has_the_five(path: Path) -> None:
    plan = json.loads(path.read_text(encoding="utf-8"))
    metrics = plan["success_metrics"]
    assert [m["id"] for m in metrics] == SEED_FIVE
    assert all(m["measure"] and m["how"] for m in metrics)
    # the example estate holds a baseline for at least one metric of every golden plan
    assert any(m["baseline"] for m in metrics), path.name
    for m in metrics:
        if m["baseline"]:
            assert m["baseline"]["at"] and m["baseline"]["value"]
    assert "## Success metrics" in path.with_suffix(".md").read_text(encoding="utf-8")


def test_the_rds_rotation_baseline_counts_rotated_secrets() -> None:
    plan = json.loads((ROOT / "tests/golden/spec-rds-rotation.json").read_text(encoding="utf-8"))
    adoption = next(m for m in plan["success_metrics"] if m["id"] == "adoption-rate")
    assert adoption["baseline"] == {
        "value": "cloud secrets declared in Terraform with rotation configured: 0 of 1",
        "at": ["probe rotation", "probe secrets", "infra-tf/modules/rds/main.tf:44"],
    }


def test_the_karpenter_baseline_counts_spot_node_pools() -> None:
    plan = json.loads(
        (ROOT / "tests/golden/spec-karpenter-upgrade.json").read_text(encoding="utf-8")
    )
    cost = next(m for m in plan["success_metrics"] if m["id"] == "cost-impact")
    assert cost["source"] == "pattern karpenter-upgrade"
    assert cost["baseline"]["value"].startswith("node pools allowing spot capacity: 1 of 2")
    assert "infra-flux/infrastructure/configs/karpenter/nodepool.yaml:35" in cost["baseline"]["at"]


def test_a_baseline_is_only_what_the_facts_hold() -> None:
    ratio = BaselineSource(probe="rotation", of="secrets", text="{part} of {whole}")
    # a probe the plan did not run, or nothing to count against: no baseline
    assert baseline(ratio, [_probe("secrets", 3)], []) is None
    assert baseline(ratio, [_probe("rotation", 0), _probe("secrets", 0)], []) is None
    got = baseline(ratio, [_probe("rotation", 2, ["a:1", "b:2"]), _probe("secrets", 7)], [])
    assert got is not None and got.value == "2 of 7"
    assert got.at == ["probe rotation", "probe secrets", "a:1", "b:2"]
    state = BaselineSource(state="capacity_types", value="spot", text="{part}/{whole}: {values}")
    entries = [
        StateEntry(subject="a", attribute="capacity_types", value="on-demand, spot", at="x:1"),
        StateEntry(subject="b", attribute="capacity_types", value="on-demand", at="x:9"),
        StateEntry(subject="c", attribute="engine_version", value="15", at="y:1"),
    ]
    got = baseline(state, [], entries)
    assert got is not None and got.value == "1/2: a on-demand, spot; b on-demand"
    assert got.at == ["x:1", "x:9"]
    assert baseline(state, [], entries[2:]) is None
