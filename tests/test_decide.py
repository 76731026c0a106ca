"""The rules engine: chaining, order-independent combination, surfaced errors, no threads."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.decide import EngineError, combine, run_rules
from engine.plan import Base, build_plan
from engine.rulebook import load_rules
from engine.spec import parse_spec
from tests.test_spec import SEED_KARPENTER, SEED_RDS, SEED_VM


def _facts(base: Base, text: str):
    from engine.plan import plan_facts_for

    return plan_facts_for(parse_spec(text, base.knowledge, "s.yaml"), base)


def test_conclusions_chain(base: Base) -> None:
    """risk medium (from facts) → implementation_strategy staged → development monitoring-code."""
    decisions, _ = combine(
        run_rules(base.rulebook.decision_rules, _facts(base, SEED_RDS), base.knowledge),
        base.knowledge,
    )
    assert decisions["risk"].value == "medium"
    assert decisions["implementation_strategy"].value == "staged"
    (entry,) = decisions["implementation_strategy"].trace
    assert entry.rule == "strategy.medium-risk"
    assert entry.facts[0].type == "decision" and entry.facts[0].fields == {
        "dimension": "risk",
        "value": "medium",
    }
    assert "monitoring-code" in decisions["development"].value


def test_ordered_dimensions_take_the_maximum_and_trace_it(base: Base) -> None:
    decisions, _ = combine(
        run_rules(base.rulebook.decision_rules, _facts(base, SEED_KARPENTER), base.knowledge),
        base.knowledge,
    )
    assert decisions["risk"].value == "high"
    assert {t.value for t in decisions["risk"].trace} == {"high"}
    assert decisions["implementation_strategy"].value == "extensive-testing"


def test_set_dimensions_are_sorted_unions(base: Base) -> None:
    decisions, _ = combine(
        run_rules(base.rulebook.decision_rules, _facts(base, SEED_RDS), base.knowledge),
        base.knowledge,
    )
    testing = decisions["testing"].value
    assert testing == sorted(testing) == ["integration", "security", "unit"]
    assert {t.value for t in decisions["testing"].trace} == set(testing)


def test_exceptions_in_actions_are_surfaced(base: Base, write: Callable[[str, str], Path]) -> None:
    path = write(
        "bad/r.yaml",
        """- id: org.name-as-risk
  expert: deployment-fixer
  when:
    all:
      - enhancement: {name: {$ne: ""}}
  then: {risk: {from: enhancement.name}}
  because: A broken rule whose conclusion is not a risk value.
""",
    )
    book = load_rules([path.parent], base.knowledge)
    with pytest.raises(EngineError, match="not in the vocabulary"):
        run_rules(book.rules, _facts(base, SEED_RDS), base.knowledge)


def test_no_threads_left_behind_and_repeatable(base: Base) -> None:
    before = threading.active_count()
    facts = _facts(base, SEED_VM)
    results = [run_rules(base.rulebook.decision_rules, facts, base.knowledge) for _ in range(30)]
    assert threading.active_count() == before
    assert all(r == results[0] for r in results)


def test_unmatched_facts_do_not_break_the_run(base: Base) -> None:
    # facts no rule tests (e.g. an `environment` fact) raise MessageNotHandled inside durable
    text = SEED_RDS.replace(
        'scope: "multi-environment"',
        'scope: "multi-environment"\n  environments: [dev, staging, prod]',
    )
    decisions, diags = combine(
        run_rules(base.rulebook.decision_rules, _facts(base, text), base.knowledge), base.knowledge
    )
    assert decisions["risk"].value == "medium" and not diags


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    which=st.sampled_from([SEED_RDS, SEED_KARPENTER, SEED_VM]),
)
def test_order_of_rules_and_facts_does_not_matter(base: Base, seed: int, which: str) -> None:
    facts = _facts(base, which)
    rules = list(base.rulebook.decision_rules)
    expected = combine(run_rules(rules, facts, base.knowledge), base.knowledge)
    rng = random.Random(seed)
    rng.shuffle(rules)
    shuffled_facts = list(facts)
    rng.shuffle(shuffled_facts)
    assert combine(run_rules(rules, shuffled_facts, base.knowledge), base.knowledge) == expected


def test_critical_risk_leads_to_maintenance_window(base: Base) -> None:
    text = SEED_VM + 'risk: critical\nchange_window: "Sat 02:00-04:00 UTC"\nrollback: "x"\n'
    plan = build_plan(parse_spec(text, base.knowledge, "s.yaml"), base)
    assert plan.decisions["risk"].value == "critical"
    assert plan.decisions["implementation_strategy"].value == "maintenance-window"
    assert plan.decisions["deployment_strategy"].value == "maintenance-window"
    assert "maintenance-window-approval" in plan.decisions["reviews"].value
    assert not [v for v in plan.violations if v.severity == "error"]
