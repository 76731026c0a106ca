"""`infraplan verify PLAN.json [--repo ...]`: recompute a plan from its inputs."""

from __future__ import annotations

from pathlib import Path

from engine.audit.verify import compare, missing_repositories, recompute, render
from engine.commands.common import emit, knowledge_base, read_bundles, read_estate
from engine.commands.plan import with_bundles
from engine.commands.settings import Settings
from engine.plan.model import read_plan


def run(settings: Settings, plan_file: str, allow_outside: bool = False) -> int:
    old = read_plan(Path(plan_file))
    bundles = read_bundles(settings)
    names = [r.name for r in settings.repos] + [b.bundle.repository for b in bundles]
    missing = missing_repositories(old, names)
    if missing is not None:
        raise missing
    kb = knowledge_base(settings)
    estate = read_estate(settings, kb.knowledge, bundles=bundles) if names else None
    new = with_bundles(recompute(old, kb, estate, Path(plan_file), allow_outside), bundles)
    result = compare(old, new)
    emit(render(result, plan_file), None)
    return 0 if result.reproducible else 1
