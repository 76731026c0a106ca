"""The blow-ups of issue 14, through the real entry point, with the command's own wall time and
peak memory (wait4). Bounds are generous; measured figures: bench/hostile.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.build import RDS, alias_bomb, big_codeowners_repo, measured, write

BOUND_MB = 500  # a plan of the example estate peaks near 100 MB


def test_a_billion_laughs_spec(tmp_path: Path) -> None:
    spec = write(tmp_path / "bomb.yaml", alias_bomb())
    run = measured("check", str(spec), "--format", "sarif")
    assert run.returncode == 2 and "aliases are expanded" in run.stdout, run.stderr
    assert run.seconds < 20 and run.max_rss_mb < BOUND_MB, run


def test_a_fifty_megabyte_spec(tmp_path: Path) -> None:
    spec = tmp_path / "huge.yaml"
    with spec.open("w") as f:
        f.write(RDS.read_text() + "padding_key: 1\n" * 3_500_000)
    run = measured("plan", str(spec))
    assert run.returncode == 2 and "larger than the limit" in run.stderr, run.stderr
    assert run.seconds < 20 and run.max_rss_mb < BOUND_MB, run


@pytest.mark.parametrize("command", ["explain", "verify"])
def test_a_plan_that_never_ends(command: str) -> None:
    run = measured(command, "/dev/zero")
    assert run.returncode == 2 and "not a regular file" in run.stderr
    assert run.seconds < 20 and run.max_rss_mb < BOUND_MB, run


def test_fifty_thousand_codeowners_rules_over_two_thousand_files(tmp_path: Path) -> None:
    repo = big_codeowners_repo(tmp_path / "repo")
    run = measured("facts", f"big={repo}", "--format", "json", "--no-cache")
    assert run.returncode == 0, run.stderr
    assert '"@team-' in run.stdout and "Traceback" not in run.stderr
    assert run.seconds < 60 and run.max_rss_mb < BOUND_MB, run
