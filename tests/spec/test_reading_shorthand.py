"""Shorthand engineers type in chat and tickets, read as its words: "&" and "+" between two
changes are "and" (found by the sweep's ampersand rewrite, tests/judgement/sweeps.py)."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.intake import spec_from_request


def _decisions(text: str, kb: KnowledgeBase) -> tuple[object, ...]:
    plan = build_plan(spec_from_request(text, kb.knowledge, []), kb, None)
    names = ("category", "risk", "implementation_strategy", "deployment_strategy")
    return tuple(plan.decisions[d].value for d in names)


@pytest.mark.parametrize("joiner", ["&", "+"])
def test_an_ampersand_between_two_changes_is_and(kb: KnowledgeBase, joiner: str) -> None:
    words = (
        "Enable PITR on the carts DynamoDB table and upgrade the orders Postgres database"
        " in prod from 15 to 16"
    )
    assert _decisions(words.replace(" and ", f" {joiner} "), kb) == _decisions(words, kb)
