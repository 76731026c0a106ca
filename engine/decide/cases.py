"""Rule tests: YAML cases, facts (or a spec) in, decisions out — in the spirit of `opa test`.

    - name: production databases raise risk to medium
      rule: estate.prod-databases          # the rule the case is about (documentation)
      facts:                               # fields left out take their type's empty value
        - probe: {name: databases, environment: prod, count: 2}
      expect:
        risk: medium                       # ordered/single dimensions: the value
        testing: [integration]             # set dimensions: values that must be present
        findings: ["production database"]  # substrings of some finding
        violations: [policy.rollback-required]
        fires: [estate.prod-databases]
      absent:
        risk: high                         # a value the dimension must not take or contain
        fires: [estate.no-staging]

A case may give `spec:` (an inline spec mapping) instead of or besides `facts:`; the spec's facts
are built exactly as for a plan. As in a plan, every trait of the knowledge base is a fact: a
trait a case does not name is present: false. Coverage counts every rule any case fired.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from engine.core.errors import InputError, Problem, did_you_mean
from engine.core.models import Out, Strict
from engine.core.resources import bundled
from engine.core.validation import validate
from engine.core.yamlsrc import load_file, load_text
from engine.decide.base import KnowledgeBase
from engine.decide.evaluate import evaluate
from engine.facts.cases import facts_from_case
from engine.facts.schema import Fact, make_fact
from engine.facts.spec import spec_facts
from engine.match.choose import match_pattern
from engine.spec.load import finish_spec


class RuleCase(Strict):
    name: str
    rule: str = ""
    spec: dict[str, Any] | None = None
    facts: list[dict[str, dict[str, Any]]] = Field(default_factory=list)
    expect: dict[str, Any] = Field(default_factory=dict)
    absent: dict[str, Any] = Field(default_factory=dict)


class CaseResult(Out):
    name: str
    where: str
    rule: str
    failures: list[str]
    fired: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


class TestReport(Out):
    results: list[CaseResult]
    rules: list[str]

    @property
    def covered(self) -> list[str]:
        fired = {r for c in self.results for r in c.fired}
        return [r for r in self.rules if r in fired]

    @property
    def uncovered(self) -> list[str]:
        covered = set(self.covered)
        return [r for r in self.rules if r not in covered]


def _display(path: Path) -> str:
    root = bundled("rules").resolve()
    resolved = path.resolve()
    return (
        f"rules/{resolved.relative_to(root).as_posix()}" if root in resolved.parents else str(path)
    )


def load_cases(paths: Sequence[Path]) -> list[tuple[RuleCase, str]]:
    cases = []
    problems: list[Problem] = []
    files = sorted({f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*.yaml")))})
    for path in files:
        try:
            data, smap = load_file(path, _display(path))
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, list):
            problems.append(smap.problem((), "expected a list of test cases"))
            continue
        for i, item in enumerate(data):
            try:
                case = validate(RuleCase, item, smap, (i,))
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            pos = smap.at((i,))
            cases.append((case, f"{_display(path)}:{pos.line}"))
    if problems:
        raise InputError(problems)
    return cases


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def run_case(case: RuleCase, where: str, kb: KnowledgeBase) -> CaseResult:
    import yaml

    facts: list[Fact] = []
    if case.spec is not None:
        data, smap = load_text(yaml.safe_dump(case.spec, sort_keys=False), where)
        loaded = finish_spec(data, smap, kb.knowledge, sha256="")
        pattern, _ = match_pattern(loaded, kb.knowledge)
        facts.extend(spec_facts(loaded, kb.knowledge, pattern))
    facts.extend(facts_from_case(case.facts, where))
    named = {str(f.fields.get("name")) for f in facts if f.type == "trait"}
    facts.extend(
        make_fact("trait", name, name=name, present=False, source="")
        for name in kb.knowledge.traits
        if name not in named
    )
    outcome = evaluate(kb, facts)
    failures: list[str] = []
    dims = {d.id: d for d in kb.knowledge.dimensions}
    for key, wanted in case.expect.items():
        if key == "findings":
            for text in _as_list(wanted):
                if not any(text in f.message for f in outcome.findings):
                    failures.append(
                        f'expected a finding containing "{text}"; got {[f.message for f in outcome.findings]}'
                    )
        elif key == "violations":
            got = {v.rule for v in outcome.violations}
            failures.extend(
                f"expected violation {r}; got {sorted(got)}"
                for r in _as_list(wanted)
                if r not in got
            )
        elif key == "fires":
            failures.extend(
                f"expected rule {r} to fire; fired {sorted(outcome.fired)}"
                for r in _as_list(wanted)
                if r not in outcome.fired
            )
        elif key in dims:
            value = outcome.decisions[key].value
            if dims[key].kind == "set":
                missing = [v for v in _as_list(wanted) if v not in (value or [])]
                if missing:
                    failures.append(f"expected {key} to contain {missing}; got {value}")
            elif value != wanted:
                failures.append(f"expected {key} = {wanted}; got {value}")
        else:
            failures.append(
                f'unknown expectation "{key}"{did_you_mean(key, [*dims, "findings", "violations", "fires"])}'
            )
    for key, unwanted in case.absent.items():
        if key == "findings":
            failures.extend(
                f'unexpected finding containing "{t}"'
                for t in _as_list(unwanted)
                if any(t in f.message for f in outcome.findings)
            )
        elif key == "violations":
            failures.extend(
                f"unexpected violation {r}"
                for r in _as_list(unwanted)
                if r in {v.rule for v in outcome.violations}
            )
        elif key == "fires":
            failures.extend(
                f"rule {r} fired but must not" for r in _as_list(unwanted) if r in outcome.fired
            )
        elif key in dims:
            value = outcome.decisions[key].value
            values = value if isinstance(value, list) else [value]
            failures.extend(
                f"{key} must not be {v}; got {value}" for v in _as_list(unwanted) if v in values
            )
        else:
            failures.append(f'unknown absence "{key}"')
    return CaseResult(
        name=case.name, where=where, rule=case.rule, failures=failures, fired=sorted(outcome.fired)
    )


def run_tests(paths: Sequence[Path], kb: KnowledgeBase) -> TestReport:
    cases = load_cases(paths)
    results = [run_case(case, where, kb) for case, where in cases]
    return TestReport(results=results, rules=[r.id for r in kb.rulebook.rules])


def render_report(report: TestReport, verbose: bool = False) -> str:
    lines = []
    for r in report.results:
        if r.failures:
            lines.append(f"FAIL {r.where}: {r.name}")
            lines.extend(f"  - {f}" for f in r.failures)
        elif verbose:
            lines.append(f"ok   {r.where}: {r.name}")
    total = len(report.rules)
    covered = len(report.covered)
    percent = 100.0 * covered / total if total else 100.0
    failed = sum(1 for r in report.results if r.failures)
    if report.uncovered:
        lines.append(
            f"rules no test fires ({len(report.uncovered)}): " + ", ".join(report.uncovered)
        )
    lines.append(
        f"{len(report.results) - failed} passed, {failed} failed; coverage {covered}/{total} rules ({percent:.0f}%)"
    )
    return "\n".join(lines) + "\n"
