"""What a sentence plans, for the reading tests: the plan, its risk, its traits."""

from __future__ import annotations

from typing import Any

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.intake import match_text, spec_from_request


def plan(text: str, kb: KnowledgeBase) -> Any:
    return build_plan(spec_from_request(text, kb.knowledge, []), kb, None)


def risk(text: str, kb: KnowledgeBase) -> str:
    return str(plan(text, kb).decisions["risk"].value)


def traits(text: str, kb: KnowledgeBase) -> set[str]:
    return {t.trait for t in plan(text, kb).change_model}


def category(text: str, kb: KnowledgeBase) -> str:
    """The category a sentence is matched to ("" when nothing matches)."""
    chosen = match_text(text, kb.knowledge).chosen
    return chosen.category if chosen is not None else ""
