"""Every bundled rule has its own test case (rules/tests/*.yaml), and every case passes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.core.resources import bundled
from engine.decide.base import KnowledgeBase, load_knowledge_base
from engine.decide.cases import load_cases, run_case, run_tests
from tests.conftest import run_cli

CASES = load_cases([bundled("rules") / "tests"])


@pytest.mark.parametrize(
    ("case", "where"), CASES, ids=[f"{c.rule or c.name}@{w.rsplit('/', 1)[-1]}" for c, w in CASES]
)
def test_case(kb: KnowledgeBase, case: object, where: str) -> None:
    result = run_case(case, where, kb)  # type: ignore[arg-type]
    assert result.passed, "\n".join(result.failures)


def test_every_rule_is_fired_by_some_case(kb: KnowledgeBase) -> None:
    report = run_tests([bundled("rules") / "tests"], kb)
    assert report.uncovered == []


def test_every_rule_names_its_own_case() -> None:
    named = {case.rule for case, _ in CASES}
    assert {r.id for r in load_knowledge_base().rulebook.rules} <= named


def test_failing_case_is_reported(write: Callable[[str, str], Path]) -> None:
    path = write(
        "cases/bad.yaml",
        """- name: wrong on purpose
  facts:
    - enhancement: {name: x}
  expect: {risk: high, findings: ["nothing like this"]}
  absent: {risk: low}
""",
    )
    result = run_cli("rules", "test", str(path))
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "expected risk = high; got low" in result.stdout
    assert "risk must not be low" in result.stdout
    assert "0 passed, 1 failed" in result.stdout


def test_invalid_case_file_exits_2(write: Callable[[str, str], Path]) -> None:
    path = write("cases/invalid.yaml", "- name: x\n  factz: []\n")
    result = run_cli("rules", "test", str(path))
    assert result.returncode == 2 and 'unknown key "factz"' in result.stderr
    path = write("cases/badfact.yaml", "- name: x\n  facts:\n    - probe: {nme: databases}\n")
    result = run_cli("rules", "test", str(path))
    assert result.returncode == 2 and "unknown field(s) of probe: nme" in result.stderr


def test_bundled_cases_through_the_cli() -> None:
    result = run_cli("rules", "test")
    assert result.returncode == 0, result.stdout
    assert "coverage 88/88 rules (100%)" in result.stdout or "(100%)" in result.stdout
