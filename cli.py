"""infraplan's command line: parse arguments, call the engine, print, exit.

Exit codes: 0 success (check: no error-level violation), 1 check found violations,
2 unreadable or invalid input (spec, rules, knowledge, flags).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from engine.errors import InputError

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT = 0, 1, 2


def _fail(exc: InputError) -> None:
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(EXIT_INPUT)


def _dirs(values: tuple[str, ...]) -> list[Path]:
    return [Path(v) for v in values]


_overlay_options = [
    click.option(
        "--rules-dir",
        "rules_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Add a folder of rules (repeatable).",
    ),
    click.option(
        "--knowledge-dir",
        "knowledge_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Add a knowledge folder (repeatable).",
    ),
]


def overlays(func: Any) -> Any:
    for option in reversed(_overlay_options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__import__("engine").__version__, prog_name="infraplan")
def main() -> None:
    """Plan infrastructure enhancements with deterministic, explained decisions."""


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the plan to a file instead of stdout.",
)
@overlays
def plan(
    spec: str,
    fmt: str,
    output: str | None,
    rules_dirs: tuple[str, ...],
    knowledge_dirs: tuple[str, ...],
) -> None:
    """Plan the enhancement described by SPEC (a YAML spec file)."""
    from engine.plan import build_plan, load_base
    from engine.render import RENDERERS
    from engine.spec import load_spec, stable_display

    try:
        base = load_base(_dirs(rules_dirs), _dirs(knowledge_dirs))
        loaded = load_spec(Path(spec), base.knowledge, name_in_plan=stable_display(Path(spec)))
        text = RENDERERS[fmt](build_plan(loaded, base))
    except InputError as exc:
        _fail(exc)
        return
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@overlays
def check(
    specs: tuple[str, ...], fmt: str, rules_dirs: tuple[str, ...], knowledge_dirs: tuple[str, ...]
) -> None:
    """Check enhancement specs against the spec policy rules.

    Prints `file:line: rule-id: message` per finding. Exit 0 when clean (warnings allowed),
    1 when a rule reports an error, 2 when a spec cannot be read or is invalid.
    """
    from engine.check import check_specs, render_json, render_text

    try:
        results = check_specs([Path(s) for s in specs], _dirs(rules_dirs), _dirs(knowledge_dirs))
    except InputError as exc:
        _fail(exc)
        return
    click.echo(render_json(results) if fmt == "json" else render_text(results), nl=False)
    sys.exit(results.exit_code)


if __name__ == "__main__":
    main()
