"""Same inputs → byte-identical output, whatever the directory, hash seed, locale or time zone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_entry_point


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_byte_identical_across_environments(tmp_path: Path, fmt: str) -> None:
    spec = EXAMPLES / "specs" / "rds-rotation.yaml"
    first = run_entry_point(
        "plan", str(spec), "--format", fmt, env={"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"}
    )
    other_dir = tmp_path / "elsewhere"
    other_dir.mkdir()
    second = run_entry_point(
        "plan",
        str(spec),
        "--format",
        fmt,
        cwd=other_dir,
        env={"PYTHONHASHSEED": "4242", "TZ": "Asia/Kolkata", "LC_ALL": "C.UTF-8"},
    )
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout


def test_identical_when_the_estate_is_copied_elsewhere(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b/c"):
        target = tmp_path / name / "examples"
        shutil.copytree(EXAMPLES, target)
        result = run_entry_point(
            "plan",
            str(target / "specs" / "karpenter-upgrade.yaml"),
            "--format",
            "json",
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert str(tmp_path) not in outputs[0]


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_estate_plans_are_byte_identical_across_environments(tmp_path: Path, fmt: str) -> None:
    repos = [
        a
        for n in ("infra-tf", "infra-flux", "deployments")
        for a in ("--repo", f"{n}={EXAMPLES / 'estate' / n}")
    ]
    request = "I want to add RDS rotation to my secret management system"
    first = run_entry_point(
        "plan",
        request,
        *repos,
        "--format",
        fmt,
        "--no-cache",
        "--jobs",
        "1",
        env={"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C"},
    )
    elsewhere = tmp_path / "x"
    elsewhere.mkdir()
    second = run_entry_point(
        "plan",
        request,
        *repos,
        "--format",
        fmt,
        "--cache-dir",
        str(tmp_path / "c"),
        "--jobs",
        "2",
        cwd=elsewhere,
        env={"PYTHONHASHSEED": "987", "TZ": "Pacific/Auckland", "LC_ALL": "C.UTF-8"},
    )
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout
    assert str(EXAMPLES) not in first.stdout and str(tmp_path) not in first.stdout
