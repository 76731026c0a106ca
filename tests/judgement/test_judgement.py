"""Judgement: the hand-written cases (expectations written before any run) and their
metamorphic variants. The agreement per dimension is printed at the end of the run."""

from __future__ import annotations

import pytest

from tests.judgement.harness import all_outcomes, cases

IDS = [c["id"] for c in cases()]


@pytest.mark.parametrize("case_id", IDS)
def test_decisions_within_the_expected_sets(case_id: str) -> None:
    outcome = next(o for o in all_outcomes() if o.case == case_id)
    assert not outcome.error, outcome.error
    assert outcome.disagreements == []


@pytest.mark.parametrize("case_id", IDS)
def test_metamorphic_variants_do_not_move_decisions(case_id: str) -> None:
    outcome = next(o for o in all_outcomes() if o.case == case_id)
    assert outcome.unstable == []


def test_there_are_enough_cases() -> None:
    assert len(IDS) >= 40
    assert sum(len(c.get("variants") or []) for c in cases()) >= 60
