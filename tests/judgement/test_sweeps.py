"""One metamorphic rewrite per request case, rotating through the rewrites (tests/judgement/
sweeps.py; `python -m tests.judgement.sweeps` runs every rewrite of every case)."""

from __future__ import annotations

import pytest

from tests.judgement.sweeps import REWRITES, moved, request_cases

CASES = request_cases()
NAMES = sorted(REWRITES)


@pytest.mark.parametrize(
    ("case", "name"),
    [(c, NAMES[i % len(NAMES)]) for i, c in enumerate(CASES)],
    ids=[f"{c['id']}-{NAMES[i % len(NAMES)]}" for i, c in enumerate(CASES)],
)
def test_a_rewrite_that_keeps_the_meaning_keeps_the_decisions(case: dict, name: str) -> None:
    assert not moved(case, name)
