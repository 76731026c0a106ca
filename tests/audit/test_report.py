"""report: enhancements across folders of specs and plans in git — status, lead time from git's
recorded times, totals, Markdown with Mermaid charts and JSON; the same folders give the same
report anywhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.audit.report import lead_time_text
from tests.conftest import EXAMPLES, ROOT, run_cli, run_entry_point
from tests.mermaid_syntax import check, mermaid_blocks

REPOS = ("infra-tf", "infra-flux", "deployments")
DAY = 86400
T0 = 1_767_225_600  # 2026-01-01T00:00:00Z


def _git(repo: Path, *args: str, when: int) -> None:
    stamp = f"@{when} +0000"
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _commit(repo: Path, message: str, when: int) -> None:
    _git(repo, "add", "-A", when=when)
    _git(repo, "commit", "-q", "-m", message, when=when)


def _spec(repo: Path, name: str, source: str, **replace: str) -> Path:
    text = (EXAMPLES / "specs" / source).read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    path = repo / "enhancements" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _plan(repo: Path, spec: str, plan: str, *extra: str) -> None:
    result = run_cli("plan", spec, "-o", plan, "--no-cache", *extra, cwd=repo)
    assert result.returncode == 0, result.stderr


def _estate(repo: Path) -> list[str]:
    return [a for n in REPOS for a in ("--repo", f"{n}={repo / 'estate' / n}")]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository of enhancements: one spec only, one planned and verified, one whose spec
    changed after it was planned, one planned against repositories."""
    root = tmp_path / "platform"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main", when=T0)
    shutil.copytree(EXAMPLES / "estate", root / "estate")
    _spec(root, "rds", "rds-rotation.yaml")
    _spec(root, "vm", "victoriametrics-upgrade.yaml")
    _spec(root, "karpenter", "karpenter-upgrade.yaml")
    _spec(root, "drifting", "rds-rotation.yaml", **{"rds-rotation-integration": "rotation-two"})
    _commit(root, "specs", T0)
    _plan(root, "enhancements/rds.yaml", "enhancements/rds.plan.json")
    _commit(root, "plan rds", T0 + 2 * DAY + 3 * 3600)
    _plan(root, "enhancements/drifting.yaml", "enhancements/drifting.plan.json")
    _plan(root, "enhancements/karpenter.yaml", "enhancements/karpenter.plan.json", *_estate(root))
    _commit(root, "plans", T0 + 5 * 3600 + 12 * 60)
    drifting = root / "enhancements" / "drifting.yaml"
    drifting.write_text(drifting.read_text().replace("risk: medium", "risk: high"))
    _commit(root, "risk", T0 + 6 * DAY)
    return root


def _report(repo: Path, *args: str, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    return run_cli("report", "enhancements", "--no-cache", *args, cwd=cwd or repo)


def test_status_and_lead_time_per_enhancement(repo: Path) -> None:
    result = _report(repo, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    entries = {e["name"]: e for e in report["enhancements"]}
    assert set(entries) == {
        "rds-rotation-integration",
        "rotation-two",
        "karpenter-upgrade-optimization",
        "monitoring-stack-enhancement",
    }
    rds = entries["rds-rotation-integration"]
    assert rds["status"] == "plan verified"
    assert (rds["category"], rds["risk"], rds["strategy"]) == (
        "secret-management",
        "medium",
        "staged",
    )
    assert rds["spec"] == "enhancements/rds.yaml" and rds["plan"] == "enhancements/rds.plan.json"
    assert rds["spec_committed"] == "2026-01-01T00:00:00Z"
    assert rds["plan_committed"] == "2026-01-03T03:00:00Z"
    assert rds["lead_time_seconds"] == 2 * DAY + 3 * 3600 and rds["lead_time"] == "2d 3h"
    drifted = entries["rotation-two"]
    assert drifted["status"] == "plan drifted"
    assert "spec enhancements/drifting.yaml" in drifted["why"]
    assert drifted["lead_time"] == "5h 12m"
    planned = entries["karpenter-upgrade-optimization"]
    assert planned["status"] == "planned"
    assert "--repo deployments, infra-flux, infra-tf" in planned["why"]
    assert planned["risk"] == "high"
    spec_only = entries["monitoring-stack-enhancement"]
    assert spec_only["status"] == "spec only"
    assert spec_only["plan"] == "" and spec_only["lead_time_seconds"] is None
    assert spec_only["category"] == "observability"
    assert report["by_status"] == {
        "spec only": 1,
        "planned": 1,
        "plan verified": 1,
        "plan drifted": 1,
    }
    assert report["by_category"] == {
        "cost-optimization": 1,
        "observability": 1,
        "secret-management": 2,
    }
    assert sum(report["by_risk"].values()) == 4


def test_repositories_given_again_replay_the_plans_that_read_them(repo: Path) -> None:
    report = json.loads(_report(repo, "--format", "json", *_estate(repo)).stdout)
    karpenter = next(
        e for e in report["enhancements"] if e["name"] == "karpenter-upgrade-optimization"
    )
    assert karpenter["status"] == "plan verified"


def test_markdown_with_mermaid_charts(repo: Path) -> None:
    text = _report(repo).stdout
    assert (
        "| rds-rotation-integration | secret-management | medium | staged | plan verified | 2d 3h |"
        in text
    )
    assert "## By category" in text and "## By risk" in text and "## By status" in text
    blocks = mermaid_blocks(text)
    assert len(blocks) == 2
    for block in blocks:
        assert check(block) == [], block
    assert '"secret-management" : 2' in text


def test_the_same_report_anywhere(repo: Path, tmp_path: Path) -> None:
    here = _report(repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    there = run_entry_point(
        "report",
        str(repo / "enhancements"),
        "--no-cache",
        cwd=elsewhere,
        env={"PYTHONHASHSEED": "11", "TZ": "Pacific/Auckland", "LC_ALL": "C"},
    )
    assert there.returncode == 0, there.stderr
    assert there.stdout == here.stdout


def test_the_example_estate(tmp_path: Path) -> None:
    args = [a for n in REPOS for a in ("--repo", f"{n}=examples/estate/{n}")]
    result = run_cli(
        "report",
        "examples/specs",
        "tests/golden",
        *args,
        "--no-cache",
        "--format",
        "json",
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["enhancements"]) == 8
    assert report["by_status"] == {"plan verified": 8}
    specs = [e for e in report["enhancements"] if e["spec"].startswith("examples/specs/")]
    assert len(specs) == 3 and all(e["plan"].startswith("tests/golden/") for e in specs)


def test_folders_without_git_have_no_lead_times(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "specs" / "rds-rotation.yaml", tmp_path / "rds.yaml")
    report = json.loads(run_cli("report", ".", "--format", "json", cwd=tmp_path).stdout)
    [entry] = report["enhancements"]
    assert entry["status"] == "spec only" and entry["spec_committed"] == ""
    assert entry["spec"] == "rds.yaml"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("broken.json", '{"schema_version": "1", "inp', "broken.json: not JSON"),
        ("bad.yaml", "enhancement: [\n", "bad.yaml"),
        (
            "wrong.yaml",
            "enhancement: {name: x, category: nope, scope: cluster-wide}\n",
            "wrong.yaml",
        ),
        (
            "plan.json",
            '{"schema_version": "1", "inputs": {}}',
            "plan.json: not an infraplan JSON plan",
        ),
    ],
)
def test_malformed_files_are_one_clear_error(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("report", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_not_a_folder(tmp_path: Path) -> None:
    result = run_cli("report", "missing", cwd=tmp_path)
    assert result.returncode == 2 and "missing: not a folder" in result.stderr


def test_lead_time_text() -> None:
    assert lead_time_text(0) == "0m"
    assert lead_time_text(59 * 60) == "59m"
    assert lead_time_text(5 * 3600 + 12 * 60) == "5h 12m"
    assert lead_time_text(2 * DAY + 3 * 3600 + 59) == "2d 3h"
    assert lead_time_text(-5) == "0m"


def test_a_spec_planned_twice_shows_both_plans(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "specs" / "rds-rotation.yaml", tmp_path / "rds.yaml")
    for name in ("a.json", "b.json"):
        _plan(tmp_path, "rds.yaml", name)
    report = json.loads(run_cli("report", ".", "--format", "json", cwd=tmp_path).stdout)
    assert [(e["spec"], e["plan"], e["status"]) for e in report["enhancements"]] == [
        ("rds.yaml", "a.json", "plan verified"),
        ("rds.yaml", "b.json", "plan verified"),
    ]


def test_files_that_are_neither_specs_nor_plans_are_skipped(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "specs" / "rds-rotation.yaml", tmp_path / "rds.yaml")
    (tmp_path / "tsconfig.json").write_text('{\n // a comment\n "a": 1}\n', encoding="utf-8")
    (tmp_path / "binary.yaml").write_bytes(b"\x00\xff\xfe" * 100)
    (tmp_path / "deploy.yaml").write_text("kind: [\n", encoding="utf-8")
    result = run_cli("report", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rds-rotation-integration" in result.stdout
