"""`explain --why-not` shows both sides: what was decided and why, then why not the other value."""

from __future__ import annotations

from tests.conftest import run_cli
from tests.golden.regenerate import GOLDEN

PLAN = str(GOLDEN / "spec-rds-rotation.json")


def test_explain_with_why_not_shows_the_explanation_then_the_why_not() -> None:
    alone = run_cli("explain", PLAN, "risk")
    both = run_cli("explain", PLAN, "risk", "--why-not", "risk=low")
    assert both.returncode == 0, both.stderr
    explanation, _, answer = both.stdout.partition("\nWhy not risk=low? It is medium.\n")
    assert explanation.startswith("pattern = rds-rotation (confidence ")  # the choice first
    assert "\nrisk = medium\n" in explanation
    assert explanation == alone.stdout  # the same explanation as without --why-not
    assert "low is below medium" in answer and "- risk.baseline (rules/risk.yaml:" in answer


def test_why_not_alone_explains_its_own_dimension_first() -> None:
    result = run_cli("explain", PLAN, "--why-not", "implementation_strategy=direct")
    assert result.returncode == 0, result.stderr
    assert "\nimplementation_strategy = staged\n" in result.stdout.split("Why not")[0]
    assert "\nWhy not implementation_strategy=direct? It is staged.\n" in result.stdout


def test_explain_one_dimension_why_not_another() -> None:
    result = run_cli("explain", PLAN, "risk", "--why-not", "deployment_strategy=canary")
    assert result.returncode == 0, result.stderr
    assert "\nrisk = medium\n" in result.stdout.split("Why not")[0]
    assert "Why not deployment_strategy=canary? It is phased." in result.stdout


def test_why_not_a_decided_value_points_at_the_explanation_above() -> None:
    result = run_cli("explain", PLAN, "--why-not", "risk=medium")
    assert result.returncode == 0
    assert "\nrisk = medium\n" in result.stdout.split("It was decided")[0]
    assert "It was decided: risk is medium; the rules that decided it are above." in result.stdout
