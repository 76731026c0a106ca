"""`infraplan plan SPEC|TEXT`: the six-stage plan."""

from __future__ import annotations

import os
from pathlib import Path

from engine.commands.common import emit, knowledge_base, read_estate, read_request
from engine.commands.settings import Settings
from engine.plan.build import build_plan
from engine.plan.model import Plan


def run(settings: Settings, request: str, fmt: str, output: str | None) -> int:
    from engine.render import PLAN_RENDERERS

    kb = knowledge_base(settings)
    loaded = read_request(request, kb.knowledge, [r.name for r in settings.repos])
    estate = read_estate(settings, kb.knowledge) if settings.repos else None
    plan = build_plan(loaded, kb, estate, settings.today)
    if output and not plan.inputs.request:
        plan = with_spec_location(plan, Path(request), Path(output))
    if settings.llm is not None:
        from engine.plan.llm import with_drafts

        plan = with_drafts(plan, settings.llm)
    emit(PLAN_RENDERERS[fmt](plan), output)
    return 0


def with_spec_location(plan: Plan, spec: Path, output: Path) -> Plan:
    """The plan, recording where its spec lies relative to the plan file (so that `verify`
    finds it from any directory)."""
    relative = Path(os.path.relpath(spec.resolve(), output.resolve().parent)).as_posix()
    inputs = plan.inputs
    spec_digest = inputs.spec.model_copy(update={"relative_to_plan": relative})
    return plan.model_copy(update={"inputs": inputs.model_copy(update={"spec": spec_digest})})
