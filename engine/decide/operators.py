"""The rule operators, defined once: what each means, how durable_rules evaluates it, and how a
trace or `explain` words it. The engine, `explain --why-not` and `rules lint` all read this
table, so they cannot disagree about what a condition means.

Comparisons are typed, as the rule loader guarantees (engine/decide/compile.py): `$eq` holds
only between values of the same type (durable_rules would match `"5"` with `5`), and ordering
operators compare integers only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Operator:
    name: str  # as written in rules: $gte
    symbol: str  # as explain shows it: ≥
    words: str  # as explain says it for ordered dimensions: "at least"
    ordering: bool  # compares numbers (ranks, counts)
    holds: Callable[[Any, Any], bool]  # seen value, rule value → does the test pass
    durable: Callable[[str, Any], dict[str, Any]]  # field, value → durable_rules expression


def _eq(seen: Any, value: Any) -> bool:
    return bool(seen == value and type(seen) is type(value))


def _ints(test: Callable[[int, int], bool]) -> Callable[[Any, Any], bool]:
    def holds(seen: Any, value: Any) -> bool:
        return (
            isinstance(seen, int)
            and isinstance(value, int)
            and not isinstance(seen, bool)
            and not isinstance(value, bool)
            and test(seen, value)
        )

    return holds


def _in(seen: Any, value: Any) -> bool:
    return any(_eq(seen, v) for v in (value if isinstance(value, list) else [value]))


OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        Operator("$eq", "=", "is", False, _eq, lambda f, v: {f: v}),
        Operator(
            "$ne", "≠", "is not", False, lambda s, v: not _eq(s, v), lambda f, v: {"$neq": {f: v}}
        ),
        Operator(
            "$gt", ">", "above", True, _ints(lambda s, v: s > v), lambda f, v: {"$gt": {f: v}}
        ),
        Operator(
            "$gte", "≥", "at least", True, _ints(lambda s, v: s >= v), lambda f, v: {"$gte": {f: v}}
        ),
        Operator(
            "$lt", "<", "below", True, _ints(lambda s, v: s < v), lambda f, v: {"$lt": {f: v}}
        ),
        Operator(
            "$lte", "≤", "at most", True, _ints(lambda s, v: s <= v), lambda f, v: {"$lte": {f: v}}
        ),
        Operator("$in", "in", "one of", False, _in, lambda f, v: {"$or": [{f: x} for x in v]}),
    )
}


def holds(op: str, seen: Any, value: Any) -> bool:
    """Whether a fact field holding `seen` passes the test `op value`."""
    return OPERATORS[op].holds(seen, value)


def satisfiable(tests: list[tuple[str, int]]) -> bool:
    """Whether some integer passes every `(op, constant)` test.

    The passing set of such tests is an interval with holes at constants, so when it is not
    empty it contains a constant or a neighbour of one (or 0 when there are no constants).
    """
    constants = [v for _, v in tests]
    candidates = {c + d for c in constants for d in (-1, 0, 1)} or {0}
    return any(all(holds(op, n, v) for op, v in tests) for n in candidates)
