"""The judgement tests of one case file. Each case file has its own test module
(test_judgement_<set>.py), so pytest-xdist (`--dist loadfile`) plans the sets in parallel and
each set's cases are planned once, in one process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.judgement.harness import cases, known_disagreements, outcomes_of

Test = Callable[..., None]


def _unknown(case_id: str, found: list[str]) -> list[str]:
    known = [k["about"] for k in known_disagreements() if k["case"] == case_id]
    return [d for d in found if not any(d.startswith(k) for k in known)]


def judgement_tests(case_file: str, floor: float = 0.95) -> tuple[Test, Test, Test]:
    """(decisions within the expected sets, variants that do not move decisions, known
    disagreements and agreement) for the cases of `case_file`. `floor`: the share of decisions
    that must agree: the acceptance bar (95%), or, for a set still below it, the share it has
    reached, so that no change lowers it (its README says so)."""
    ids = [c["id"] for c in cases(case_file)]
    assert ids, f"no cases in {case_file}"

    def outcome(case_id: str) -> Any:
        return next(o for o in outcomes_of(case_file) if o.case == case_id)

    @pytest.mark.parametrize("case_id", ids)
    def test_decisions_within_the_expected_sets(case_id: str) -> None:
        found = outcome(case_id)
        # a request infraplan refuses disagrees on every decision: known only when recorded
        assert _unknown(case_id, [found.error] if found.error else []) == [], found.error
        assert _unknown(case_id, found.disagreements) == []

    @pytest.mark.parametrize("case_id", ids)
    def test_metamorphic_variants_do_not_move_decisions(case_id: str) -> None:
        assert _unknown(case_id, outcome(case_id).unstable) == []

    def test_known_disagreements_still_hold_and_agreement_is_high() -> None:
        """A known disagreement that no longer occurs is removed from the list; the list stays
        small (acceptance: at least 95% of the set's decisions agree)."""
        outcomes = outcomes_of(case_file)
        found = {
            o.case: ([o.error] if o.error else []) + o.disagreements + o.unstable for o in outcomes
        }
        for k in known_disagreements():
            if k["case"] in found:
                assert k["why"], k
                assert any(d.startswith(k["about"]) for d in found[k["case"]]), f"stale: {k}"
        agreed = sum(sum(o.agreed.values()) for o in outcomes)
        checked = sum(sum(o.checked.values()) for o in outcomes)
        assert agreed >= floor * checked, (case_file, agreed, checked)

    return (
        test_decisions_within_the_expected_sets,
        test_metamorphic_variants_do_not_move_decisions,
        test_known_disagreements_still_hold_and_agreement_is_high,
    )
