"""`infraplan plan SPEC|TEXT`: the six-stage plan."""

from __future__ import annotations

from engine.commands.common import emit, knowledge_base, read_estate, read_request
from engine.commands.settings import Settings
from engine.plan.build import build_plan


def run(settings: Settings, request: str, fmt: str, output: str | None) -> int:
    from engine.render import PLAN_RENDERERS

    kb = knowledge_base(settings)
    loaded = read_request(request, kb.knowledge, [r.name for r in settings.repos])
    estate = read_estate(settings, kb.knowledge) if settings.repos else None
    plan = build_plan(loaded, kb, estate, settings.today)
    if settings.llm is not None:
        from engine.plan.llm import with_drafts

        plan = with_drafts(plan, settings.llm)
    emit(PLAN_RENDERERS[fmt](plan), output)
    return 0
