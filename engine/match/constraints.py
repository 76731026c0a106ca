"""Terraform version constraints (`~> 5.46.0`, `>= 5.40, < 6.0`, `= 1.8.2`): whether one admits
a version. A constraint is not a version: it says what `terraform init` may install, and an
upgrade whose target it does not admit must change the constraint itself."""

from __future__ import annotations

import re

_TERM = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+){0,2})\s*$")

Version = tuple[int, int, int]


def _version(text: str) -> tuple[Version, int]:
    """The version of a constraint term and how many of its parts were written."""
    parts = [int(p) for p in text.split(".")]
    full = [*parts, 0, 0]
    return (full[0], full[1], full[2]), len(parts)


def _admits_term(op: str, written: str, target: Version) -> bool:
    low, count = _version(written)
    if op == "~>":  # the rightmost written part may grow: ~> 5.46.0 is >= 5.46.0, < 5.47.0
        if count == 1:
            return target >= low
        upper = (low[0] + 1, 0, 0) if count == 2 else (low[0], low[1] + 1, 0)
        return low <= target < upper
    checks = {
        "": target == low,
        "=": target == low,
        "!=": target != low,
        ">": target > low,
        ">=": target >= low,
        "<": target < low,
        "<=": target <= low,
    }
    return checks[op]


def admits(constraint: str, target: Version) -> bool | None:
    """Whether the constraint admits the version; None when it cannot be read."""
    terms = [t for t in constraint.split(",") if t.strip()]
    if not terms:
        return None
    found = [_TERM.match(t) for t in terms]
    if any(m is None for m in found):
        return None
    return all(_admits_term(m.group(1) or "", m.group(2), target) for m in found if m)
