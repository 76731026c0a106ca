"""Evaluation: the decision rules fired over the facts, their conclusions folded into one
decision per dimension, then the policy rules fired over the final decisions.

Ordered dimensions combine by maximum, set-valued ones by union: rules only ever add facts, so
the result cannot depend on the order rules fire in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.decide.base import KnowledgeBase
from engine.decide.durable import run_rules
from engine.decide.results import Decision, Finding, Firing, TraceEntry, Violation
from engine.facts.decisions import decision_facts, declaration_facts
from engine.facts.schema import Fact, unique
from engine.knowledge.model import Knowledge


def findings(firings: Sequence[Firing]) -> list[Finding]:
    merged: dict[tuple[str, str], Finding] = {}
    for f in firings:
        if not f.finding:
            continue
        evidence = sorted({e for m in f.facts for e in (m.evidence or ([m.at] if m.at else []))})
        key = (f.rule, f.finding)
        if key in merged:
            evidence = sorted({*merged[key].evidence, *evidence})
        merged[key] = Finding(
            rule=f.rule,
            expert=f.expert,
            source=f.source,
            message=f.finding,
            evidence=evidence,
            severity=f.severity or "info",
        )
    return sorted(merged.values(), key=lambda x: (x.rule, x.message))


def combine(
    firings: Sequence[Firing], knowledge: Knowledge
) -> tuple[dict[str, Decision], list[str]]:
    """Fold conclusions into one decision per dimension; report dimensions no rule decided."""
    diagnostics: list[str] = []
    decisions: dict[str, Decision] = {}
    for dim in knowledge.dimensions:
        vocabulary = knowledge.vocabulary(dim.id)
        merged: dict[tuple[str, str], TraceEntry] = {}
        for f in firings:
            for d, concluded in f.conclusions:
                if d != dim.id:
                    continue
                key = (concluded, f.rule)
                before = merged[key].facts if key in merged else []
                matched = sorted(
                    {m.id: m for m in [*before, *f.facts]}.values(), key=lambda m: m.id
                )
                merged[key] = TraceEntry(
                    value=concluded,
                    rule=f.rule,
                    expert=f.expert,
                    source=f.source,
                    because=f.because,
                    facts=matched,
                )
        entries = sorted(merged.values(), key=lambda e: (vocabulary.index(e.value), e.rule))
        values = sorted({e.value for e in entries}, key=vocabulary.index)
        value: str | list[str] | None
        if not values and dim.kind == "set":
            value = []  # nothing of the kind is required: an empty set is a decision too
        elif not values:
            diagnostics.append(f"no rule decided {dim.id}")
            value = None
        elif dim.kind == "set":
            value = sorted(values)
        elif dim.kind == "ordered":
            value = values[-1]
            entries = [e for e in entries if e.value == value]
        else:
            value = values[0]
            if len(values) > 1:
                diagnostics.append(
                    f"rules disagree on {dim.id}: {', '.join(values)}; using {value}"
                )
        decisions[dim.id] = Decision(
            value=value,
            trace=entries,
            label=dim.label,
            summary=dim.summary,
            emphasis=dim.emphasis,
        )
    return decisions, diagnostics


def violations(firings: Sequence[Firing]) -> list[Violation]:
    return sorted(
        {
            (f.rule, f.at): Violation(
                rule=f.rule,
                severity=f.severity,
                message=f.violation,
                at=f.at,
                expert=f.expert,
                source=f.source,
                facts=f.facts,
            )
            for f in firings
            if f.violation
        }.values(),
        key=lambda v: (v.at, v.rule),
    )


@dataclass(frozen=True)
class Outcome:
    """Everything the rules concluded for one set of facts."""

    decisions: dict[str, Decision]
    violations: list[Violation]
    findings: list[Finding]
    diagnostics: list[str]
    fired: frozenset[str]  # every rule that fired, decision and policy rules alike


def decided_values(decisions: dict[str, Decision]) -> dict[str, str | list[str] | None]:
    return {dim: d.value for dim, d in decisions.items()}


def evaluate(kb: KnowledgeBase, facts: list[Fact]) -> Outcome:
    """Run the decision rules, then the policy rules over the final decisions."""
    k = kb.knowledge
    firings = run_rules(kb.rulebook.decision_rules, facts, k)
    decisions, diagnostics = combine(firings, k)
    decided = decided_values(decisions)
    policy_facts = [*facts, *decision_facts(decided, k), *declaration_facts(facts, decided, k)]
    policy_firings = run_rules(kb.rulebook.policy_rules, unique(policy_facts), k)
    return Outcome(
        decisions=decisions,
        violations=violations(policy_firings),
        findings=findings(firings),
        diagnostics=diagnostics,
        fired=frozenset(f.rule for f in [*firings, *policy_firings]),
    )
