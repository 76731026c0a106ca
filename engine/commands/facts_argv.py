"""`infraplan facts` read without click, for its output cache (engine/commands/facts_replay.py).

`parse` reads only the plain forms of the facts command line — paths, --format, -o/--output,
--knowledge-dir, --cache-dir, -j/--jobs, --max-file-bytes, -q/--quiet, as `--opt value`,
`--opt=value` or `-xVALUE` — and only values click would accept. Anything else returns None and
the command line runs as always: help, --bundle, --no-cache (the cache is off), `--`, an
unknown option or grouped short flags, a value click would refuse, shell completion.
tests/commands/test_facts_replay.py holds the reading equal to click's.
"""

from __future__ import annotations

import os
import stat

FORMATS = ("table", "json", "jsonl")  # cli.py's facts --format choices, default first
VALUES = {
    "--format": "fmt",
    "--output": "output",
    "-o": "output",
    "--knowledge-dir": "knowledge_dirs",
    "--cache-dir": "cache_dir",
    "--jobs": "jobs",
    "-j": "jobs",
    "--max-file-bytes": "max_file_bytes",
}
FLAGS = {"--quiet": "quiet", "-q": "quiet"}
MINIMUM = {"jobs": 0, "max_file_bytes": 1}  # click.IntRange(min=...)


class FactsArgs:
    """The facts command line, as click would hold it (a plain class: dataclasses cost a tenth
    of the fast path's start)."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv  # as given, after `facts`
        self.paths: list[str] = []
        self.fmt = FORMATS[0]
        self.output: str | None = None
        self.knowledge_dirs: list[str] = []
        self.cache_dir: str | None = None
        self.jobs = 0
        self.max_file_bytes: int | None = None  # None: the default (engine/core/limits.py)
        self.quiet = False

    def inputs(self) -> list[object]:
        """The values click passes as the command's parameters, except its output (what -o
        must not overwrite: engine/commands/common.py)."""
        return [*self.paths, self.fmt, self.cache_dir, *self.knowledge_dirs]


def _accepted_path(value: str, folder: bool) -> bool:
    """What click.Path(file_okay=not folder, dir_okay=folder) accepts: a name that does not
    exist yet, or an existing readable folder (a file) as asked."""
    try:
        mode = os.stat(value).st_mode
    except (OSError, ValueError):
        return True
    return stat.S_ISDIR(mode) == folder and os.access(value, os.R_OK)


def _value(name: str, value: str) -> str | int | None:
    """The option's value as click converts it, or None where click would refuse it (or where
    only click should judge it)."""
    if not value or value.startswith("-"):
        return None
    if name == "fmt":
        return value if value in FORMATS else None
    if name in MINIMUM:
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            return None
        number = int(value)
        return number if number >= MINIMUM[name] else None
    return value if _accepted_path(value, folder=name != "output") else None


def parse(argv: list[str]) -> FactsArgs | None:
    """The facts command's arguments from `argv` (after the program name), or None when only
    click should read them."""
    if not argv or argv[0] != "facts" or any(k.endswith("_COMPLETE") for k in os.environ):
        return None
    found = FactsArgs(list(argv[1:]))
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("-"):
            if not arg:
                return None
            found.paths.append(arg)
            continue
        if arg in FLAGS:
            found.quiet = True
            continue
        if arg.startswith("--"):
            flag, eq, value = arg.partition("=")
        else:  # -o FILE or -oFILE (as click: the rest of the word is the value)
            flag, value = arg[:2], arg[2:]
            eq = "=" if value else ""
        if flag not in VALUES:
            return None  # --no-cache, --bundle, --help, --, -, grouped flags, unknown options
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        name = VALUES[flag]
        converted = _value(name, value)
        if converted is None:
            return None
        if name == "knowledge_dirs":
            found.knowledge_dirs.append(value)
        else:
            setattr(found, name, converted)  # as click: the last one given
    return found
