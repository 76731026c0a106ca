"""Whole plans against the example estate, byte for byte (regenerate: tests/golden/regenerate.py)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, run_cli
from tests.golden.regenerate import GOLDEN, REQUESTS, build_all, command

CASES = [(name, suffix) for name in REQUESTS for suffix in ("md", "json")]


@pytest.fixture(scope="session")
def built() -> dict[str, dict[str, str]]:
    """Every golden plan, built once per test run."""
    return build_all()


@pytest.mark.parametrize(("name", "suffix"), CASES, ids=[f"{n}.{s}" for n, s in CASES])
def test_golden(built: dict[str, dict[str, str]], name: str, suffix: str) -> None:
    if name.startswith("spec-") and not (ROOT / ".git").exists():
        pytest.skip("spec paths in plans are relative to the git work tree; this is not one")
    expected = (GOLDEN / f"{name}.{suffix}").read_text(encoding="utf-8")
    assert built[name][suffix] == expected, (
        f"plan changed: run `python tests/golden/regenerate.py` and review the diff of tests/golden/{name}.{suffix}"
    )


def test_the_command_line_makes_the_same_plan() -> None:
    result = run_cli(*command(REQUESTS["spec-rds-rotation"], "json"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "spec-rds-rotation.json").read_text(encoding="utf-8")


def test_rds_walkthrough_stage_by_stage() -> None:
    """The seed's RDS-rotation walkthrough, in the plan for the seed's sentence on the example estate."""
    plan = json.loads((GOLDEN / "trigger-rds-rotation.json").read_text())
    d = plan["decisions"]
    assert (
        d["category"]["value"],
        d["risk"]["value"],
        d["implementation_strategy"]["value"],
        d["deployment_strategy"]["value"],
    ) == ("secret-management", "medium", "staged", "phased")
    stages = {s["id"]: s for s in plan["stages"]}
    assert "Assessment: Medium complexity, affects all teams" in stages["assessment"]["specific"]
    assert (
        "terraform-auditor designs: RDS rotation Lambda, IAM policies, VPC configuration"
        in stages["design"]["specific"]
    )
    # the seed's company rolled back with CloudFormation; the example estate has only Terraform
    assert (
        "Rollback plan: remove what the change added (its Terraform) once nothing uses it"
        in stages["implementation"]["specific"]
    )
    assert (
        "Enhanced app-compat chart for rotation-aware secrets" in stages["development"]["specific"]
    )
    assert "Validate secret synchronization during rotation" in stages["testing"]["specific"]
    assert (
        "Monitor rotation success rates and application health" in stages["deployment"]["specific"]
    )
    points = {p["id"]: p for p in plan["integration_points"]}
    # the rotation Lambda and IAM work lands next to the database secret in the Terraform repo
    assert (
        "infra-tf/modules/rds/main.tf:44" in points
        and "secrets" in points["infra-tf/modules/rds/main.tf:44"]["probes"]
    )
    # External Secrets consume the rotated secret; the secret workflow and the app-compat chart change
    assert "infra-flux/apps/base/orders/externalsecret.yaml:1" in points
    assert "deployments/.github/workflows/secret-management.yaml:1" in points
    assert "deployments/charts/app-compat/Chart.yaml:1" in points
    steps = plan["rollout_steps"]
    envs = [s["stage"] for s in steps if s["layer"] == "cloud"]
    assert envs == ["dev", "staging", "prod"]
    layers_in_dev = [s["layer"] for s in steps if s["stage"] == "dev"]
    assert (
        layers_in_dev.index("cloud")
        < layers_in_dev.index("workload")
        < layers_in_dev.index("application")
    )
    # the sentence declares no feature flag: against repositories the pattern's flag is only a
    # suggestion, so each stage ends with the phased strategy's gradual enablement instead
    assert [s["layer"] for s in steps if s["stage"] == "dev"][-1] == "strategy"
    assert not [s for s in steps if s["layer"] == "feature-flag"]
    assert all(s["validation"] and s["rollback"] for s in steps)
    assert [s["action"] for s in plan["rollback_steps"]] == [s["action"] for s in reversed(steps)]
    assert plan["emergency_stop"]
    assert any("Kyverno" in f["message"] for f in plan["findings"])


def test_rollout_has_stages_only_where_the_change_lands() -> None:
    plan = json.loads((GOLDEN / "spec-victoriametrics-upgrade.json").read_text())
    assert {s["stage"] for s in plan["rollout_steps"]} == {"cluster:monitor"}
    layers = [s["layer"] for s in plan["rollout_steps"]]
    assert (
        layers[0] == "strategy" and layers[-1] == "strategy" and "platform" in layers
    )  # blue-green around the change
