"""Evaluate rules over facts with durable_rules, and combine conclusions into decisions.

Safeguards from our measurements of durable-rules 2.0.28 (docs/rules.md, "Engine"):
no timer threads (our Host never starts them, so every action runs inside `assert_fact`), one
freshly named ruleset per evaluation whose state and ruleset are deleted afterwards, exceptions
inside actions are caught and re-raised after the run, facts are validated before they are
asserted, and every conclusion is asserted once per (dimension, value) so rules chain without
duplicate-id errors. Ordered dimensions combine by maximum, set-valued ones by union: rules only
ever add facts, so the result cannot depend on the order rules fire in.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import re
import threading
from collections.abc import Sequence
from typing import Any

from pydantic import Field

from engine.facts import Fact, make_fact
from engine.knowledge import Knowledge
from engine.models import Out
from engine.rulebook import Rule

_SENTINEL_TYPE = "__sentinel__"
_counter = itertools.count()
# The C engine holds the GIL and has no locks: one evaluation at a time per process.
_lock = threading.Lock()


class MatchedFact(Out):
    type: str
    id: str
    fields: dict[str, str | int | bool]
    at: str = ""
    evidence: list[str] = Field(default_factory=list)


class Firing(Out):
    """One activation of one rule: the facts it matched and what it concluded."""

    rule: str
    expert: str
    source: str
    because: str
    facts: list[MatchedFact]
    conclusions: list[tuple[str, str]]
    violation: str = ""
    finding: str = ""
    severity: str = ""
    at: str = ""


class EngineError(RuntimeError):
    """The rules engine failed; a bug in infraplan or in durable_rules, not a user mistake."""


def _host() -> Any:
    from durable import engine as durable_engine

    class QuietHost(durable_engine.Host):
        def _run(self) -> None:  # no background dispatch or timer threads
            return None

    return QuietHost()


def run_rules(rules: Sequence[Rule], facts: Sequence[Fact], knowledge: Knowledge) -> list[Firing]:
    """Fire `rules` over `facts` to a fixpoint; return every firing, sorted."""
    from durable import engine as durable_engine

    from engine.rulebook import to_durable

    by_id = {f.id: f for f in facts}
    firings: list[Firing] = []
    errors: list[BaseException] = []
    asserted: set[str] = set()
    definitions: dict[str, Any] = {}

    for index, rule in enumerate(rules):
        definition = to_durable(rule)
        definition["run"] = _action(rule, by_id, firings, errors, asserted, knowledge)
        definitions[f"r{index}"] = definition
    definitions["sentinel"] = {"all": [{"m0": {"type": _SENTINEL_TYPE}}], "run": lambda c: None}

    name = f"infraplan_{next(_counter)}"
    with _lock:
        host = _host()
        # register_rulesets deletes `run` from what it is given: hand it a copy
        host.register_rulesets({name: copy.copy(definitions)})
        try:
            for fact in sorted(facts, key=lambda f: f.id):
                _assert(host, name, fact.payload(), durable_engine)
            # A session in which no action ran segfaults on delete_state: the sentinel fires.
            host.assert_fact(name, {"id": "__sentinel__", "type": _SENTINEL_TYPE})
        finally:
            host.delete_state(name, None)
            import durable_rules_engine

            ruleset = host.get_ruleset(name)
            durable_rules_engine.delete_ruleset(ruleset._handle)
    if errors:
        raise EngineError(f"a rule action failed: {errors[0]!r}") from errors[0]
    return sorted(firings, key=lambda f: (f.rule, [m.id for m in f.facts]))


def _assert(host: Any, name: str, payload: dict[str, Any], durable_engine: Any) -> None:
    # no rule tests facts like this one: nothing to do
    with contextlib.suppress(durable_engine.MessageNotHandledException):
        host.assert_fact(name, payload)


def _action(
    rule: Rule,
    by_id: dict[str, Fact],
    firings: list[Firing],
    errors: list[BaseException],
    asserted: set[str],
    knowledge: Knowledge,
) -> Any:
    from durable import engine as durable_engine

    def act(c: Any) -> None:
        try:
            matched = []
            for alias in sorted(c._m, key=lambda a: int(a[1:])):
                payload = c._m[alias]
                fact = by_id.get(payload["id"])
                cond = rule.conditions[int(alias[1:])]
                tested = sorted({t.field for t in cond.tests})
                if cond.fact_type == "decision":
                    fields = {"dimension": payload["dimension"], "value": payload["value"]}
                else:
                    fields = {k: payload[k] for k in tested if k in payload}
                at = ""
                evidence: list[str] = []
                if fact is not None:
                    at = next((fact.origins[k] for k in tested if k in fact.origins), "")
                    evidence = list(fact.evidence)
                    at = at or (evidence[0] if evidence else "")
                matched.append(
                    MatchedFact(
                        type=payload["type"],
                        id=payload["id"],
                        fields=fields,
                        at=at,
                        evidence=evidence,
                    )
                )
            conclusions: list[tuple[str, str]] = []
            for conclusion in rule.conclusions:
                values = conclusion.values
                if conclusion.value_from:
                    ftype, _, fname = conclusion.value_from.partition(".")
                    source = next(c._m[a] for a in sorted(c._m) if c._m[a]["type"] == ftype)
                    values = [str(source[fname])]
                for value in values:
                    if value not in knowledge.vocabulary(conclusion.dimension):
                        raise ValueError(
                            f"rule {rule.id} concluded {conclusion.dimension}={value!r}, not in the vocabulary"
                        )
                    conclusions.append((conclusion.dimension, value))
            firings.append(
                Firing(
                    rule=rule.id,
                    expert=rule.expert,
                    source=rule.source,
                    because=rule.because,
                    facts=matched,
                    conclusions=conclusions,
                    violation=_fill(rule.violation, c._m),
                    finding=_fill(rule.finding, c._m),
                    severity=rule.severity if rule.violation else "",
                    at=_violation_at(rule, c._m, by_id),
                )
            )
            for dimension, value in conclusions:
                fact = decision_fact(knowledge, dimension, value)
                if fact.id in asserted:
                    continue
                asserted.add(fact.id)
                by_id[fact.id] = fact
                with contextlib.suppress(durable_engine.MessageNotHandledException):
                    c.assert_fact(fact.payload())
        except BaseException as exc:  # surfaced after the run; durable would swallow it
            errors.append(exc)

    return act


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\.([a-z_]+)\}")


def _fill(message: str, matched: dict[str, Any]) -> str:
    """Fill `{fact_type.field}` placeholders in a violation message from the matched facts."""

    def value(m: re.Match[str]) -> str:
        for alias in sorted(matched):
            if matched[alias].get("type") == m.group(1) and m.group(2) in matched[alias]:
                return str(matched[alias][m.group(2)])
        return m.group(0)

    return _PLACEHOLDER.sub(value, message)


def _violation_at(rule: Rule, matched: dict[str, Any], by_id: dict[str, Fact]) -> str:
    if not rule.violation:
        return ""
    candidates: list[tuple[str, str]] = []
    if rule.at:
        ftype, _, fname = rule.at.partition(".")
        candidates.append((ftype, fname))
    for cond in rule.conditions:
        candidates.extend((cond.fact_type, t.field) for t in cond.tests)
    for ftype, fname in candidates:
        for alias in sorted(matched):
            fact = by_id.get(matched[alias]["id"])
            if fact is not None and fact.type == ftype and fname in fact.origins:
                return fact.origins[fname]
    return ""


def decision_fact(knowledge: Knowledge, dimension: str, value: str) -> Fact:
    return make_fact(
        "decision",
        f"{dimension}:{value}",
        dimension=dimension,
        value=value,
        rank=knowledge.rank(dimension, value),
    )


class TraceEntry(Out):
    """Why a value was decided: the rule, the expert it speaks for, the facts it matched."""

    value: str
    rule: str
    expert: str
    source: str
    because: str
    facts: list[MatchedFact]


class Decision(Out):
    value: str | list[str] | None
    trace: list[TraceEntry]


class Finding(Out):
    """Something a rule found in the estate or the spec, with the facts behind it."""

    rule: str
    expert: str
    source: str
    message: str
    evidence: list[str]


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
            rule=f.rule, expert=f.expert, source=f.source, message=f.finding, evidence=evidence
        )
    return sorted(merged.values(), key=lambda x: (x.rule, x.message))


class WaivedBy(Out):
    """The spec's waiver that excuses a violation."""

    reason: str
    owner: str
    expires: str
    at: str


class Violation(Out):
    """A spec policy rule that fired: what `check` reports."""

    rule: str
    severity: str
    message: str
    at: str
    expert: str
    source: str
    facts: list[MatchedFact]
    waived_by: WaivedBy | None = None


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
        if not values:
            diagnostics.append(f"no rule decided {dim.id}")
            value = [] if dim.kind == "set" else None
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
        decisions[dim.id] = Decision(value=value, trace=entries)
    return decisions, diagnostics


def final_decision_facts(decisions: dict[str, Decision], knowledge: Knowledge) -> list[Fact]:
    facts: list[Fact] = []
    for dim_id, decision in decisions.items():
        values = (
            decision.value
            if isinstance(decision.value, list)
            else [decision.value]
            if decision.value
            else []
        )
        facts.extend(decision_fact(knowledge, dim_id, v) for v in values)
    return facts


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
