"""Judgement on cases-holdout-16.yaml: held-out set 16 (README-holdout-16.md)."""

from tests.judgement.judged import judgement_tests

(
    test_decisions_within_the_expected_sets,
    test_metamorphic_variants_do_not_move_decisions,
    test_known_disagreements_still_hold_and_agreement_is_high,
) = judgement_tests("cases-holdout-16.yaml")
