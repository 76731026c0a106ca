"""`infraplan explain PLAN.json [DIMENSION] [--why-not DIMENSION=VALUE]`.

With --why-not, the explanation of what was decided comes first (DIMENSION's, or the why-not
dimension's when none is named), then why the other value was not: a reviewer sees both sides.
"""

from __future__ import annotations

from pathlib import Path

from engine.audit.explain import explain, why_not
from engine.commands.common import emit, knowledge_base
from engine.commands.settings import Settings
from engine.core.errors import InputError, Problem
from engine.plan.model import read_plan


def run(settings: Settings, plan_file: str, dimension: str | None, not_value: str | None) -> int:
    plan = read_plan(Path(plan_file))
    if not not_value:
        emit(explain(plan, dimension), None)
        return 0
    dim, sep, value = not_value.partition("=")
    dim, value = dim.strip(), value.strip()
    if not sep or not dim or not value:
        raise InputError(
            [
                Problem(
                    "--why-not",
                    0,
                    0,
                    f'expected DIMENSION=VALUE (e.g. risk=high), got "{not_value}"',
                )
            ]
        )
    answer = why_not(plan, knowledge_base(settings), dim, value)
    emit(explain(plan, dimension or dim) + "\n" + answer, None)
    return 0
