"""The command line through the real entry point: output, files, exit codes, no tracebacks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import EXAMPLES, run_cli, run_entry_point
from tests.seed_examples import SEED_KARPENTER

RDS = EXAMPLES / "specs" / "rds-rotation.yaml"


def test_plan_markdown_to_stdout() -> None:
    result = run_entry_point("plan", str(RDS))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("# Enhancement plan: rds-rotation-integration")
    for number, title in enumerate(
        [
            "Enhancement Planning and Assessment",
            "Technical Design and Architecture",
            "Implementation Strategy and Staging",
            "Development and Configuration",
            "Testing and Validation",
            "Production Deployment and Monitoring",
        ],
        1,
    ):
        assert f"## Stage {number}: {title}" in out
    assert "| risk | medium |" in out
    assert "`strategy.medium-risk`" in out


def test_plan_json_contract(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    result = run_cli("plan", str(RDS), "--format", "json", "-o", str(target))
    assert result.returncode == 0 and result.stdout == ""
    plan = json.loads(target.read_text())
    for key in [
        "schema_version",
        "tool",
        "inputs",
        "enhancement",
        "pattern",
        "decisions",
        "experts",
        "stages",
        "integration_points",
        "rollout_steps",
        "diagnostics",
    ]:
        assert key in plan
    assert set(plan["decisions"]) == {
        "category",
        "assessment",
        "design",
        "risk",
        "implementation_strategy",
        "development",
        "testing",
        "deployment_strategy",
        "reviews",
        "in_place",
    }
    d = plan["decisions"]
    assert (
        d["category"]["value"],
        d["risk"]["value"],
        d["implementation_strategy"]["value"],
        d["deployment_strategy"]["value"],
    ) == ("secret-management", "medium", "staged", "phased")
    for decision in d.values():
        if decision["value"] == []:  # an empty set: nothing concluded, nothing to trace
            continue
        assert decision["trace"]
        assert set(decision["trace"][0]) >= {"rule", "expert", "because", "facts"}
    assert {"secret-guardian", "terraform-auditor", "troubleshooting-guide"} <= {
        x["id"] for x in plan["experts"]
    }
    assert (
        plan["inputs"]["spec"]["path"] == "examples/specs/rds-rotation.yaml"
        or plan["inputs"]["spec"]["path"] == "rds-rotation.yaml"
    )
    assert plan["inputs"]["rules"].startswith("sha256:") and plan["inputs"]["knowledge"].startswith(
        "sha256:"
    )


def test_check_clean_violating_and_malformed(write: Callable[[str, str], Path]) -> None:
    good = run_cli("check", str(RDS))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "0 error(s)" in good.stdout

    bad = write("karpenter.yaml", SEED_KARPENTER + "risk: low\n")
    result = run_cli("check", str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        f"{bad}:1: policy.rollback-required: A high or critical risk enhancement must declare a rollback (add `rollback:` to the spec)."
        in lines
    )
    assert (
        f"{bad}:16: policy.declared-risk-too-low: The declared risk low is below the computed risk high; raise `risk:` or change the enhancement."
        in lines
    )
    assert any("policy.owners-for-production: warning: " in line for line in lines)

    malformed = write("broken.yaml", "enhancement:\n  name: x\n  scope: [\n")
    result = run_cli("check", str(malformed), str(RDS))
    assert result.returncode == 2
    assert f"{malformed}:" in result.stdout and "not valid YAML" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_security_critical_without_security_expert(write: Callable[[str, str], Path]) -> None:
    spec = write(
        "s.yaml",
        """enhancement:
  name: vault-hardening
  category: security
  scope: cluster-wide
  environments: [staging]
planning_agents:
  - flux-navigator: "Plan the change"
owners: ["@team"]
""",
    )
    result = run_cli("check", str(spec))
    assert result.returncode == 1
    assert f"{spec}:6: policy.security-expert-required:" in result.stdout


def test_a_low_risk_prod_change_may_be_direct_as_the_decision_tree_says(
    write: Callable[[str, str], Path],
) -> None:
    spec = write(
        "s.yaml",
        """enhancement:
  name: tiny-dashboard
  category: observability
  scope: single-service
  environments: [prod]
planning_agents:
  - monitoring-analyst: "Add a dashboard"
owners: ["@team"]
""",
    )
    plan = json.loads(run_cli("plan", str(spec), "--format", "json").stdout)
    assert plan["decisions"]["implementation_strategy"]["value"] == "direct"
    assert run_cli("check", str(spec)).returncode == 0  # plan and check agree


def test_a_declared_strategy_below_the_decision_is_a_violation(
    write: Callable[[str, str], Path],
) -> None:
    spec = write(
        "s.yaml",
        """enhancement:
  name: secret-change
  category: secret-management
  scope: multi-environment
  environments: [dev, prod]
planning_agents:
  - secret-guardian: "Review"
owners: ["@team"]
strategy: direct
""",
    )
    result = run_cli("check", str(spec))
    assert result.returncode == 1, result.stdout
    assert f"{spec}:9: policy.declared-strategy-too-low:" in result.stdout


def test_user_mistakes_exit_2_without_traceback(
    write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    cases = [
        ("plan", str(tmp_path / "missing.yaml")),
        ("plan", str(write("bad.yaml", "enhancement:\n  name: x\n  categroy: y\n"))),
        ("plan", str(RDS), "--format", "pdf"),
        ("plan",),
        ("nonsense",),
        ("plan", str(RDS), "--rules-dir", str(tmp_path / "nowhere")),
    ]
    for args in cases:
        result = run_entry_point(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, args
        assert result.stderr.strip(), args


def test_plan_error_names_file_line_column(write: Callable[[str, str], Path]) -> None:
    spec = write(
        "bad.yaml",
        "enhancement:\n  name: x\n  category: secret-management\n  scope: cluster-wide\n  sumary: typo\n",
    )
    result = run_cli("plan", str(spec))
    assert result.returncode == 2
    assert (
        f'error: {spec}:5:3: enhancement.sumary: unknown key "sumary" (did you mean "summary"?)'
        in result.stderr
    )


def test_runs_from_any_directory(tmp_path: Path) -> None:
    """The bundled rules and knowledge are found wherever infraplan runs from."""
    result = run_cli("plan", str(RDS), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["decisions"]["risk"]["value"] == "medium"
