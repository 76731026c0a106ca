"""`infraplan check`: the spec policy rules over one or more specs (rendered by
engine/render/check_*.py). Exit codes: 0 clean (warnings and waived findings allowed), 1 an
unwaived error-level violation, 2 a spec that cannot be read or is invalid.
"""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from datetime import date
from pathlib import Path

from engine.core.errors import InputError, Problem
from engine.core.modelbase import Field
from engine.core.models import Out
from engine.decide.base import KnowledgeBase
from engine.decide.evaluate import evaluate
from engine.decide.results import Violation
from engine.facts.current import current_facts
from engine.facts.estate import estate_facts
from engine.facts.spec import spec_facts
from engine.match.change import change_model
from engine.match.choose import match_pattern, phases_for
from engine.plan.waivers import apply_waivers, validate_waivers
from engine.spec.load import load_spec
from engine.spec.model import LoadedSpec

INVALID_SPEC_RULE = "infraplan.invalid-spec"


class SpecResult(Out):
    path: str
    violations: list[Violation] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)


class RuleInfo(Out):
    id: str
    severity: str
    expert: str
    because: str
    source: str


class CheckResults(Out):
    results: list[SpecResult]
    rules: list[RuleInfo]

    @property
    def exit_code(self) -> int:
        if any(r.problems for r in self.results):
            return 2
        if any(
            v.severity == "error" and v.waived_by is None
            for r in self.results
            for v in r.violations
        ):
            return 1
        return 0


def check_specs(paths: list[Path], kb: KnowledgeBase, today: date | None = None) -> CheckResults:
    """Plan each spec's decisions and collect the policy violations; one bad spec does not stop the rest."""
    results = []
    for path in paths:
        try:
            loaded = load_spec(path, kb.knowledge)
            violations = spec_violations(loaded, kb, today)
        except InputError as exc:
            results.append(SpecResult(path=str(path), problems=_capped(exc, str(path))))
            continue
        results.append(SpecResult(path=str(path), violations=violations))
    rules = [
        RuleInfo(id=r.id, severity=r.severity, expert=r.expert, because=r.because, source=r.source)
        for r in kb.rulebook.policy_rules
    ]
    return CheckResults(results=results, rules=rules)


def spec_violations(
    loaded: LoadedSpec, kb: KnowledgeBase, today: date | None = None
) -> list[Violation]:
    """The policy violations of a spec planned without an estate: the same facts and rules as
    `build_plan(loaded, kb, today=today)` (a test holds them equal), without building the rest
    of the plan — `check` runs on every commit."""
    from datetime import UTC, datetime

    k = kb.knowledge
    pattern, _ = match_pattern(loaded, k)
    validate_waivers(loaded, kb)
    day = today or datetime.now(UTC).date()
    phases, _ = phases_for(loaded, pattern, k)
    evidence = change_model(loaded, k, pattern, phases)
    facts = [
        *spec_facts(loaded, k, pattern, day, evidence),
        *estate_facts(None, k, None, pattern),
        *current_facts(loaded, None, [], [], []),
    ]
    return apply_waivers(loaded, evaluate(kb, facts).violations)


def _capped(exc: InputError, path: str) -> list[Problem]:
    """At most INFRAPLAN_MAX_PROBLEMS problems of one spec, then how many more there were."""
    from engine.core import limits

    most = limits.current().problems
    more = max(0, len(exc.problems) - most) + exc.omitted
    tail = [Problem(path, 0, 0, f"... and {more} more problems (INFRAPLAN_MAX_PROBLEMS={most})")]
    return exc.problems[:most] + (tail if more else [])


def located(v: Violation, path: str) -> tuple[str, int]:
    """A violation's file and line (the spec's first line when it has no better place)."""
    file, _, line = (v.at or f"{path}:1").rpartition(":")
    return (file, int(line)) if line.isdigit() else (v.at, 0)


def ordered(r: SpecResult) -> list[Violation]:
    return sorted(r.violations, key=lambda v: (located(v, r.path), v.rule))
