"""Limits: how much of any input infraplan reads, so that no file, however hostile, can make it
hang or exhaust memory. Every limit has a documented setting (docs/cli.md, "Limits").

The limits are read once per run from `INFRAPLAN_MAX_*` environment variables (commands call
`configure`); code anywhere reads them with `current()`. Going over a limit is an input error
(exit 2) for what a user names (a spec, a plan, a rule file) and a diagnostic for a file in a
repository.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from engine.core.errors import InputError, Problem

DEFAULT_MAX_FILE_BYTES = 5_000_000  # --max-file-bytes


@dataclass(frozen=True)
class Limits:
    """The limits of one run; each field's environment variable is INFRAPLAN_MAX_<FIELD>."""

    # a spec, rule, knowledge, rule-test or `.infraplan.yaml` file
    input_bytes: int = 1_000_000
    # a plan read by `explain` and `verify`
    plan_bytes: int = 10_000_000
    # nesting of YAML collections, for every YAML file infraplan reads
    yaml_depth: int = 100
    # YAML nodes of one document once aliases are expanded (they never are: larger is refused)
    yaml_nodes: int = 200_000
    # digits of an integer in YAML
    int_digits: int = 100
    # documents in one YAML file of a repository (`---` separated)
    yaml_documents: int = 10_000
    # folders nested inside a repository
    folder_depth: int = 64
    # problems printed for one run (then a count of the rest)
    problems: int = 50

    @staticmethod
    def variable(name: str) -> str:
        return f"INFRAPLAN_MAX_{name.upper()}"


# the largest value each setting accepts (YAML depth is bounded by Python's recursion limit)
CEILINGS = {"yaml_depth": 500, "folder_depth": 1000}

_current: Limits | None = None


def from_environment(environ: Mapping[str, str]) -> Limits:
    """The limits the environment sets; an InputError naming the variable for a bad value."""
    values: dict[str, int] = {}
    problems = []
    for f in fields(Limits):
        name = Limits.variable(f.name)
        raw = environ.get(name, "").strip()
        if not raw:
            continue
        ceiling = CEILINGS.get(f.name, 10**12)
        if not raw.isdigit() or len(raw) > 13 or not 1 <= int(raw) <= ceiling:
            problems.append(
                Problem(name, 0, 0, f'expected a whole number from 1 to {ceiling}, got "{raw}"')
            )
            continue
        values[f.name] = int(raw)
    if problems:
        raise InputError(problems)
    return Limits(**values)


def configure(environ: Mapping[str, str] | None = None) -> Limits:
    """Read the limits of this run from the environment."""
    global _current
    _current = from_environment(os.environ if environ is None else environ)
    return _current


def current() -> Limits:
    """The limits of this run (read from the environment on first use)."""
    global _current
    if _current is None:
        try:
            _current = from_environment(os.environ)
        except InputError:  # reported by configure(); defaults until then
            _current = Limits()
    return _current
