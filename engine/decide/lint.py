"""`infraplan rules lint`: check a rule base the way a linter checks code.

Errors (exit 1): schema errors, unknown fact types and fields, values outside a dimension's
vocabulary, duplicate ids (all with file:line, from loading); rules that can never fire given the
fact schema, the knowledge and the value domains; contradictions (the same conditions deciding
different values of a single-valued, unordered dimension); cycles in conclusion chaining;
experts and patterns referenced but not defined; patterns whose triggers cannot be told apart.
Warnings (exit 0): rules subsumed by another rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.core.errors import Problem
from engine.core.models import Out
from engine.decide.load import load_rules_lenient
from engine.decide.operators import holds, satisfiable
from engine.decide.rulebook import Condition, Rule, Test
from engine.knowledge.model import Knowledge
from engine.spec.intake import trigger_words


class LintFinding(Out):
    severity: str  # error or warning
    check: str
    where: str
    rule: str
    message: str


def _where(rule: Rule) -> str:
    return rule.source


def _tests_by_field(cond: Condition) -> dict[str, list[Test]]:
    out: dict[str, list[Test]] = {}
    for t in cond.tests:
        out.setdefault(t.field, []).append(t)
    return out


def _numeric_range_empty(tests: list[Test]) -> bool:
    numeric = [
        (t.op, t.value)
        for t in tests
        if isinstance(t.value, int) and not isinstance(t.value, bool) and t.op != "$in"
    ]
    return bool(numeric) and not satisfiable(numeric)


def _string_domain(fact_type: str, field: str, knowledge: Knowledge) -> set[str] | None:
    """The values a string field of a fact can take, when the knowledge fixes them."""
    domains: dict[tuple[str, str], set[str]] = {
        ("trait", "name"): set(knowledge.traits),
        ("probe", "name"): {p.name for p in knowledge.probes} | {"deprecated-apis", "removed-apis"},
        ("probe", "environment"): {e.id for e in knowledge.environments} | {"all"},
        ("phase_kind", "kind"): {k.id for k in knowledge.phase_kinds} | {"other"},
        ("phase", "kind"): {k.id for k in knowledge.phase_kinds} | {"other"},
        ("enhancement", "category"): {c.id for c in knowledge.categories},
        ("enhancement", "scope"): {s.id for s in knowledge.scopes},
        ("enhancement", "pattern"): {p.id for p in knowledge.patterns} | {""},
        ("tool", "pattern"): {p.id for p in knowledge.patterns},
        ("tool", "probe"): {p.name for p in knowledge.probes},
        ("environment", "name"): {e.id for e in knowledge.environments},
        ("agent", "name"): {e.id for e in knowledge.experts},
    }
    return domains.get((fact_type, field))


def never_fires(rule: Rule, knowledge: Knowledge, concluded: set[tuple[str, str]]) -> list[str]:
    """Why a rule can never fire (empty when it can)."""
    reasons: list[str] = []
    for cond in rule.conditions:
        if cond.fact_type == "decision":
            dim = next((str(t.value) for t in cond.tests if t.field == "dimension"), "")
            vocabulary = knowledge.vocabulary(dim)
            reachable = [v for v in vocabulary if (dim, v) in concluded]
            for t in cond.tests:
                if t.field == "value" and t.op == "$eq" and (dim, t.value) not in concluded:
                    reasons.append(f"no rule concludes {dim}={t.value}")
                if t.field == "rank" and isinstance(t.value, int):
                    ok = [v for v in reachable if holds(t.op, vocabulary.index(v), t.value)]
                    if not ok and not rule.is_policy:
                        reasons.append(
                            f"no rule concludes a value of {dim} that passes {t.op} {vocabulary[t.value] if 0 <= t.value < len(vocabulary) else t.value}"
                        )
            continue
        for field, tests in _tests_by_field(cond).items():
            if _numeric_range_empty(tests):
                reasons.append(
                    f"{cond.fact_type}.{field}: no number satisfies {' and '.join(f'{t.op} {t.value}' for t in tests)}"
                )
            domain = _string_domain(cond.fact_type, field, knowledge)
            if domain is None:
                continue
            for t in tests:
                values = t.value if isinstance(t.value, list) else [t.value]
                if t.op in {"$eq", "$in"} and not any(
                    isinstance(v, str) and v in domain for v in values
                ):
                    reasons.append(
                        f"{cond.fact_type}.{field} is never {' or '.join(str(v) for v in values)} (known: {', '.join(sorted(domain))[:200]})"
                    )
        if rule.mode == "any" and not reasons:
            return []
    return reasons


def _signature(rule: Rule) -> frozenset[tuple[str, frozenset[tuple[str, str, str]]]]:
    return frozenset(
        (c.fact_type, frozenset((t.field, t.op, repr(t.value)) for t in c.tests))
        for c in rule.conditions
    )


def _implies(specific: Test, general: Test) -> bool:
    """Whether a fact passing `specific` always passes `general` (same field)."""
    if specific.field != general.field:
        return False
    if (specific.op, repr(specific.value)) == (general.op, repr(general.value)):
        return True
    if general.op == "$in" and isinstance(general.value, list):
        allowed = general.value
        if specific.op == "$eq":
            return any(holds("$eq", specific.value, v) for v in allowed)
        if specific.op == "$in" and isinstance(specific.value, list):
            return all(any(holds("$eq", v, a) for a in allowed) for v in specific.value)
    return False


def _at_least_as_strict(specific: Rule, general: Rule) -> bool:
    """Every condition of `general` is implied by a condition of `specific`."""
    if specific.mode != "all" or general.mode != "all":
        return False
    for c in general.conditions:
        if not any(
            s.fact_type == c.fact_type
            and all(any(_implies(st, gt) for st in s.tests) for gt in c.tests)
            for s in specific.conditions
        ):
            return False
    return True


def _covers(general: Rule, specific: Rule, knowledge: Knowledge) -> bool:
    """`general` concludes at least everything `specific` does."""
    if specific.finding or specific.violation or general.violation:
        return False
    mine = {(c.dimension, v) for c in specific.conclusions for v in c.values}
    theirs = {(c.dimension, v) for c in general.conclusions for v in c.values}
    if any(c.value_from for c in specific.conclusions):
        return False
    for dim, value in mine:
        if (dim, value) in theirs:
            continue
        kind = knowledge.dimension(dim).kind
        if kind != "ordered" or not any(
            d == dim and knowledge.rank(dim, v) >= knowledge.rank(dim, value) for d, v in theirs
        ):
            return False
    return True


def lint(dirs: Sequence[Path], knowledge: Knowledge) -> list[LintFinding]:
    import networkx as nx

    rulebook, problems = load_rules_lenient(dirs, knowledge)
    findings = [
        LintFinding(
            severity="error",
            check="load",
            where=_problem_where(p),
            rule="",
            message=f"{p.field + ': ' if p.field else ''}{p.message}",
        )
        for p in problems
    ]
    rules = rulebook.rules
    concluded = {
        (c.dimension, v)
        for r in rules
        for c in r.conclusions
        for v in (c.values or knowledge.vocabulary(c.dimension))
    }
    for rule in rules:
        for reason in never_fires(rule, knowledge, concluded):
            findings.append(
                LintFinding(
                    severity="error",
                    check="never-fires",
                    where=_where(rule),
                    rule=rule.id,
                    message=f"can never fire: {reason}",
                )
            )
        for cond in rule.conditions:
            for t in cond.tests:
                if (
                    (cond.fact_type, t.field) in {("enhancement", "pattern"), ("tool", "pattern")}
                    and isinstance(t.value, str)
                    and t.value
                    and knowledge.pattern(t.value) is None
                ):
                    findings.append(
                        LintFinding(
                            severity="error",
                            check="undefined-pattern",
                            where=_where(rule),
                            rule=rule.id,
                            message=f'refers to pattern "{t.value}", which no knowledge folder defines',
                        )
                    )
    # contradictions: same conditions, different values of a single, unordered dimension
    by_signature: dict[object, list[Rule]] = {}
    for rule in rules:
        by_signature.setdefault(_signature(rule), []).append(rule)
    for group in by_signature.values():
        single = [
            (r, c)
            for r in group
            for c in r.conclusions
            if knowledge.dimension(c.dimension).kind == "single" and c.values
        ]
        for i, (a, ca) in enumerate(single):
            for b, cb in single[i + 1 :]:
                if ca.dimension == cb.dimension and set(ca.values) != set(cb.values):
                    findings.append(
                        LintFinding(
                            severity="error",
                            check="contradiction",
                            where=_where(b),
                            rule=b.id,
                            message=f"decides {cb.dimension}={', '.join(cb.values)} under the same conditions where {a.id} ({a.source}) decides {', '.join(ca.values)}",
                        )
                    )
    # subsumed rules: a more specific rule that concludes nothing the general one does not
    for a in rules:
        for b in rules:
            if a is b or _signature(a) == _signature(b):
                continue
            if _at_least_as_strict(a, b) and _covers(b, a, knowledge):
                findings.append(
                    LintFinding(
                        severity="warning",
                        check="subsumed",
                        where=_where(a),
                        rule=a.id,
                        message=f"subsumed by {b.id} ({b.source}): whenever it fires, {b.id} fires and decides at least as much",
                    )
                )
    # cycles: a rule whose conclusion can feed back into its own conditions
    graph = nx.DiGraph()
    for rule in rules:
        graph.add_node(rule.id)
    for a in rules:
        produced = {
            (c.dimension, v)
            for c in a.conclusions
            for v in (c.values or knowledge.vocabulary(c.dimension))
        }
        for b in rules:
            for cond in b.conditions:
                if cond.fact_type != "decision":
                    continue
                dim = next((str(t.value) for t in cond.tests if t.field == "dimension"), "")
                if any(d == dim for d, _ in produced):
                    graph.add_edge(a.id, b.id)
    for component in sorted(sorted(c) for c in nx.strongly_connected_components(graph)):
        if len(component) == 1 and not graph.has_edge(component[0], component[0]):
            continue
        example = nx.find_cycle(graph.subgraph(component))
        path = " → ".join([*(u for u, _ in example), example[0][0]])
        first = next(r for r in rules if r.id == component[0])
        findings.append(
            LintFinding(
                severity="error",
                check="cycle",
                where=_where(first),
                rule=first.id,
                message=f"conclusions chain in a cycle through {', '.join(component)} (e.g. {path})",
            )
        )
    # patterns whose triggers cannot be told apart
    concept_ids = {t.id for t in knowledge.terms}
    seen: dict[frozenset[frozenset[str]], str] = {}
    for p in sorted(knowledge.patterns, key=lambda p: p.id):
        key = frozenset(frozenset(trigger_words(t, concept_ids)) for t in p.triggers)
        if key in seen:
            findings.append(
                LintFinding(
                    severity="error",
                    check="indistinct-triggers",
                    where=f"patterns/{p.id}",
                    rule="",
                    message=f'pattern "{p.id}" has the same triggers as "{seen[key]}": no request can tell them apart',
                )
            )
        else:
            seen[key] = p.id
    return sorted(findings, key=lambda f: (f.severity != "error", f.where, f.check, f.message))


def _problem_where(p: Problem) -> str:
    return f"{p.file}:{p.line}:{p.column}" if p.line else p.file


def render(findings: list[LintFinding]) -> str:
    lines = [
        f"{f.where}: {f.severity}: {f.check}: {f.rule + ': ' if f.rule else ''}{f.message}"
        for f in findings
    ]
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"
