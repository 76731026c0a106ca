"""`infraplan check`: the spec policy rules over one or more specs."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field

from engine.decide import Violation
from engine.errors import InputError, Problem
from engine.models import Out


class SpecResult(Out):
    path: str
    violations: list[Violation] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)


class CheckResults(Out):
    results: list[SpecResult]

    @property
    def exit_code(self) -> int:
        if any(r.problems for r in self.results):
            return 2
        if any(v.severity == "error" for r in self.results for v in r.violations):
            return 1
        return 0


def check_specs(
    paths: list[Path], rules_dirs: list[Path], knowledge_dirs: list[Path]
) -> CheckResults:
    """Plan each spec's decisions and collect the policy violations; one bad spec does not stop the rest."""
    from engine.plan import build_plan, load_base
    from engine.spec import load_spec

    base = load_base(rules_dirs, knowledge_dirs)
    results = []
    for path in paths:
        try:
            loaded = load_spec(path, base.knowledge)
        except InputError as exc:
            results.append(SpecResult(path=str(path), problems=[str(p) for p in exc.problems]))
            continue
        plan = build_plan(loaded, base)
        results.append(SpecResult(path=str(path), violations=plan.violations))
    return CheckResults(results=results)


def _line(v: Violation) -> tuple[str, int]:
    file, _, line = v.at.rpartition(":")
    return (file, int(line)) if line.isdigit() else (v.at, 0)


def render_text(results: CheckResults) -> str:
    lines: list[str] = []
    for r in results.results:
        lines.extend(f"error: {p}" for p in r.problems)
        for v in sorted(r.violations, key=lambda v: (_line(v), v.rule)):
            where = v.at or f"{r.path}:1"
            severity = "" if v.severity == "error" else f"{v.severity}: "
            lines.append(f"{where}: {v.rule}: {severity}{v.message}")
    errors = sum(v.severity == "error" for r in results.results for v in r.violations)
    warnings = sum(v.severity == "warning" for r in results.results for v in r.violations)
    invalid = sum(bool(r.problems) for r in results.results)
    lines.append(
        f"{len(results.results)} spec(s) checked: {errors} error(s), {warnings} warning(s), {invalid} invalid"
    )
    return "\n".join(lines) + "\n"


def render_json(results: CheckResults) -> str:
    return json.dumps(results.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


__all__ = ["CheckResults", "Problem", "check_specs"]
