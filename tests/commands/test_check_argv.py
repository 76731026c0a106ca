"""`check` without click (engine/commands/check_argv.py): the same output, files and exit codes
as through click, on every example spec, violating and invalid specs, in every format."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.commands import check_argv
from engine.core import limits
from tests.conftest import EXAMPLES, ROOT, VIOLATING, Ran, run_cli
from tests.seed_examples import SEED_KARPENTER

RDS = EXAMPLES / "specs" / "rds-rotation.yaml"
WAIVED = (
    VIOLATING
    + """waivers:
  - rule: policy.declared-risk-too-low
    reason: the cluster is a sandbox
    expires: 2026-01-01
    approved_by: "@lead"
"""
)


def fast(*args: str) -> Ran:
    """The command line through check_argv, in this process, captured as run_cli captures it."""
    found = check_argv.parse(list(args))
    assert found is not None, args
    runner = CliRunner(env={"INFRAPLAN_DEBUG": "1"})
    code = 0
    try:
        with runner.isolation() as (out, err, _):
            try:
                check_argv.main(found)
            except SystemExit as exc:
                code = int(exc.code or 0)
            stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    finally:
        limits.configure()
    return Ran(code, stdout, stderr)


@pytest.fixture
def specs(write: Callable[[str, str], Path], tmp_path: Path) -> list[str]:
    """Every example spec, and specs that violate rules, waive them, or cannot be read."""
    (tmp_path / "enh").mkdir()
    (tmp_path / "enh" / "binary.yaml").write_bytes(b"enhancement: \xff\n")
    return [
        *(str(p) for p in sorted((EXAMPLES / "specs").glob("*.yaml"))),
        str(write("enh/karpenter.yaml", SEED_KARPENTER + "risk: low\n")),
        str(write("enh/waived.yaml", WAIVED)),
        str(write("enh/typo.yaml", "enhancement:\n  name: x\n  categroy: security\n")),
        str(write("enh/broken.yaml", "enhancement:\n  name: x\n  scope: [\n")),
        str(write("enh/empty.yaml", "")),
        str(tmp_path / "enh" / "binary.yaml"),
        "enh/missing.yaml",
        str(EXAMPLES),  # a folder
    ]


def test_every_spec_alone_and_together_as_through_click(specs: list[str]) -> None:
    for args in [*([s] for s in specs), specs]:
        argv = ["check", *args]
        assert fast(*argv) == run_cli(*argv), argv


# each format, and each way of giving the date (a waiver expires by it), on all specs at once:
# a spec's findings do not depend on the others, and the loop above reads every spec alone
@pytest.mark.parametrize(
    "options",
    [
        ["--format", "text"],
        ["--format", "json"],
        ["--format", "sarif"],
        ["--format", "junit"],
        ["--today", "2026-11-27"],
        ["--today=2025-06-01", "--format=json"],
    ],
)
def test_every_format_and_date_as_through_click(specs: list[str], options: list[str]) -> None:
    argv = ["check", *specs, *options]
    assert fast(*argv) == run_cli(*argv), argv


def test_reports_written_to_a_file_as_through_click(specs: list[str], tmp_path: Path) -> None:
    for fmt in ["text", "sarif"]:
        ours, theirs = tmp_path / f"ours.{fmt}", tmp_path / f"theirs.{fmt}"
        assert fast("check", *specs, f"--format={fmt}", "-o", str(ours)) == run_cli(
            "check", *specs, "--format", fmt, "--output", str(theirs)
        )
        assert ours.read_text() == theirs.read_text()
    # never over an input: the spec stays
    spec = specs[0]
    before = Path(spec).read_text()
    assert fast("check", spec, f"-o{spec}") == run_cli("check", spec, "-o", spec)
    assert Path(spec).read_text() == before


def test_bad_flags_and_overlays_as_through_click(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "extra.yaml").write_text("- id: broken\n")
    for argv in [
        ["check", str(RDS), "--today", "27/11/2026"],
        ["check", str(RDS), "--rules-dir", str(rules)],
        ["check", str(RDS), "--knowledge-dir", str(tmp_path / "nowhere")],
    ]:
        assert fast(*argv) == run_cli(*argv), argv


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["plan", str(RDS)],
        ["check"],
        ["check", "--help"],
        ["check", "-h", str(RDS)],
        ["check", str(RDS), "--format", "yaml"],
        ["check", str(RDS), "--format"],
        ["check", str(RDS), "--verbose"],
        ["check", "--", str(RDS)],
        ["check", str(RDS), "-o", str(EXAMPLES)],  # a folder: click's message
        ["check", str(RDS), "--rules-dir", str(RDS)],  # a file: click's message
        ["check", str(RDS), "--today", "--format"],
        ["check", str(RDS), "--output="],
    ],
)
def test_anything_else_is_left_to_click(argv: list[str]) -> None:
    assert check_argv.parse(argv) is None


def test_what_it_reads() -> None:
    found = check_argv.parse(
        ["check", "a.yaml", "--format", "json", "-", "--format=sarif", "--rules-dir", "r"]
    )
    assert found == {
        "specs": ["a.yaml", "-"],
        "fmt": "sarif",  # as click: the last one given
        "output": None,
        "today": None,
        "rules_dirs": ["r"],
        "knowledge_dirs": [],
    }


def test_short_and_long_values_as_click_reads_them() -> None:
    def output(*flags: str) -> object:
        found = check_argv.parse(["check", "a.yaml", *flags])
        return found and found["output"]

    assert output("-oreport.txt") == output("-o", "report.txt") == "report.txt"
    assert output("--output=report.txt") == output("--output", "report.txt") == "report.txt"
    assert output("-o=report.txt") == "=report.txt"
    assert check_argv.parse(["check", "a.yaml", "-x"]) is None


def test_shell_completion_is_left_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_INFRAPLAN_COMPLETE", "bash_source")
    assert check_argv.parse(["check", str(RDS)]) is None


def test_the_real_entry_point_checks_without_click(write: Callable[[str, str], Path]) -> None:
    bad = write("enh/karpenter.yaml", SEED_KARPENTER + "risk: low\n")
    broken = write("enh/typo.yaml", "enhancement:\n  name: x\n  categroy: security\n")
    probe = (
        "import atexit, runpy, sys\n"
        "atexit.register(lambda: sys.stderr.write(f'click: {\"click\" in sys.modules}'))\n"
        "sys.argv = ['infraplan', *sys.argv[1:]]\n"
        "runpy.run_module('engine', run_name='__main__')\n"
    )
    for args in [[str(RDS)], [str(bad), str(RDS)], [str(broken), str(bad), "--format", "sarif"]]:
        ran = subprocess.run(
            [sys.executable, "-c", probe, "check", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=120,
        )
        assert ran.stderr.endswith("click: False"), ran.stderr
        through_click = run_cli("check", *args)
        assert (ran.returncode, ran.stdout) == (through_click.returncode, through_click.stdout)
        assert ran.stderr.removesuffix("click: False") == through_click.stderr
