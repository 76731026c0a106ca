"""Terminal tables sized to their content: facts, check text, knowledge list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.render import facts_table
from engine.render.text_table import columns
from tests.conftest import EXAMPLES, run_cli

LONG = "platform-infrastructure-live-environments-eu-west-1"


def test_columns_are_as_wide_as_their_widest_cell() -> None:
    lines = columns(
        [["name", "count", "note"], ["a", "7", "x"], ["longer-name", "12", ""]], right={1}
    )
    assert lines == ["name         count  note", "a                7  x", "longer-name     12"]
    assert columns([]) == []


def _summary(names: list[str]) -> dict:  # type: ignore[type-arg]
    return {
        "repos": [
            {"name": n, "role": "terraform", "files": 1200 + i, "digest": "sha256:" + "ab" * 32}
            for i, n in enumerate(names)
        ],
        "counts": {
            "kinds": {"HelmRelease": 6, "VeryLongCustomResourceDefinitionKindName": 1},
            "terraform_resources": {"aws_db_instance": 1},
            "roles": {"object": 3},
            "terraform_modules": 1,
            "charts": 0,
            "workflows": 0,
            "skipped": {},
        },
        "environments": ["dev", "prod"],
        "clusters": [],
        "owners": [],
        "diagnostics": [],
    }


def test_facts_table_aligns_long_repository_names() -> None:
    text = facts_table.render(_summary(["infra", LONG]))
    header, short_row, long_row = text.splitlines()[:3]
    assert header.startswith("repository" + " " * (len(LONG) - len("repository") + 2) + "role")
    # every column starts where its header does, whatever the names' lengths
    for row in (short_row, long_row):
        assert row.index("terraform") == header.index("role")
        assert row.index("sha256:") == header.index("digest")
    kinds = text.split("\n\n")[1].splitlines()
    assert len({len(line) for line in kinds}) == 1  # counts right-aligned under "count"
    assert not any(line != line.rstrip() for line in text.splitlines())


def test_facts_table_on_the_example_estate_with_a_long_name() -> None:
    result = run_cli("facts", f"{LONG}={EXAMPLES / 'estate' / 'infra-tf'}", "--no-cache")
    header, row = result.stdout.splitlines()[:2]
    assert row.startswith(LONG + "  terraform")
    assert row.index("sha256:") == header.index("digest")


def test_knowledge_list_columns_fit_each_section() -> None:
    out = run_cli("knowledge", "list").stdout
    patterns, categories, experts = out.strip().split("\n\n")
    for section in (patterns, categories, experts):
        header, *rows = section.splitlines()[1:]
        second = header.split()[1]
        column = header.index(second)
        for row in rows:  # the second column starts under its header, after at least two blanks
            assert row[column - 2 : column] == "  " and row[column] != " ", row
    assert "developer-self-service       developer-experience  developer-experience;" in patterns


def test_check_text_summarises_each_spec_in_a_sized_table(
    write: Callable[[str, str], Path],
) -> None:
    good = EXAMPLES / "specs" / "rds-rotation.yaml"
    bad = write("a-rather-long-folder-name/bad.yaml", "enhancement:\n  name: X\n")
    result = run_cli("check", str(good), str(bad))
    lines = result.stdout.splitlines()
    assert lines[-1] == "2 spec(s) checked: 0 error(s), 0 warning(s), 0 waived, 1 invalid"
    header = next(line for line in lines if line.startswith("spec "))
    rows = lines[lines.index(header) + 1 : -1]
    assert [r.split()[-1] for r in rows] == ["passes", "invalid"]
    for row in rows:
        assert row.index(row.split()[-1]) == header.index("result")
    # the findings above keep the `file:line: ...` form editors and CI read
    assert all(": " in line for line in lines[: lines.index(header) - 1])


def test_check_text_of_one_spec_is_the_findings_and_the_count() -> None:
    result = run_cli("check", str(EXAMPLES / "specs" / "rds-rotation.yaml"))
    assert result.stdout == "1 spec(s) checked: 0 error(s), 0 warning(s), 0 waived, 0 invalid\n"
