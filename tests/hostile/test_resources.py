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


def test_ten_thousand_objects_on_one_line_of_a_bundle(tmp_path: Path) -> None:
    # a bundle edited to hold many objects on one file:line (a List written on one line has
    # the same shape): what reaches that line is worked out once, not once per object (it was
    # quadratic: 4,000 objects took 19 s, so 10,000 would take two minutes)
    import copy
    import json

    from tests.conftest import EXAMPLES, run_cli

    bundles = []
    for repo in ("infra-tf", "infra-flux", "deployments"):
        out = tmp_path / f"{repo}.json"
        made = run_cli("facts", str(EXAMPLES / "estate" / repo), "--bundle", "-o", str(out))
        assert made.returncode == 0, made.stderr
        bundles += ["--facts", str(out)]
    flux = tmp_path / "infra-flux.json"
    bundle = json.loads(flux.read_text(encoding="utf-8"))
    f = next(f for f in bundle["repo"]["files"] if f["facts"]["objects"])
    first = f["facts"]["objects"][0]
    f["facts"]["objects"] = [dict(copy.deepcopy(first), name=f"es{i}") for i in range(10_000)]
    flux.write_text(json.dumps(bundle), encoding="utf-8")
    run = measured("plan", str(RDS), *bundles, "-o", str(tmp_path / "plan.json"))
    assert run.returncode == 0, run.stderr
    assert run.seconds < 60 and run.max_rss_mb < BOUND_MB, run
