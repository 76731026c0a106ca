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
        pattern, candidates = match_pattern(_spec(kb, text), kb.knowledge)
        assert pattern is not None and pattern.id == expected
        assert candidates[0].pattern == expected


def test_a_named_pattern_wins(kb: KnowledgeBase) -> None:
    text = SEED_RDS.replace(
        '  scope: "multi-environment"', '  scope: "multi-environment"\n  pattern: database-backup'
    )
    text = text.replace('category: "secret-management"', 'category: "backup-and-recovery"')
    pattern, candidates = match_pattern(_spec(kb, text), kb.knowledge)
    assert pattern is not None and pattern.id == "database-backup"
    assert candidates[0].reason == "named in the spec"


def test_phases_come_from_the_spec_then_the_pattern(kb: KnowledgeBase) -> None:
    loaded = _spec(kb, SEED_RDS)
    pattern, _ = match_pattern(loaded, kb.knowledge)
    phases, source = phases_for(loaded, pattern)
    assert source == "spec" and phases[0].name == "terraform"
    bare = _spec(
        kb,
        "enhancement: {name: rds-rotation-integration, category: secret-management, scope: multi-environment}\n",
    )
    pattern, _ = match_pattern(bare, kb.knowledge)
    phases, source = phases_for(bare, pattern)
    assert source == "pattern rds-rotation" and len(phases) == 4
