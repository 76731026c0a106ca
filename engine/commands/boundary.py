"""The one error boundary every command runs inside.

- A problem with the user's input (InputError) or with the system (OSError: a full disk, a
  closed pipe, a read-only folder) prints `error: file:line:column: message` lines and exits 2.
  At most INFRAPLAN_MAX_PROBLEMS lines are printed, then how many more there were.
- A bug inside infraplan prints one line, "internal error ... please report it", and exits 3;
  INFRAPLAN_DEBUG=1 prints the traceback too.
- Standard output is flushed inside the boundary, so a failed write is an error here rather
  than a traceback at interpreter exit.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from engine.commands.console import echo
from engine.core.errors import InputError, Problem

EXIT_INPUT = 2
EXIT_INTERNAL = 3
REPORT = "https://github.com/infraplan/infraplan/issues"
MAX_LINE = 1000  # characters of one printed problem


def run_guarded(call: Callable[[], Any]) -> Any:
    """Run a command; turn what it raises into the exit codes above."""
    try:
        try:
            result = call()
        except SystemExit:
            _flush_stdout()
            raise
        _flush_stdout()
        return result
    except SystemExit:
        raise
    except Exception as exc:
        if _click_exception(exc):  # usage errors, aborts and exits are click's to report
            raise
        _handle(exc)
    raise AssertionError("unreachable")  # pragma: no cover


def _click_exception(exc: Exception) -> bool:
    """A click usage error, abort or exit (none can exist where click was never imported:
    `check` on the pre-commit path runs without it)."""
    click = sys.modules.get("click")
    return click is not None and isinstance(
        exc, (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit)
    )


def _handle(exc: Exception) -> NoReturn:
    if isinstance(exc, InputError):
        _problems(exc.problems, exc.omitted)
    if isinstance(exc, RecursionError):
        _problems([Problem("input", 0, 0, "nested too deeply to read")])
    if isinstance(exc, UnicodeError):
        _problems([Problem("input", 0, 0, f"not UTF-8 text ({exc.__class__.__name__})")])
    if isinstance(exc, MemoryError):
        _problems([Problem("input", 0, 0, "too large to process in the available memory")])
    if isinstance(exc, OSError):
        _problems([_os_problem(exc)])
    if _parser_error(exc):  # YAML or HCL that no reader turned into a Problem
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        _problems([Problem("input", 0, 0, f"cannot parse: {_clip(first)}")])
    _internal(exc)  # a bug: one line, the traceback only on request


def _parser_error(exc: Exception) -> bool:
    """A YAML or HCL (lark) parser's own error: about the input, whatever let it through."""
    return any(c.__module__.split(".")[0] in {"yaml", "lark"} for c in type(exc).__mro__)


def _os_problem(exc: OSError) -> Problem:
    where = exc.filename if exc.filename is not None else "standard output"
    what = exc.strerror or type(exc).__name__
    return Problem(os.fsdecode(where) if isinstance(where, bytes) else str(where), 0, 0, what)


def _problems(problems: list[Problem], omitted: int = 0) -> NoReturn:
    from engine.core import limits

    most = limits.current().problems
    for problem in problems[:most]:
        _err(f"error: {_clip(str(problem))}")
    more = max(0, len(problems) - most) + omitted
    if more:
        _err(f"error: ... and {more} more problems (INFRAPLAN_MAX_PROBLEMS={most})")
    sys.exit(EXIT_INPUT)


def _internal(exc: Exception) -> NoReturn:
    if os.environ.get("INFRAPLAN_DEBUG") == "1":
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    detail = _clip(
        f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    )
    hint = (
        ""
        if os.environ.get("INFRAPLAN_DEBUG") == "1"
        else "; INFRAPLAN_DEBUG=1 shows the traceback"
    )
    _err(f"infraplan: internal error ({detail}) — please report it at {REPORT}{hint}")
    sys.exit(EXIT_INTERNAL)


def _clip(text: str) -> str:
    """One printable line: control characters (ANSI escapes, newlines) shown, long text cut."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return shown if len(shown) <= MAX_LINE else shown[: MAX_LINE - 1] + "…"


def _err(line: str) -> None:
    with contextlib.suppress(OSError):  # stderr itself gone: the exit code is all that is left
        echo(line, err=True)


def _flush_stdout() -> None:
    """Flush standard output now; when it fails (a full disk, a closed pipe), point it at
    /dev/null so that the interpreter's own flush at exit does not fail again."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass
        exc.filename = None
        raise exc from None
    except ValueError:  # stdout closed
        pass
