"""The knowledge that grounds plans: every delivery controller has its texts, step durations
match what step texts ask for, every in_place value has its effect, and the seed's company words
are known so that plans drop them."""

from __future__ import annotations

import re
from typing import get_args

from engine.decide.base import KnowledgeBase
from engine.estate.model import DeliveredBy

DURATION = re.compile(r"\b(one|two|\d+) (hour|minute)s?\b")


def test_every_delivery_controller_has_its_texts(kb: KnowledgeBase) -> None:
    controllers = {c.id: c for c in kb.knowledge.controllers}
    assert set(get_args(DeliveredBy)) <= set(controllers)
    for c in controllers.values():
        assert c.apply and c.validation and c.rollback and c.emergency_stop
        if c.command:  # a controller's texts name its own command, so readers can run them
            assert c.command in (c.apply + c.validation + c.rollback).lower()
    # none speaks for another controller
    for c in controllers.values():
        for other in controllers.values():
            if other.command and other.command not in {c.command, "terraform", "helm"}:
                assert f"{other.command} " not in (c.validation + c.rollback).lower(), (
                    c.id,
                    other.id,
                )


def test_step_durations_are_what_the_texts_ask_for(kb: KnowledgeBase) -> None:
    k = kb.knowledge
    texts = [t for s in k.strategies for t in [*s.before, *s.after]] + [
        f.step for f in k.feature_flags
    ]
    for text in texts:
        for amount, unit in DURATION.findall(text.action):
            n = {"one": 1, "two": 2}.get(amount) or int(amount)
            assert text.minutes >= n * (60 if unit == "hour" else 1), text.action


def test_in_place_values_and_effects_agree(kb: KnowledgeBase) -> None:
    values = {v.id for v in kb.knowledge.dimension("in_place").values}
    assert values == {e.id for e in kb.knowledge.in_place}
    assert [e for e in kb.knowledge.in_place if e.rollout == "none"]


def test_tools_name_their_version_and_upgrade_notes_in_order(kb: KnowledgeBase) -> None:
    from engine.match.upgrade_path import tool_version

    for tool in kb.knowledge.tools:
        assert tool.words
        versions = [tool_version(tool, n.version) for n in tool.notes]
        assert None not in versions, tool.id
        assert versions == sorted(versions), tool.id  # type: ignore[type-var]
    upgrade_tools = {u.tool for u in kb.knowledge.upgrades}
    assert upgrade_tools <= {t.id for t in kb.knowledge.tools}  # notes of every upgraded tool


def test_the_seed_company_words_are_known(kb: KnowledgeBase) -> None:
    unless = {u.lower() for w in kb.knowledge.wording for u in w.unless}
    assert {"itcg", "cloudformation", "keystone", "app-compat", "infra-tf"} <= unless
