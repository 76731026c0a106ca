"""`infraplan check` without click: the pre-commit hook runs it on every commit, and importing
click and building the whole command line costs more than checking a spec.

`parse` reads only the plain forms of the check command line (specs, --format, -o/--output,
--today, --rules-dir, --knowledge-dir, as `--opt value` or `--opt=value`); anything else —
help, an unknown or repeated-flag form, a value click would refuse (a folder for -o, a file for
--rules-dir), completion — returns None, and engine/__main__.py runs cli.py as before. The
command itself runs exactly as cli.py runs it: settings resolved from the same flags, inside
the same error boundary. tests/commands/test_check_argv.py holds both ways equal.
"""

from __future__ import annotations

import gc
import os
import stat
import sys
from typing import Any

FORMATS = ("text", "json", "sarif", "junit")  # cli.py's check --format choices, default first
SINGLE = {"--format": "fmt", "--output": "output", "-o": "output", "--today": "today"}
MULTIPLE = {"--rules-dir": "rules_dirs", "--knowledge-dir": "knowledge_dirs"}


def _path_ok(value: str, folder: bool) -> bool:
    """Whether click.Path (readable, a folder or a file only) accepts the value as it stands."""
    try:
        st = os.stat(value)
    except (OSError, ValueError):
        return True  # click accepts a path that does not exist yet
    if stat.S_ISDIR(st.st_mode) != folder and (folder or stat.S_ISDIR(st.st_mode)):
        return False
    return os.access(value, os.R_OK)


def _plain(value: str, name: str) -> bool:
    if not value or value.startswith("-"):
        return False
    if name == "fmt":
        return value in FORMATS
    if name == "output":
        return _path_ok(value, folder=False)
    if name in MULTIPLE.values():
        return _path_ok(value, folder=True)
    return True


def parse(argv: list[str]) -> dict[str, Any] | None:
    """The check command's arguments from `argv` (after the program name), or None when only
    click should read them."""
    if not argv or argv[0] != "check" or any(k.endswith("_COMPLETE") for k in os.environ):
        return None
    found: dict[str, Any] = {"specs": [], "fmt": FORMATS[0], "output": None, "today": None}
    found.update({name: [] for name in MULTIPLE.values()})
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("-") or arg == "-":
            found["specs"].append(arg)
            continue
        if arg.startswith("--"):
            flag, eq, value = arg.partition("=")
        else:  # a short option: -o FILE or -oFILE (as click, `-o=x` names "=x")
            flag, value = arg[:2], arg[2:]
            eq = "=" if value else ""
        if flag not in SINGLE and flag not in MULTIPLE:
            return None
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        name = SINGLE.get(flag) or MULTIPLE[flag]
        if not _plain(value, name):
            return None
        if name in SINGLE.values():
            found[name] = value  # as click: the last one given
        else:
            found[name].append(value)
    return found if found["specs"] else None


def run(found: dict[str, Any]) -> int:
    """What cli.py's `check` command does with the same arguments: with plain models when they
    can (engine/commands/check_plain.py), else with pydantic's."""
    from engine.commands import check_plain

    if check_plain.possible(found["specs"]):
        code = check_plain.attempt(lambda: _run(found))
        if code is not None:
            return code
    return _run(found)


def _run(found: dict[str, Any]) -> int:
    # Importing the models allocates hundreds of thousands of objects, none of them garbage:
    # the collections they trigger only cost time (about a tenth of the run). Paused, then
    # what was built is frozen out of later collections, as engine/__main__.py does for click.
    enabled = gc.isenabled()
    gc.disable()
    try:
        from engine.audit.check import check_specs  # noqa: F401 (imported while paused)
        from engine.commands.check import run as run_check
        from engine.commands.settings import Flags, resolve

        settings = resolve(
            Flags(
                rules_dirs=tuple(found["rules_dirs"]),
                knowledge_dirs=tuple(found["knowledge_dirs"]),
                today=found["today"],
            )
        )
    finally:
        from engine.core.picklefile import freeze_for_the_run

        freeze_for_the_run()
        if enabled:
            gc.enable()
    # the values click would hold in ctx.params (what -o must not overwrite), in its order
    inputs = [
        *found["specs"],
        found["fmt"],
        found["today"],
        *found["rules_dirs"],
        *found["knowledge_dirs"],
    ]
    return run_check(settings, found["specs"], found["fmt"], found["output"], inputs=inputs)


def main(found: dict[str, Any]) -> None:
    """Run check inside the one error boundary, exiting as click's standalone mode would."""
    from engine.commands.boundary import run_guarded

    # pydantic looks for plugins in every installed distribution's entry points when it builds
    # the first validator; infraplan uses none, and the hook's own environment holds none.
    # An explicit setting (a plugin someone wants) stays.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        code = run_guarded(lambda: run(found))
    except (KeyboardInterrupt, EOFError):
        from engine.commands.console import echo

        echo("\nAborted!", err=True)  # click's message for an interrupted command
        sys.exit(1)
    sys.exit(code)
