"""Judgement on cases-holdout-19.yaml: held-out set 19 (README-holdout-19.md). The set is still
below the bar (95% of decisions and every variant stable) after the general fixes its first run
led to (271/290 with sets 23-26's fixes); the floor is the share it has reached, so no change lowers it, and rises as the
set's known disagreements are fixed."""

from tests.judgement.judged import judgement_tests

(
    test_decisions_within_the_expected_sets,
    test_metamorphic_variants_do_not_move_decisions,
    test_known_disagreements_still_hold_and_agreement_is_high,
) = judgement_tests("cases-holdout-19.yaml", floor=0.934)
