"""`infraplan check SPEC...`: the spec policy rules, in text, JSON, SARIF or JUnit."""

from __future__ import annotations

from pathlib import Path

import click

from engine.audit.check import check_specs
from engine.commands.common import emit, knowledge_base
from engine.commands.settings import Settings


def run(settings: Settings, specs: list[str], fmt: str, output: str | None) -> int:
    from engine.render import CHECK_RENDERERS

    results = check_specs([Path(s) for s in specs], knowledge_base(settings), settings.today)
    emit(CHECK_RENDERERS[fmt](results), output)
    if output and fmt != "text":
        click.echo(CHECK_RENDERERS["text"](results).splitlines()[-1], err=True)
    return results.exit_code
