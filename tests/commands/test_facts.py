"""`infraplan facts`: the JSON contract, tables, and byte-identical output."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, run_cli

ESTATE = EXAMPLES / "estate"
REPOS = [f"{n}={ESTATE / n}" for n in ("infra-tf", "infra-flux", "deployments")]


def test_facts_json_contract() -> None:
    result = run_cli("facts", *REPOS, "--format", "json", "--no-cache")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["counts"]["kinds"]["HelmRelease"] == 6
    assert summary["counts"]["kinds"]["Kustomization"] == 14  # Flux Kustomizations only
    assert summary["counts"]["terraform_resources"]["aws_secretsmanager_secret"] == 1
    assert summary["environments"] == ["dev", "staging", "prod"]
    assert summary["clusters"] == ["monitor", "workload-dev", "workload-prod", "workload-staging"]
    assert "@acme/security" in summary["owners"]
    assert summary["diagnostics"] == []


def test_facts_byte_identical_across_runs_directories_and_seeds(tmp_path: Path) -> None:
    runs = [
        run_cli(
            "facts",
            *REPOS,
            "--format",
            "json",
            "--cache-dir",
            str(tmp_path / "c1"),
            env={"PYTHONHASHSEED": "0", "TZ": "UTC"},
        ),
        run_cli(
            "facts",
            *REPOS,
            "--format",
            "json",
            "--cache-dir",
            str(tmp_path / "c1"),
            cwd=tmp_path,
            env={"PYTHONHASHSEED": "12345", "TZ": "America/Lima", "LC_ALL": "C"},
        ),
        run_cli(
            "facts",
            *REPOS,
            "--format",
            "json",
            "--no-cache",
            "--jobs",
            "2",
            env={"PYTHONHASHSEED": "7"},
        ),
    ]
    assert all(r.returncode == 0 for r in runs)
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert str(ESTATE) not in runs[0].stdout


def test_facts_table_and_default_repository(tmp_path: Path) -> None:
    result = run_cli("facts", "--no-cache", cwd=ESTATE / "infra-flux")
    assert result.returncode == 0
    assert "HelmRelease" in result.stdout and "clusters:" in result.stdout


def test_bad_repository_argument_exits_2(tmp_path: Path) -> None:
    result = run_cli("facts", str(tmp_path / "nope"))
    assert result.returncode == 2 and "not a folder" in result.stderr
