"""Explain a plan's decisions, and why a value was *not* decided.

`explain` prints, for each value, the rules that produced it, the facts they matched (file:line)
and the reasons. `--why-not DIMENSION=VALUE` replays every rule that could have produced that
value against the facts recorded in the plan, and names the first condition that failed and
the value it saw — so a reviewer learns what would have to change. The command prints the
explanation of the dimension first, then the why-not (engine/commands/explain.py).
"""

from __future__ import annotations

from typing import Any

from engine.core.digest import short
from engine.core.errors import InputError, Problem, did_you_mean
from engine.decide.base import KnowledgeBase
from engine.decide.operators import OPERATORS, holds
from engine.decide.rulebook import Condition, Rule, Test
from engine.plan.model import FactRecord, Plan


def _value_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return "—" if value is None else str(value)


def choice_and_change(plan: Plan) -> list[str]:
    """How the pattern was chosen (and how sure), and what the change does, with evidence."""
    choice = plan.pattern_choice
    if plan.pattern is not None:
        lines = [
            f"pattern = {plan.pattern.id} (confidence {choice.confidence:.2f}): {choice.reason}"
        ]
    else:
        lines = [
            f"pattern = none: planned at category level ({choice.category_level or 'no pattern matched'})"
        ]
    others = [c for c in choice.candidates if c.pattern != choice.pattern][:3]
    if others:
        lines.append(
            "  also considered: "
            + ", ".join(f"{c.pattern} ({c.score}: {c.reason})" for c in others)
        )
    lines.append("change model (what the change does, and why infraplan thinks so):")
    lines.extend(f"  {x.trait}: {x.source}  [{x.at}]" for x in plan.change_model)
    if not plan.change_model:
        lines.append("  no trait: nothing this change does raises its risk")
    lines.append("")
    return lines


def explain(plan: Plan, dimension: str | None = None) -> str:
    dims = [dimension] if dimension else list(plan.decisions)
    lines: list[str] = choice_and_change(plan)
    for dim in dims:
        if dim not in plan.decisions:
            raise InputError(
                [
                    Problem(
                        "DIMENSION",
                        0,
                        0,
                        f'unknown decision "{dim}"{did_you_mean(dim, list(plan.decisions))}; expected one of {", ".join(plan.decisions)}',
                    )
                ]
            )
        decision = plan.decisions[dim]
        lines.append(f"{dim} = {_value_text(decision.value)}")
        if not decision.trace:
            lines.append("  no rule decided it")
        for t in decision.trace:
            lines.append(f"  {t.value}: {t.rule} ({t.source}), speaking for {t.expert}")
            lines.append(f"    because: {t.because}")
            for m in t.facts:
                fields = ", ".join(f"{k}={v}" for k, v in m.fields.items())
                where = m.at or ", ".join(m.evidence[:3])
                lines.append(f"    matched {m.type} {fields}" + (f"  [{where}]" if where else ""))
                for e in m.evidence[:5]:
                    if e != where:
                        lines.append(f"      evidence {e}")
        lines.append("")
    return "\n".join(lines)


def _passes(test: Test, fields: dict[str, Any]) -> bool:
    return test.field in fields and holds(test.op, fields[test.field], test.value)


def _describe_test(test: Test, condition: Condition, kb: KnowledgeBase) -> str:
    if condition.fact_type == "decision" and test.field == "rank":
        dim = next((t.value for t in condition.tests if t.field == "dimension"), "")
        vocabulary = kb.knowledge.vocabulary(str(dim))
        op = OPERATORS[test.op].words
        return f"{dim} {op} {vocabulary[int(test.value)] if isinstance(test.value, int) and 0 <= test.value < len(vocabulary) else test.value}"
    op = OPERATORS[test.op].symbol
    shown = (
        str(test.value).lower()
        if isinstance(test.value, bool)
        else '""'
        if test.value == ""
        else test.value
    )
    if condition.fact_type == "decision" and test.field == "value":
        dim = next((t.value for t in condition.tests if t.field == "dimension"), "")
        return f"{dim} {op} {shown}"
    return f"{condition.fact_type}.{test.field} {op} {shown}"


def condition_text(condition: Condition, kb: KnowledgeBase) -> str:
    if condition.fact_type == "decision":
        return " and ".join(
            _describe_test(t, condition, kb) for t in condition.tests if t.field != "dimension"
        )
    return f"{condition.fact_type} with " + ", ".join(
        _describe_test(t, condition, kb).split(".", 1)[1] for t in condition.tests
    )


def _decision_facts(plan: Plan, kb: KnowledgeBase) -> list[FactRecord]:
    out = []
    for dim, decision in plan.decisions.items():
        values = (
            decision.value
            if isinstance(decision.value, list)
            else [decision.value]
            if decision.value
            else []
        )
        for v in values:
            out.append(
                FactRecord(
                    type="decision",
                    id=f"decision:{dim}:{v}",
                    fields={"dimension": dim, "value": v, "rank": kb.knowledge.rank(dim, v)},
                )
            )
    return out


def _first_failure(rule: Rule, facts: list[FactRecord], kb: KnowledgeBase) -> list[str]:
    """Why a rule did not fire: its first failing condition and what the closest fact held."""
    reports: list[str] = []
    for index, condition in enumerate(rule.conditions, 1):
        candidates = [f for f in facts if f.type == condition.fact_type]
        if condition.fact_type == "decision":
            dim = next((t.value for t in condition.tests if t.field == "dimension"), "")
            candidates = [f for f in candidates if f.fields.get("dimension") == dim]
        if any(all(_passes(t, f.fields) for t in condition.tests) for f in candidates):
            if rule.mode == "any":
                return []
            continue
        text = condition_text(condition, kb)
        if not candidates:
            if condition.fact_type == "decision":
                dim = next((t.value for t in condition.tests if t.field == "dimension"), "")
                seen = f"no value of {dim} was decided"
            elif condition.fact_type in {"probe", "impact", "estate", "tool"}:
                seen = f"the plan has no {condition.fact_type} facts (were repositories given with --repo? does the pattern probe this?)"
            else:
                seen = f"the plan has no {condition.fact_type} fact"
            reports.append(f"condition {index} failed: {text} — {seen}")
        else:
            identifying = [t for t in condition.tests if t.op == "$eq" and isinstance(t.value, str)]
            scored = sorted(
                candidates,
                key=lambda f: (
                    -sum(_passes(t, f.fields) for t in identifying),
                    -sum(_passes(t, f.fields) for t in condition.tests),
                    f.id,
                ),
            )
            closest = scored[0]
            failing = next(t for t in condition.tests if not _passes(t, closest.fields))
            if condition.fact_type == "decision":
                values = sorted({str(f.fields.get("value")) for f in candidates})
                seen = f"{closest.fields.get('dimension')} is {', '.join(values)}"
            else:
                held = closest.fields.get(failing.field)
                shown = str(held).lower() if isinstance(held, bool) else repr(held)
                seen = f"{closest.id} has {failing.field}={shown}"
            where = closest.origins.get(failing.field) or ", ".join(closest.evidence[:2])
            reports.append(
                f"condition {index} failed: {text} — {seen}" + (f" [{where}]" if where else "")
            )
        if rule.mode == "all":
            return reports
    return reports


def why_not(plan: Plan, kb: KnowledgeBase, dimension: str, value: str) -> str:
    k = kb.knowledge
    dims = {d.id: d for d in k.dimensions}
    if dimension not in dims:
        raise InputError(
            [
                Problem(
                    "--why-not",
                    0,
                    0,
                    f'unknown decision "{dimension}"{did_you_mean(dimension, list(dims))}; expected one of {", ".join(dims)}',
                )
            ]
        )
    vocabulary = k.vocabulary(dimension)
    if value not in vocabulary:
        raise InputError(
            [
                Problem(
                    "--why-not",
                    0,
                    0,
                    f'"{value}" is not a value of {dimension}{did_you_mean(value, vocabulary)}; expected one of {", ".join(vocabulary)}',
                )
            ]
        )
    lines: list[str] = []
    if plan.inputs.rules != kb.rulebook.digest:
        lines.append(
            f"note: the rules changed since this plan was made ({short(plan.inputs.rules)} then, {short(kb.rulebook.digest)} now); replaying today's rules."
        )
    decision = plan.decisions[dimension]
    current = decision.value
    has = value in current if isinstance(current, list) else value == current
    if has:
        lines.append(
            f"Why not {dimension}={value}? It was decided: {dimension} is {_value_text(current)}; the rules that decided it are above."
        )
        return "\n".join(lines) + "\n"
    lines.append(f"Why not {dimension}={value}? It is {_value_text(current)}.")
    if (
        dims[dimension].kind == "ordered"
        and isinstance(current, str)
        and current in vocabulary
        and vocabulary.index(value) < vocabulary.index(current)
    ):
        fired = [t.rule for t in decision.trace]
        lines.append(
            f"{value} is below {current}, and {dimension} takes the highest value any rule decides; {current} came from: {', '.join(fired)}."
        )
    candidates = [
        r
        for r in kb.rulebook.decision_rules
        if any(
            c.dimension == dimension and (value in c.values or c.value_from) for c in r.conclusions
        )
    ]
    if not candidates:
        lines.append(f"No rule can conclude {dimension}={value}.")
        return "\n".join(lines) + "\n"
    facts = [*plan.facts, *_decision_facts(plan, kb)]
    lines.append(f"{len(candidates)} rule(s) could conclude it:")
    for rule in sorted(candidates, key=lambda r: r.id):
        lines.append(f"- {rule.id} ({rule.source}, {rule.expert}): {rule.because}")
        failures = _first_failure(rule, facts, kb)
        if not failures:
            via = next(
                (
                    c.value_from
                    for c in rule.conclusions
                    if c.dimension == dimension and c.value_from
                ),
                "",
            )
            lines.append(
                f"    all conditions hold; it concludes {dimension} from {via} instead"
                if via
                else "    all conditions hold (it fired; another rule decided a higher value)"
            )
        for failure in failures:
            lines.append(f"    {failure}")
    return "\n".join(lines) + "\n"
