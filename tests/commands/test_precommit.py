"""The pre-commit hook, end to end with the real `pre-commit` tool in a temporary git repository.

`pre-commit try-repo` installs this project from its working tree (uncommitted changes
included) into pre-commit's own environment, exactly as a user's hook would install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, VIOLATING

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not PRE_COMMIT.exists() and shutil.which("pre-commit") is None,
        reason="pre-commit is not installed (pip install '.[dev]')",
    ),
]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
        },
    )


def test_hook_with_the_real_pre_commit_tool(tmp_path: Path) -> None:
    repo = tmp_path / "team-repo"
    (repo / "enhancements").mkdir(parents=True)
    shutil.copy(EXAMPLES / "specs" / "rds-rotation.yaml", repo / "enhancements" / "rds.yaml")
    (repo / "notes").mkdir()
    (repo / "notes" / "not-a-spec.yaml").write_text("this: is not checked\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    tool = str(PRE_COMMIT) if PRE_COMMIT.exists() else "pre-commit"
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tool, "try-repo", str(ROOT), "infraplan-check", "--all-files"],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )

    clean = run()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "infraplan check" in clean.stdout and "Passed" in clean.stdout

    (repo / "enhancements" / "karpenter.yaml").write_text(VIOLATING)
    _git(repo, "add", ".")
    failing = run()
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "Failed" in failing.stdout
    assert "enhancements/karpenter.yaml:1: policy.rollback-required:" in failing.stdout
    assert "not-a-spec" not in failing.stdout
