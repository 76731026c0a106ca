"""The durable_rules adapter: rules compiled to durable_rules rulesets and fired over facts.

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

from engine.core.errors import InputError, Problem
from engine.decide.operators import OPERATORS
from engine.decide.results import EngineError, Firing, MatchedFact
from engine.decide.rulebook import Rule
from engine.facts.decisions import decision_fact
from engine.facts.schema import Fact
from engine.knowledge.model import Knowledge

_SENTINEL_TYPE = "__sentinel__"
_counter = itertools.count()
# The C engine holds the GIL and has no locks: one evaluation at a time per process.
_lock = threading.Lock()


def _host() -> Any:
    from durable import engine as durable_engine

    class QuietHost(durable_engine.Host):
        def _run(self) -> None:  # no background dispatch or timer threads
            return None

    return QuietHost()


def run_rules(rules: Sequence[Rule], facts: Sequence[Fact], knowledge: Knowledge) -> list[Firing]:
    """Fire `rules` over `facts` to a fixpoint; return every firing, sorted."""
    from durable import engine as durable_engine

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
        try:
            host.assert_fact(name, payload)
        except durable_engine.MessageNotHandledException:
            raise
        except Exception as exc:
            if "error code: 303" not in str(exc):
                raise
            # the engine's own limit (ERR_MAX_STACK_SIZE): a rule set, not a bug, is the cause
            raise InputError(
                [
                    Problem(
                        "rules",
                        0,
                        0,
                        f"the rules engine (durable_rules) cannot match one `{payload.get('type')}` "
                        "fact against this many rules at once: at most 64 conditions that are not "
                        "plain equality may match one fact; merge rules that differ only in a "
                        "value (`$in`)",
                    )
                ]
            ) from None


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
                    severity=rule.severity,
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


def to_durable(rule: Rule) -> dict[str, Any]:
    """The durable_rules definition of a rule (without its action)."""
    aliases = []
    for i, cond in enumerate(rule.conditions):
        expressions: list[dict[str, Any]] = [{"type": cond.fact_type}]
        expressions.extend(OPERATORS[t.op].durable(t.field, t.value) for t in cond.tests)
        aliases.append({f"m{i}": {"$and": expressions}})
    return {rule.mode: aliases}
