"""The knowledge base a run decides with: the knowledge and the rules (bundled, plus overlays)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.core.resources import bundled

if TYPE_CHECKING:  # loaded with the knowledge base (a cached one holds them)
    from engine.decide.rulebook import Rulebook
    from engine.knowledge.model import Knowledge


@dataclass(frozen=True)
class KnowledgeBase:
    """What an expert system decides with: its domain knowledge and its rules."""

    knowledge: Knowledge
    rulebook: Rulebook


def load_knowledge_base(
    rules_dirs: list[Path] | None = None, knowledge_dirs: list[Path] | None = None
) -> KnowledgeBase:
    # the loaders are imported here: `check` reads a cached knowledge base without them
    from engine.decide.load import load_rules
    from engine.knowledge.load import load_knowledge

    knowledge = load_knowledge([bundled("knowledge"), *(knowledge_dirs or [])])
    rulebook = load_rules([bundled("rules"), *(rules_dirs or [])], knowledge)
    return KnowledgeBase(knowledge=knowledge, rulebook=rulebook)
