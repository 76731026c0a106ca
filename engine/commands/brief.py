"""`infraplan brief PLAN.json [--agent NAME] [--stage N]`: the seed's agent prompts, grounded in
a plan's facts."""

from __future__ import annotations

from pathlib import Path

from engine.audit.brief import render_brief
from engine.commands.common import emit, knowledge_only
from engine.commands.settings import Settings
from engine.plan.model import read_plan


def run(
    settings: Settings,
    plan_file: str,
    agent: str | None,
    stage: int | None,
    output: str | None,
) -> int:
    plan = read_plan(Path(plan_file))
    text = render_brief(plan, knowledge_only(settings), Path(plan_file).name, agent, stage)
    emit(text, output)
    return 0
