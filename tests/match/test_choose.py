"""Pattern choice for a spec: named, by the seed's example name, or by the words of its summary."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.match.choose import match_pattern, phases_for
from engine.spec.load import parse_spec
from tests.seed_examples import SEED_KARPENTER, SEED_RDS


def _spec(kb: KnowledgeBase, body: str):
    return parse_spec(body, kb.knowledge, "s.yaml")


def test_the_seed_examples_choose_their_patterns(kb: KnowledgeBase) -> None:
    for text, expected in ((SEED_RDS, "rds-rotation"), (SEED_KARPENTER, "karpenter-upgrade")):
        pattern, choice = match_pattern(_spec(kb, text), kb.knowledge)
        assert pattern is not None and pattern.id == expected == choice.pattern
        assert choice.candidates[0].pattern == expected and choice.confidence > 0.5
        assert "seed example name" in choice.reason


def test_a_named_pattern_wins(kb: KnowledgeBase) -> None:
    text = SEED_RDS.replace(
        '  scope: "multi-environment"', '  scope: "multi-environment"\n  pattern: database-backup'
    )
    text = text.replace('category: "secret-management"', 'category: "backup-and-recovery"')
    pattern, choice = match_pattern(_spec(kb, text), kb.knowledge)
    assert pattern is not None and pattern.id == "database-backup"
    assert choice.reason == "named in the spec" and choice.confidence == 1.0


def test_phases_come_from_the_spec_then_the_pattern(kb: KnowledgeBase) -> None:
    loaded = _spec(kb, SEED_RDS)
    pattern, _ = match_pattern(loaded, kb.knowledge)
    phases, source = phases_for(loaded, pattern, kb.knowledge)
    assert source == "spec" and phases[0].name == "terraform"
    bare = _spec(
        kb,
        "enhancement: {name: rds-rotation-integration, category: secret-management, scope: multi-environment}\n",
    )
    pattern, _ = match_pattern(bare, kb.knowledge)
    phases, source = phases_for(bare, pattern, kb.knowledge)
    assert source == "pattern rds-rotation" and len(phases) == 4


def test_an_unclear_spec_is_planned_at_category_level(kb: KnowledgeBase) -> None:
    vague = _spec(
        kb,
        "enhancement: {name: tidy-up, category: networking, scope: cluster-wide, summary: Tidy up our network}\n",
    )
    pattern, choice = match_pattern(vague, kb.knowledge)
    assert pattern is None and choice.pattern == "" and choice.category_level
    phases, source = phases_for(vague, pattern, kb.knowledge)
    assert source == "category networking (suggested)" and phases
