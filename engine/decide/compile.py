"""Compiling a YAML rule: every condition checked against the fact schema and the knowledge,
every value against its field's type and its dimension's vocabulary, every operator against the
one operator table (engine/decide/operators.py)."""

from __future__ import annotations

import re
from typing import Any

from engine.core.errors import InputError, Problem, did_you_mean
from engine.core.validation import validate
from engine.core.yamlsrc import SourceMap
from engine.decide.operators import OPERATORS
from engine.decide.rulebook import Conclusion, Condition, RawRule, Rule, Test
from engine.facts.schema import FACT_TYPES, field_type
from engine.knowledge.model import Knowledge

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")


def compile_rule(
    item: Any, smap: SourceMap, path: tuple[str | int, ...], knowledge: Knowledge
) -> Rule:
    """Validate one YAML rule against the fact schema and the knowledge base."""
    raw = validate(RawRule, item, smap, path)
    problems: list[Problem] = []
    pos = smap.at(path)
    if not _RULE_ID.match(raw.id):
        problems.append(
            smap.problem(
                (*path, "id"),
                f'rule id "{raw.id}" must be dotted lower-case words, e.g. "risk.prod-credentials"',
            )
        )
    if knowledge.expert(raw.expert) is None:
        experts = [e.id for e in knowledge.experts]
        problems.append(
            smap.problem(
                (*path, "expert"),
                f'unknown expert "{raw.expert}"{did_you_mean(raw.expert, experts)}',
            )
        )

    if set(raw.when) - {"all", "any"} or len(raw.when) != 1:
        problems.append(
            smap.problem(
                (*path, "when"),
                'expected exactly one of "all" or "any" holding a list of conditions',
            )
        )
        raise InputError(problems)
    mode = "all" if "all" in raw.when else "any"
    is_policy = "violation" in raw.then
    conditions = []
    for j, cond in enumerate(raw.when[mode]):
        cpath = (*path, "when", mode, j)
        try:
            conditions.append(_condition(cond, smap, cpath, knowledge, is_policy))
        except InputError as exc:
            problems.extend(exc.problems)
    if not raw.when[mode]:
        problems.append(smap.problem((*path, "when", mode), "expected at least one condition"))

    conclusions: list[Conclusion] = []
    violation = ""
    finding = ""
    matched_types = {c.fact_type for c in conditions}
    for dim_id, value in raw.then.items():
        tpath = (*path, "then", dim_id)
        if dim_id in {"violation", "finding"}:
            if not isinstance(value, str) or not value.strip():
                problems.append(smap.problem(tpath, f"expected the {dim_id} message as a string"))
            if dim_id == "violation":
                violation = str(value)
            else:
                finding = str(value)
            continue
        conclusion = _conclusion(dim_id, value, smap, tpath, knowledge, matched_types)
        if isinstance(conclusion, Problem):
            problems.append(conclusion)
        else:
            conclusions.append(conclusion)
    for key, message in (("violation", violation), ("finding", finding)):
        for ref in re.findall(r"\{([a-z_]+\.[a-z_]+)\}", message):
            if not _field_ref_ok(ref, matched_types):
                problems.append(
                    smap.problem(
                        (*path, "then", key),
                        f"placeholder {{{ref}}} does not name a field of a matched fact",
                    )
                )
    if violation and finding:
        problems.append(smap.problem((*path, "then"), "a policy rule concludes only `violation`"))
    if raw.remedy and not violation:
        problems.append(
            smap.problem((*path, "remedy"), "only a policy rule (`violation:`) has a remedy")
        )
    if violation and raw.severity == "info":
        problems.append(
            smap.problem((*path, "severity"), "a policy rule's severity is error or warning")
        )
    if violation and conclusions:
        problems.append(
            smap.problem((*path, "then"), "a policy rule concludes only `violation`, not decisions")
        )
    if raw.at and not _field_ref_ok(raw.at, matched_types):
        problems.append(
            smap.problem(
                (*path, "at"), f'expected "fact_type.field" of a matched fact, got "{raw.at}"'
            )
        )
    if problems:
        raise InputError(problems)
    return Rule(
        id=raw.id,
        expert=raw.expert,
        because=" ".join(raw.because.split()),
        mode=mode,
        conditions=conditions,
        conclusions=conclusions,
        violation=" ".join(violation.split()),
        finding=" ".join(finding.split()),
        severity=raw.severity or ("error" if violation else "info"),
        at=raw.at,
        source=f"{smap.file}:{pos.line}",
        description=raw.description,
        remedy=raw.remedy,
    )


def _field_ref_ok(ref: str, matched_types: set[str]) -> bool:
    fact_type, _, field = ref.partition(".")
    return fact_type in matched_types and field_type(fact_type, field) is not None


def _conclusion(
    dim_id: str,
    value: Any,
    smap: SourceMap,
    tpath: tuple[str | int, ...],
    knowledge: Knowledge,
    matched_types: set[str],
) -> Conclusion | Problem:
    dims = {d.id: d for d in knowledge.dimensions}
    if dim_id not in dims:
        return smap.problem(
            tpath,
            f'unknown decision "{dim_id}"{did_you_mean(dim_id, [*dims, "finding", "violation"])}; expected one of {", ".join(sorted(dims))}, finding or violation',
            key=True,
        )
    dim = dims[dim_id]
    if isinstance(value, dict):
        ref = value.get("from", "")
        if (
            set(value) != {"from"}
            or not isinstance(ref, str)
            or not _field_ref_ok(ref, matched_types)
        ):
            return smap.problem(
                tpath,
                'expected a value, a list of values, or {from: "fact_type.field"} naming a field of a matched fact',
            )
        return Conclusion(dimension=dim_id, value_from=ref)
    values = value if isinstance(value, list) else [value]
    if dim.kind != "set" and len(values) != 1:
        return smap.problem(tpath, f'"{dim_id}" takes one value, not a list')
    vocabulary = knowledge.vocabulary(dim_id)
    for v in values:
        if not isinstance(v, str) or v not in vocabulary:
            return smap.problem(
                tpath,
                f'"{v}" is not a value of {dim_id}{did_you_mean(str(v), vocabulary)}; expected one of {", ".join(vocabulary)}',
            )
    return Conclusion(dimension=dim_id, values=list(values))


def _condition(
    cond: Any, smap: SourceMap, cpath: tuple[str | int, ...], knowledge: Knowledge, is_policy: bool
) -> Condition:
    line = smap.at(cpath).line
    if not isinstance(cond, dict) or len(cond) != 1:
        raise InputError(
            [
                smap.problem(
                    cpath, "expected a condition `fact_type: {field: value}` or `dimension: value`"
                )
            ]
        )
    ((name, body),) = cond.items()
    dims = {d.id: d for d in knowledge.dimensions}
    if name in dims:
        return _decision_condition(name, body, smap, cpath, knowledge, is_policy, line)
    if name not in FACT_TYPES:
        known = sorted([*FACT_TYPES, *dims])
        raise InputError(
            [
                smap.problem(
                    (*cpath, name),
                    f'unknown fact type "{name}"{did_you_mean(name, known)}; expected one of {", ".join(known)}',
                    key=True,
                )
            ]
        )
    if not isinstance(body, dict) or not body:
        raise InputError(
            [smap.problem((*cpath, name), "expected a mapping of fields to values or {$op: value}")]
        )
    problems: list[Problem] = []
    tests: list[Test] = []
    for fname, matcher in body.items():
        fpath = (*cpath, name, fname)
        ftype = field_type(name, fname)
        if ftype is None:
            fields = sorted(FACT_TYPES[name].model_fields)
            problems.append(
                smap.problem(
                    fpath,
                    f'unknown field "{fname}" of {name} facts{did_you_mean(fname, fields)}; known fields: {", ".join(fields)}',
                    key=True,
                )
            )
            continue
        if name == "decision" and fname in {"value", "rank"} and not is_policy:
            problems.append(
                smap.problem(
                    fpath,
                    f"test decisions with the shorthand `dimension: value` (e.g. `risk: {{$gte: medium}}`), not `decision.{fname}`",
                    key=True,
                )
            )
            continue
        for op, value in _matchers(matcher):
            problem = _check_value(op, value, ftype, smap, fpath)
            if problem:
                problems.append(problem)
            else:
                tests.append(Test(field=fname, op=op, value=value))
    if problems:
        raise InputError(problems)
    return Condition(fact_type=name, tests=tests, line=line)


def _matchers(matcher: Any) -> list[tuple[str, Any]]:
    if (
        isinstance(matcher, dict)
        and matcher
        and all(isinstance(k, str) and k.startswith("$") for k in matcher)
    ):
        return list(matcher.items())
    return [("$eq", matcher)]


def _check_value(
    op: str, value: Any, ftype: type, smap: SourceMap, fpath: tuple[str | int, ...]
) -> Problem | None:
    if op not in OPERATORS:
        return smap.problem(
            fpath,
            f'unknown operator "{op}"{did_you_mean(op, list(OPERATORS))}; expected one of {", ".join(sorted(OPERATORS))}',
        )
    if OPERATORS[op].ordering and ftype is not int:
        return smap.problem(fpath, f"{op} compares numbers; this field is a {ftype.__name__}")
    values = value if op == "$in" else [value]
    if op == "$in" and not (isinstance(value, list) and value):
        return smap.problem(fpath, "$in expects a non-empty list")
    for v in values:
        # bool is an int subclass in Python; keep them apart as durable_rules would confuse them
        if type(v) is not ftype:
            want = {str: "a string", int: "an integer", bool: "true or false"}[ftype]
            return smap.problem(fpath, f"expected {want}, got {v!r}")
    return None


def _decision_condition(
    dim_id: str,
    body: Any,
    smap: SourceMap,
    cpath: tuple[str | int, ...],
    knowledge: Knowledge,
    is_policy: bool,
    line: int,
) -> Condition:
    dim = knowledge.dimension(dim_id)
    vocabulary = knowledge.vocabulary(dim_id)
    fpath = (*cpath, dim_id)
    tests = [Test(field="dimension", op="$eq", value=dim_id)]
    problems: list[Problem] = []
    for op, value in _matchers(body):
        values = value if op == "$in" and isinstance(value, list) else [value]
        bad = [v for v in values if v not in vocabulary]
        if op not in OPERATORS:
            problems.append(
                smap.problem(
                    fpath,
                    f'unknown operator "{op}"; expected one of {", ".join(sorted(OPERATORS))}',
                )
            )
        elif bad:
            problems.append(
                smap.problem(
                    fpath,
                    f'"{bad[0]}" is not a value of {dim_id}{did_you_mean(str(bad[0]), vocabulary)}; expected one of {", ".join(vocabulary)}',
                )
            )
        elif OPERATORS[op].ordering and dim.kind != "ordered":
            problems.append(
                smap.problem(fpath, f"{op} needs an ordered dimension; {dim_id} is {dim.kind}")
            )
        elif dim.kind == "ordered" and not is_policy and op not in {"$gte", "$gt"}:
            # Decisions accumulate while rules fire (risk low, then medium, ...); only "at least"
            # tests give the same answer whatever order the rules fire in.
            problems.append(
                smap.problem(
                    fpath,
                    f"while deciding, test the ordered dimension {dim_id} with $gte or $gt (e.g. {{$gte: {value if isinstance(value, str) else vocabulary[0]}}}); exact tests belong in policy rules",
                )
            )
        elif OPERATORS[op].ordering:
            tests.append(Test(field="rank", op=op, value=vocabulary.index(value)))
        elif op == "$in":
            tests.append(Test(field="value", op="$in", value=list(values)))
        else:
            tests.append(Test(field="value", op=op, value=value))
    if problems:
        raise InputError(problems)
    return Condition(fact_type="decision", tests=tests, line=line)
