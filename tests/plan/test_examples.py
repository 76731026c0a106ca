"""The seed's three worked examples, reproduced."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.load import parse_spec
from tests.conftest import EXAMPLES
from tests.seed_examples import SEED_KARPENTER, SEED_RDS, SEED_VM


def _plan(kb: KnowledgeBase, text: str):
    return build_plan(parse_spec(text, kb.knowledge, "seed.yaml"), kb)


def test_rds_rotation(kb: KnowledgeBase) -> None:
    plan = _plan(kb, SEED_RDS)
    d = plan.decisions
    assert d["category"].value == "secret-management"
    assert d["risk"].value == "medium"
    assert d["implementation_strategy"].value == "staged"
    assert d["deployment_strategy"].value == "phased"
    assert (
        "security-critical" in d["assessment"].value
        and "complex-integration" in d["assessment"].value
    )
    assert "security-review" in d["reviews"].value
    assert {"secret-guardian", "terraform-auditor", "troubleshooting-guide"} <= {
        x.id for x in plan.experts
    }
    for dim, decision in d.items():
        # an empty set is a decision too (nothing already in place): no rule concluded any value
        assert decision.trace or decision.value == [], f"{dim} has no trace"
        for entry in decision.trace:
            assert entry.rule and entry.expert and entry.because and entry.source
            assert entry.facts
    assert plan.pattern is not None and plan.pattern.id == "rds-rotation"
    # the seed's stage-by-stage walkthrough is carried into the stages, in words the spec has:
    # its company's CloudFormation and keystone cluster are not the spec's (knowledge/wording.yaml)
    stages = {s.id: s for s in plan.stages}
    # the seed's "Dev → staging → production" is filled from the rollout's own stages
    assert "Phased approach: dev → staging → prod" in stages["implementation"].specific
    assert (
        "Rollback plan: remove what the change added (its Terraform) once nothing uses it"
        in stages["implementation"].specific
    )
    assert "Integration points in keystone cluster" not in " ".join(stages["assessment"].specific)
    assert [s.timebox for s in plan.stages] == [
        "0-20 minutes",
        "20-40 minutes",
        "40-60 minutes",
        "60-90 minutes",
        "90-120 minutes",
        "120+ minutes",
    ]


def test_karpenter_reproduces_seed_agents_and_phases(kb: KnowledgeBase) -> None:
    plan = _plan(kb, SEED_KARPENTER)
    assert [(a.agent, a.task) for a in plan.enhancement.planning_agents] == [
        ("cleanup-specialist", "Identify optimization opportunities"),
        ("flux-navigator", "Plan Karpenter configuration updates"),
        ("monitoring-analyst", "Plan cost tracking enhancements"),
    ]
    assert [(p.name, p.task) for p in plan.implementation_phases] == [
        ("karpenter", "Upgrade to latest version"),
        ("node-pools", "Optimize spot instance configurations"),
        ("monitoring", "Enhanced cost visibility dashboards"),
        ("policies", "Update Kyverno node scheduling policies"),
    ]
    assert plan.decisions["category"].value == "cost-optimization"
    assert "cost-impact" in plan.decisions["assessment"].value
    assert "business-case-validation" in plan.decisions["reviews"].value
    assert plan.pattern is not None and plan.pattern.id == "karpenter-upgrade"


def test_victoriametrics_reproduces_seed_agents(kb: KnowledgeBase) -> None:
    plan = _plan(kb, SEED_VM)
    assert [(a.agent, a.task) for a in plan.enhancement.planning_agents] == [
        ("monitoring-analyst", "Plan metrics and alerting improvements"),
        ("incident-responder", "Design better incident workflows"),
        ("flux-navigator", "Plan Helm chart upgrades"),
    ]
    assert plan.decisions["category"].value == "observability"
    assert plan.pattern is not None and plan.pattern.id == "victoriametrics-upgrade"
    # the seed lists no phases for this example: the pattern's suggestions are used and marked
    assert plan.implementation_phases and all(
        "suggested" in p.source for p in plan.implementation_phases
    )


def test_patterns_reproduce_the_seed_examples_exactly(kb: KnowledgeBase) -> None:
    expected = {
        "rds-rotation": (
            "rds-rotation-integration",
            "secret-management",
            "multi-environment",
            SEED_RDS,
        ),
        "karpenter-upgrade": (
            "karpenter-upgrade-optimization",
            "cost-optimization",
            "cluster-wide",
            SEED_KARPENTER,
        ),
        "victoriametrics-upgrade": (
            "monitoring-stack-enhancement",
            "observability",
            "monitor-cluster",
            SEED_VM,
        ),
    }
    for pattern_id, (name, category, scope, text) in expected.items():
        p = kb.knowledge.pattern(pattern_id)
        assert p is not None
        seed = parse_spec(text, kb.knowledge, "seed.yaml").spec
        assert (p.name, p.category, p.scope) == (name, category, scope)
        assert p.planning_agents == seed.planning_agents
        assert p.implementation_phases == seed.implementation_phases


def test_example_specs_are_clean(kb: KnowledgeBase) -> None:
    from engine.spec.load import load_spec

    for path in sorted((EXAMPLES / "specs").glob("*.yaml")):
        plan = build_plan(load_spec(path, kb.knowledge), kb)
        assert not plan.violations, (path.name, plan.violations)
        assert not plan.diagnostics
