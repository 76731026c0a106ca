"""`infraplan rules lint|test`: work on rules."""

from __future__ import annotations

from pathlib import Path

from engine.commands.common import emit, knowledge_base, knowledge_only
from engine.commands.settings import Settings
from engine.core.resources import bundled


def run_lint(settings: Settings) -> int:
    from engine.decide.lint import lint, render

    findings = lint([bundled("rules"), *settings.rules_dirs], knowledge_only(settings))
    emit(render(findings), None)
    return 1 if any(f.severity == "error" for f in findings) else 0


def run_test(settings: Settings, paths: list[str], verbose: bool) -> int:
    from engine.decide.cases import render_report, run_tests

    report = run_tests(
        [Path(p) for p in paths] or [bundled("rules") / "tests"], knowledge_base(settings)
    )
    emit(render_report(report, verbose), None)
    return 1 if any(r.failures for r in report.results) else 0
