"""`infraplan check SPEC...`: the spec policy rules, in text, JSON, SARIF or JUnit."""

from __future__ import annotations

from pathlib import Path

from engine.commands.common import emit, knowledge_base
from engine.commands.console import echo
from engine.commands.settings import Settings


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
    emit(CHECK_RENDERERS[fmt](results), output, inputs)
    if output and fmt != "text":
        echo(CHECK_RENDERERS["text"](results).splitlines()[-1], err=True)
    return results.exit_code
