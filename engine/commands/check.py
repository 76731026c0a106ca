"""`infraplan check SPEC...`: the spec policy rules, in text, JSON, SARIF or JUnit."""

from __future__ import annotations

from pathlib import Path

from engine.commands.common import emit, knowledge_base
from engine.commands.console import echo
from engine.commands.settings import Settings
from engine.core import plainmodel


def run(
    settings: Settings,
    specs: list[str],
    fmt: str,
    output: str | None,
    inputs: list[object] | None = None,
) -> int:
    """`inputs`: what -o must not overwrite, when click is not running the command."""
    from engine.audit.check import check_specs
    from engine.render import CHECK_RENDERERS

    results = check_specs([Path(s) for s in specs], knowledge_base(settings), settings.today)
    # everything is rendered before anything is written: a plain run that gives way
    # (engine/commands/check_plain.py) has written nothing, and once writing it cannot
    report = CHECK_RENDERERS[fmt](results)
    summary = CHECK_RENDERERS["text"](results).splitlines()[-1] if output and fmt != "text" else ""
    code = results.exit_code
    plainmodel.writing()
    emit(report, output, inputs)
    if summary:
        echo(summary, err=True)
    return code
