"""Writing a line to standard output or error, as click.echo does, without importing click
when nothing else has (`check` on the pre-commit path runs without it: engine/commands/check_argv.py).

Where click is loaded (every other command, and tests through click's runner) this is
click.echo. Otherwise a text stream with a real encoding gets the text and a flush, which is
all click.echo does there; the cases where click does more — an ASCII-configured stream it
re-wraps as UTF-8, ANSI codes it strips off a non-terminal — are handed to click itself.
"""

from __future__ import annotations

import codecs
import sys


def _ascii(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name == "ascii"
    except LookupError:
        return False


def echo(message: str, err: bool = False, nl: bool = True) -> None:
    stream = sys.stderr if err else sys.stdout
    if "click" in sys.modules or "\x1b" in message or _ascii(getattr(stream, "encoding", None)):
        import click

        click.echo(message, err=err, nl=nl)
        return
    stream.write(message + "\n" if nl else message)
    stream.flush()
