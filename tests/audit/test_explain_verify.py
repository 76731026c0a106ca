"""explain, explain --why-not, and verify through the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.golden.regenerate import GOLDEN

RULE = """- id: org.payments-critical
  expert: incident-responder
  when:
    all:
      - enhancement: {name: {$ne: ""}}
  then: {testing: unit}
  because: Org rule used by the verify test.
"""
PATTERN = (
    (ROOT / "knowledge" / "patterns" / "cost-optimization.yaml")
    .read_text()
    .replace("id: cost-optimization", "id: acme-cost")
    .replace("name: cost-optimization-features", "name: acme-cost")
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A git work tree holding a spec, the example estate, a rules and a knowledge overlay."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(EXAMPLES / "estate", tmp_path / "estate")
    (tmp_path / "enhancements").mkdir()
    shutil.copy(EXAMPLES / "specs" / "rds-rotation.yaml", tmp_path / "enhancements" / "rds.yaml")
    (tmp_path / "org-rules").mkdir()
    (tmp_path / "org-rules" / "org.yaml").write_text(RULE)
    (tmp_path / "org-knowledge" / "patterns").mkdir(parents=True)
    (tmp_path / "org-knowledge" / "patterns" / "acme-cost.yaml").write_text(PATTERN)
    return tmp_path


def _args(ws: Path) -> list[str]:
    repos = [
        a
        for n in ("infra-tf", "infra-flux", "deployments")
        for a in ("--repo", f"{n}={ws / 'estate' / n}")
    ]
    return [
        *repos,
        "--rules-dir",
        str(ws / "org-rules"),
        "--knowledge-dir",
        str(ws / "org-knowledge"),
        "--no-cache",
    ]


def _plan(ws: Path) -> Path:
    out = ws / "plan.json"
    result = run_cli(
        "plan", "enhancements/rds.yaml", *_args(ws), "--format", "json", "-o", str(out), cwd=ws
    )
    assert result.returncode == 0, result.stderr
    return out


def test_verify_passes_on_a_fresh_plan(workspace: Path) -> None:
    plan = _plan(workspace)
    result = run_cli("verify", str(plan), *_args(workspace), cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified" in result.stdout


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda ws: (ws / "enhancements" / "rds.yaml").write_text(
                (ws / "enhancements" / "rds.yaml").read_text().replace("risk: medium", "risk: high")
            ),
            "spec enhancements/rds.yaml",
        ),
        (
            lambda ws: (ws / "estate" / "infra-tf" / "modules" / "rds" / "main.tf").write_text(
                (ws / "estate" / "infra-tf" / "modules" / "rds" / "main.tf").read_text()
                + '\nresource "aws_db_instance" "reporting" {\n  identifier = "reporting"\n}\n'
            ),
            "repository infra-tf",
        ),
        (
            lambda ws: (ws / "org-rules" / "org.yaml").write_text(
                RULE.replace("then: {testing: unit}", "then: {testing: [unit, performance]}")
            ),
            "org-rules/org.yaml (changed)",
        ),
    ],
    ids=["spec", "repository-file", "rule"],
)
def test_verify_fails_naming_the_changed_input(workspace: Path, change, named: str) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(workspace)
    change(workspace)
    result = run_cli("verify", str(plan), *_args(workspace), cwd=workspace)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "NOT reproducible" in result.stdout
    assert named in result.stdout, result.stdout


def test_verify_shows_decision_changes(workspace: Path) -> None:
    plan = _plan(workspace)
    spec = workspace / "enhancements" / "rds.yaml"
    spec.write_text(spec.read_text().replace("risk: medium", "risk: high"))
    result = run_cli("verify", str(plan), *_args(workspace), cwd=workspace)
    assert "risk: medium → high" in result.stdout
    assert "implementation_strategy: staged → extensive-testing" in result.stdout


def test_verify_needs_the_repositories_again(workspace: Path) -> None:
    plan = _plan(workspace)
    result = run_cli("verify", str(plan), cwd=workspace)
    assert result.returncode == 2 and "give them again: --repo deployments=PATH" in result.stderr


def test_verify_a_plan_from_a_sentence(tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    assert (
        run_cli(
            "plan",
            "Need to enhance security with additional scanning tools",
            "--format",
            "json",
            "-o",
            str(out),
        ).returncode
        == 0
    )
    result = run_cli("verify", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_explain_lists_rules_facts_and_reasons() -> None:
    result = run_cli("explain", str(GOLDEN / "spec-rds-rotation.json"), "risk")
    assert result.returncode == 0
    assert result.stdout.startswith("pattern = rds-rotation (confidence ")
    assert "change model (what the change does" in result.stdout
    assert (
        "handles-credentials: category secret-management  [examples/specs/rds-rotation.yaml:"
        in result.stdout
    )
    assert "\nrisk = medium\n" in result.stdout
    assert "estate.prod-databases (rules/estate.yaml:" in result.stdout
    assert (
        "matched probe count=1, environment=prod, name=databases  [infra-tf/modules/rds/main.tf:28]"
        in result.stdout
    )
    assert "because: Production databases raise the risk to at least medium." in result.stdout


def test_why_not_risk_high_on_the_rds_example() -> None:
    result = run_cli("explain", str(GOLDEN / "spec-rds-rotation.json"), "--why-not", "risk=high")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\nWhy not risk=high? It is medium.\n" in out
    assert "- risk.node-disruption (rules/risk.yaml:" in out
    assert (
        "condition 1 failed: trait with name = node-disruption, present = true — trait:node-disruption has present=false [pattern rds-rotation]"
        in out
        or "trait:node-disruption has present=false" in out
    )
    assert (
        "- risk.one-way" in out
        and "condition 1 failed: trait with name = one-way, present = true — trait:one-way has present=false"
        in out
    )
    assert "- estate.removed-apis" in out and "probe:removed-apis:all has count=0" in out


def test_why_not_lower_value_and_errors() -> None:
    plan = str(GOLDEN / "spec-rds-rotation.json")
    low = run_cli("explain", plan, "--why-not", "risk=low")
    assert "low is below medium" in low.stdout
    same = run_cli("explain", plan, "--why-not", "risk=medium")
    assert "It was decided: risk is medium" in same.stdout
    bad = run_cli("explain", plan, "--why-not", "risk=huge")
    assert bad.returncode == 2 and '"huge" is not a value of risk' in bad.stderr
    bad = run_cli("explain", plan, "--why-not", "rsk=high")
    assert bad.returncode == 2 and 'did you mean "risk"' in bad.stderr
    bad = run_cli("explain", plan, "--why-not", "high")
    assert bad.returncode == 2 and "expected DIMENSION=VALUE" in bad.stderr
    missing = run_cli("explain", "nope.json")
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_verify_names_inputs_that_changed_without_affecting_the_plan(workspace: Path) -> None:
    plan = _plan(workspace)
    pattern = workspace / "org-knowledge" / "patterns" / "acme-cost.yaml"
    pattern.write_text(PATTERN.replace("Reduce infrastructure spend", "Reduce spend"))
    result = run_cli("verify", str(plan), *_args(workspace), cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reproducible; these inputs changed without affecting the plan:" in result.stdout
    assert "org-knowledge/patterns/acme-cost.yaml (changed)" in result.stdout


def test_verify_after_a_comment_only_edit_of_the_spec(workspace: Path) -> None:
    plan = _plan(workspace)
    spec = workspace / "enhancements" / "rds.yaml"
    spec.write_text(spec.read_text() + "# reviewed by the platform team\n")
    result = run_cli("verify", str(plan), *_args(workspace), cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reproducible; these inputs changed without affecting the plan:" in result.stdout
    assert "spec enhancements/rds.yaml: sha256:" in result.stdout


def test_verify_from_another_working_directory(workspace: Path, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(workspace)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = run_cli("verify", str(plan), *_args(workspace), cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified" in result.stdout
    # the plan moved with its work tree: found relative to the plan, wherever verify runs
    moved = tmp_path_factory.mktemp("moved") / "ws"
    shutil.copytree(workspace, moved)
    result = run_cli("verify", str(moved / "plan.json"), *_args(moved), cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr


def test_verify_a_plan_written_outside_the_work_tree(workspace: Path, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("plans") / "plan.json"
    args = ["enhancements/rds.yaml", *_args(workspace), "--format", "json", "-o", str(out)]
    assert run_cli("plan", *args, cwd=workspace).returncode == 0
    recorded = json.loads(out.read_text())["inputs"]["spec"]
    assert recorded["path"] == "enhancements/rds.yaml"
    assert recorded["relative_to_plan"].endswith("/enhancements/rds.yaml")
    inside = run_cli("verify", str(out), *_args(workspace), cwd=workspace)
    assert inside.returncode == 0, inside.stdout + inside.stderr
    # from elsewhere the spec lies outside both work trees: refused unless asked for
    outside = run_cli("verify", str(out), *_args(workspace), cwd=out.parent)
    assert outside.returncode == 2 and "--allow-outside" in outside.stderr
    allowed = run_cli("verify", str(out), *_args(workspace), "--allow-outside", cwd=out.parent)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def _tampered(plan: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    data = json.loads(plan.read_text())
    edit(data)
    plan.write_text(json.dumps(data))
    return plan


def test_verify_never_reads_a_spec_path_an_untrusted_plan_names(workspace: Path) -> None:
    plan = _plan(workspace)
    secret = workspace.parent / "not-yours.yaml"
    secret.write_text("enhancement: {}\n")

    def point_outside(data: dict) -> None:  # type: ignore[type-arg]
        data["inputs"]["spec"]["path"] = str(secret)
        data["inputs"]["spec"]["relative_to_plan"] = "../not-yours.yaml"

    _tampered(plan, point_outside)
    result = run_cli("verify", str(plan), *_args(workspace), cwd=workspace)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "outside" in result.stderr and "enhancement" not in result.stderr


def test_verify_checks_drafted_prose_against_the_recomputed_prompt(workspace: Path) -> None:
    plan = _plan(workspace)

    def rewrite_runbook(data: dict) -> None:  # type: ignore[type-arg]
        for section in data["prose"]["sections"]:
            if section["id"] == "runbook:rollback":
                section["text"] = "Skip the rollback; nobody will notice."
                section["drafted_by"] = {"model": "openai/x", "prompt_sha256": "sha256:0000"}

    _tampered(plan, rewrite_runbook)
    result = run_cli("verify", str(plan), *_args(workspace), cwd=workspace)
    assert result.returncode == 1, result.stdout
    assert (
        "prose runbook:rollback (drafted from a prompt the plan no longer gives)" in result.stdout
    )


@pytest.mark.parametrize(
    ("edit", "code", "named"),
    [
        (lambda d: d.update(schema_version="99"), 2, "schema_version '99' is not supported"),
        (lambda d: d["inputs"].update(evaluated_on="2024-02-30"), 2, "inputs.evaluated_on"),
        (lambda d: d["inputs"]["rule_files"][0].update(sha256="0" * 64), 1, "rules/"),
    ],
    ids=["future-schema", "impossible-date", "rule-digest"],
)
def test_verify_on_a_tampered_plan(workspace: Path, edit, code: int, named: str) -> None:  # type: ignore[no-untyped-def]
    plan = _tampered(_plan(workspace), edit)
    result = run_cli("verify", str(plan), *_args(workspace), cwd=workspace)
    assert result.returncode == code, result.stdout + result.stderr
    assert named in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
