"""Rule loading: the format is validated against the fact schema and the knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.core.errors import InputError
from engine.core.resources import bundled
from engine.decide.base import KnowledgeBase
from engine.decide.durable import to_durable
from engine.decide.load import load_rules


def _load(kb: KnowledgeBase, write: Callable[[str, str], Path], text: str) -> None:
    path = write("overlay/org.yaml", text)
    load_rules([path.parent], kb.knowledge)


RULE = """- id: org.example
  expert: secret-guardian
  when:
    all:
      - {cond}
  then: {then}
  because: Because.
"""


@pytest.mark.parametrize(
    ("cond", "then", "message"),
    [
        (
            "enhancment: {category: security}",
            "{risk: high}",
            'overlay/org.yaml:5:9: [0].when.all[0].enhancment: unknown fact type "enhancment" (did you mean "enhancement"?)',
        ),
        (
            "enhancement: {categroy: security}",
            "{risk: high}",
            'unknown field "categroy" of enhancement facts (did you mean "category"?)',
        ),
        ("enhancement: {phase_count: '3'}", "{risk: high}", "expected an integer, got '3'"),
        (
            "enhancement: {touches_prod: 'true'}",
            "{risk: high}",
            "expected true or false, got 'true'",
        ),
        (
            "enhancement: {category: {$gt: 3}}",
            "{risk: high}",
            "$gt compares numbers; this field is a str",
        ),
        (
            "enhancement: {phase_count: {$between: 3}}",
            "{risk: high}",
            'unknown operator "$between"',
        ),
        (
            "risk: high",
            "{testing: unit}",
            "while deciding, test the ordered dimension risk with $gte or $gt",
        ),
        ("risk: {$gte: huge}", "{testing: unit}", '"huge" is not a value of risk'),
        (
            "assessment: {$gte: cost-impact}",
            "{testing: unit}",
            "$gte needs an ordered dimension; assessment is set",
        ),
        (
            "enhancement: {category: security}",
            "{risk: extreme}",
            '"extreme" is not a value of risk',
        ),
        (
            "enhancement: {category: security}",
            "{rsk: high}",
            'unknown decision "rsk" (did you mean "risk"?)',
        ),
        (
            "enhancement: {category: security}",
            "{risk: [high, low]}",
            '"risk" takes one value, not a list',
        ),
        (
            "enhancement: {category: security}",
            "{risk: {from: agent.name}}",
            "naming a field of a matched fact",
        ),
        ("decision: {value: high}", "{testing: unit}", "test decisions with the shorthand"),
    ],
)
def test_bad_rules_rejected_with_position(
    kb: KnowledgeBase, write: Callable[[str, str], Path], cond: str, then: str, message: str
) -> None:
    with pytest.raises(InputError) as err:
        _load(kb, write, RULE.format(cond=cond, then=then))
    assert message in str(err.value)
    assert all(p.file == "overlay/org.yaml" and p.line > 0 for p in err.value.problems)


def test_unknown_expert_and_bad_id(kb: KnowledgeBase, write: Callable[[str, str], Path]) -> None:
    text = (
        RULE.format(cond="enhancement: {category: security}", then="{risk: high}")
        .replace("org.example", "Bad Id")
        .replace("secret-guardian", "secret-guardain")
    )
    with pytest.raises(InputError) as err:
        _load(kb, write, text)
    assert 'unknown expert "secret-guardain" (did you mean "secret-guardian"?)' in str(err.value)
    assert "must be dotted lower-case words" in str(err.value)


def test_duplicate_ids_across_files(kb: KnowledgeBase, write: Callable[[str, str], Path]) -> None:
    text = RULE.format(cond="enhancement: {category: security}", then="{risk: high}")
    path = write("overlay/a.yaml", text)
    write("overlay/b.yaml", text)
    with pytest.raises(InputError, match=r'duplicate rule id "org\.example"'):
        load_rules([path.parent], kb.knowledge)


def test_policy_rules_may_test_ordered_dimensions_exactly(
    kb: KnowledgeBase, write: Callable[[str, str], Path]
) -> None:
    text = """- id: org.no-low
  expert: deployment-fixer
  when:
    all:
      - risk: low
  then: {violation: "Low risk is not allowed here."}
  because: Org rule.
"""
    path = write("overlay/p.yaml", text)
    book = load_rules([path.parent], kb.knowledge)
    (rule,) = book.rules
    assert rule.is_policy and rule.source == "overlay/p.yaml:1"


def test_bundled_rules_load_and_compile(kb: KnowledgeBase) -> None:
    book = load_rules([bundled("rules")], kb.knowledge)
    assert len(book.rules) >= 40 or len(book.rules) >= 30
    for rule in book.rules:
        definition = to_durable(rule)
        assert set(definition) == {rule.mode}
        assert rule.source.startswith("rules/")
    assert {r.expert for r in book.rules} <= {e.id for e in kb.knowledge.experts}


def test_every_dimension_value_is_reachable_by_some_rule(kb: KnowledgeBase) -> None:
    """The whole decision tree of the seed: every branch has a rule that concludes it."""
    concluded = {
        (c.dimension, v) for r in kb.rulebook.rules for c in r.conclusions for v in c.values
    }
    for dim in kb.knowledge.dimensions:
        if dim.values_from:
            continue
        for value in dim.values:
            assert (dim.id, value.id) in concluded, f"no rule concludes {dim.id}={value.id}"


def test_severity_of_findings_and_violations(
    kb: KnowledgeBase, write: Callable[[str, str], Path]
) -> None:
    book = load_rules([bundled("rules")], kb.knowledge)
    rules = {r.id: r for r in book.rules}
    # a finding is info unless its rule says more; a violation is an error unless it says less
    assert rules["estate.no-codeowners"].severity == "info"
    assert rules["current.subject-absent"].severity == "error"
    assert rules["policy.rollback-required"].severity == "error"
    assert rules["policy.scope-one-environment"].severity == "warning"
    text = RULE.format(cond="enhancement: {has_rollback: false}", then="{violation: Add one.}")
    with pytest.raises(InputError, match="error or warning"):
        _load(kb, write, text.replace("  because:", "  severity: info\n  because:"))
