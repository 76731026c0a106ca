"""Judgement: the hand-written cases (expectations written before any run) and their
metamorphic variants. Each case file's cases are judged by its own module
(test_judgement_<set>.py, built by tests/judgement/judged.py); this one checks the sets together
without planning anything. The agreement per dimension is printed at the end of the run."""

from __future__ import annotations

import re
from pathlib import Path

from tests.judgement.harness import CASE_FILES, cases, known_disagreements

HERE = Path(__file__).parent
IDS = [c["id"] for c in cases()]


def test_every_case_file_has_its_test_module() -> None:
    """A new set is judged only if a module names it (so a set is never silently left out)."""
    named = {
        m.group(1)
        for module in HERE.glob("test_judgement_*.py")
        for m in re.finditer(r'judgement_tests\("([^"]+)"', module.read_text("utf-8"))
    }
    assert named == {p.name for p in CASE_FILES}


def test_known_disagreements_name_existing_cases() -> None:
    ids = set(IDS)
    for k in known_disagreements():
        assert k["case"] in ids and k["about"] and k["why"], k


def test_case_ids_are_unique() -> None:
    assert len(IDS) == len(set(IDS))


def test_there_are_enough_cases() -> None:
    assert len(IDS) >= 40
    assert sum(len(c.get("variants") or []) for c in cases()) >= 60
