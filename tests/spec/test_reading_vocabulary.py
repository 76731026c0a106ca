"""Reading faults found by held-out set 5, each checked on sentences of our own: abbreviations
and tools named without a verb, and the same request in two shapes planning alike."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.intake import match_text, read, spec_from_request


def _plan(text: str, kb: KnowledgeBase) -> dict[str, object]:
    plan = build_plan(spec_from_request(text, kb.knowledge, []), kb, None)
    return {d: plan.decisions[d].value for d in ("category", "risk", "implementation_strategy")}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("DD agent with APM on the billing API in staging", "observability"),
        ("APM for the search service", "observability"),
        ("mysqldump of the CMS database to a bucket every night", "backup-and-recovery"),
        ("mirrord for devs debugging against the shared dev cluster", "developer-experience"),
        ("Terraform 1.5 → 1.9 in every stack", "tool-upgrade"),
    ],
)
def test_short_forms_and_bare_tool_names_are_read(
    kb: KnowledgeBase, text: str, category: str
) -> None:
    match = match_text(text, kb.knowledge)
    assert match.chosen is not None and match.chosen.category == category, match.candidates


def test_apm_changes_the_application(kb: KnowledgeBase) -> None:
    plan = build_plan(spec_from_request("APM for the search service", kb.knowledge, []), kb, None)
    assert "application-integration" in plan.decisions["design"].value


def test_ca_is_the_cluster_autoscaler_only_beside_karpenter(kb: KnowledgeBase) -> None:
    assert "node-autoscaler" in read("Retire CA now that Karpenter runs", kb.knowledge).concepts
    assert "node-autoscaler" not in read("Rotate the internal CA", kb.knowledge).concepts


def test_a_database_port_is_not_a_port_of_the_database(kb: KnowledgeBase) -> None:
    concepts = read("Close the world-open MySQL port on the prod RDS", kb.knowledge).concepts
    assert "firewall" in concepts and "migration" not in concepts


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Replace cluster-autoscaler with Karpenter on the prod clusters",
            "Swap CA for Karpenter on the prod clusters",
        ),
        (
            "Upgrade PostgreSQL 14 to 16 for the prod billing DB",
            "PG 14 → 16 for the prod billing DB",
        ),
    ],
)
def test_short_forms_plan_like_the_long_ones(kb: KnowledgeBase, a: str, b: str) -> None:
    assert _plan(a, kb) == _plan(b, kb)
