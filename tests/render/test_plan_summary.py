"""`plan -o FILE`: the plan goes to the file, a short summary to stderr, nothing to stdout; the
file's suffix chooses JSON; without -o stdout carries the plan alone."""

from __future__ import annotations

import json
from pathlib import Path

from engine.plan.model import read_plan
from engine.render.plan_summary import render
from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.golden.regenerate import GOLDEN, REPOS

RDS = str(EXAMPLES / "specs" / "rds-rotation.yaml")


def test_summary_of_the_rds_example() -> None:
    plan = read_plan(GOLDEN / "spec-rds-rotation.json")
    text = render(plan, "plan.json", "json")
    lines = text.splitlines()
    assert (
        lines[0]
        == "Planned rds-rotation-integration: RDS credential rotation (pattern rds-rotation)"
    )
    assert lines[1] == "from examples/specs/rds-rotation.yaml and 3 repositories (68 files)."
    header = lines[3]
    assert header.split() == ["decision", "value"]
    # every decision, but a set nothing was concluded of (nothing already in place)
    shown = [dim for dim, d in plan.decisions.items() if d.trace or d.value != []]
    rows = lines[4 : 4 + len(shown)]
    assert [r.split()[0] for r in rows] == shown
    risk = next(r for r in rows if r.startswith("risk "))
    assert risk.endswith("  medium") and risk.index("medium") == header.index("value")
    assert "Needs attention before work starts: 6 findings." in lines
    assert "Touches 7 integration points in deployments, infra-flux, infra-tf." in lines
    assert lines[-2] == "Next: infraplan explain plan.json risk"
    assert len(lines) <= 25 and max(len(line) for line in lines) <= 100


def test_plan_to_a_json_file_prints_the_summary_on_stderr_only(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    result = run_cli("plan", RDS, *REPOS, "--no-cache", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    plan = json.loads(target.read_text())  # the suffix chose JSON
    assert plan["decisions"]["risk"]["value"] == "medium"
    assert result.stderr.startswith("Planned rds-rotation-integration")
    assert f"Wrote {target} (JSON" in result.stderr
    assert f"Next: infraplan explain {target} risk" in result.stderr
    explained = run_cli("explain", str(target), "risk")  # the next command works as printed
    assert explained.returncode == 0 and "\nrisk = medium\n" in explained.stdout


def test_plan_to_a_markdown_file_says_how_to_ask_why(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    result = run_cli("plan", RDS, "-o", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert target.read_text().startswith("# Enhancement plan: rds-rotation-integration")
    assert "Wrote " + str(target) + " (Markdown" in result.stderr
    assert "without repositories (add --repo PATH" in result.stderr
    assert "infraplan explain plan.json risk" in result.stderr


def test_format_flag_wins_over_the_suffix(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    result = run_cli("plan", RDS, "--format", "markdown", "-o", str(target))
    assert result.returncode == 0
    assert target.read_text().startswith("# Enhancement plan")


def test_without_output_file_stdout_is_the_plan_alone() -> None:
    result = run_cli("plan", RDS, "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    json.loads(result.stdout)
    markdown = run_cli("plan", RDS)
    assert markdown.stdout.startswith("# Enhancement plan") and markdown.stderr == ""


def test_readme_shows_the_summary_command_1_prints() -> None:
    """The README's example summary is the real one (the fresh-venv test checks it end to end)."""
    readme = (ROOT / "README.md").read_text()
    shown = readme.split("```console\n", 1)[1].split("```", 1)[0]
    assert shown == render(read_plan(GOLDEN / "spec-rds-rotation.json"), "plan.json", "json")
