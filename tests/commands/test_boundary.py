"""The one error boundary: input and system errors exit 2 with `error:` lines, a bug exits 3
with one line (the traceback only with INFRAPLAN_DEBUG=1), output is written all or nothing."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, infraplan_command, run_cli

RDS = EXAMPLES / "specs" / "rds-rotation.yaml"


def _bug(*args: object, **kwargs: object) -> None:
    raise KeyError("a bug")


def test_a_bug_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.commands.plan

    monkeypatch.setattr(engine.commands.plan, "build_plan", _bug)
    quiet = run_cli("plan", str(RDS), env={"INFRAPLAN_DEBUG": ""}, internal=True)
    assert quiet.returncode == 3
    assert quiet.stderr.count("\n") == 1 and "Traceback" not in quiet.stderr
    assert "internal error (KeyError: 'a bug')" in quiet.stderr and "please report" in quiet.stderr
    loud = run_cli("plan", str(RDS), env={"INFRAPLAN_DEBUG": "1"}, internal=True)
    assert loud.returncode == 3 and "Traceback" in loud.stderr


def test_problems_are_capped(tmp_path: Path) -> None:
    spec = tmp_path / "many.yaml"
    spec.write_text(RDS.read_text() + "".join(f"unknown_{i}: 1\n" for i in range(200)))
    result = run_cli("check", str(spec), "--format", "json", env={"INFRAPLAN_MAX_PROBLEMS": "10"})
    assert result.returncode == 2
    problems = json.loads(result.stdout)["results"][0]["problems"]
    assert len(problems) == 11 and problems[-1]["message"].startswith("... and 190 more problems")
    capped = run_cli("plan", str(spec), env={"INFRAPLAN_MAX_PROBLEMS": "10"})
    lines = capped.stderr.splitlines()
    assert capped.returncode == 2 and len(lines) == 11
    assert lines[-1] == "error: ... and 190 more problems (INFRAPLAN_MAX_PROBLEMS=10)"


def test_output_that_cannot_be_written(tmp_path: Path) -> None:
    missing = run_cli("plan", str(RDS), "-o", str(tmp_path / "no" / "plan.md"))
    assert missing.returncode == 2
    assert f"error: {tmp_path / 'no' / 'plan.md'}: cannot write: No such file" in missing.stderr
    assert not (tmp_path / "no").exists()


def test_full_standard_output_through_the_entry_point(tmp_path: Path) -> None:
    with open(os.devnull, "rb") as stdin, open("/dev/full", "wb") as full:
        result = subprocess.run(
            [*infraplan_command(), "plan", str(RDS)],
            stdin=stdin,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2, result.stderr
    assert result.stderr == "error: standard output: No space left on device\n"


def test_a_request_is_a_path_only_when_it_names_one(tmp_path: Path) -> None:
    long = "add RDS rotation to my secret management system " * 8  # over 255 bytes
    assert run_cli("plan", long).returncode == 0
    nowhere = run_cli("plan", "specs/nowhere.yaml")
    assert nowhere.returncode == 2 and "no such spec file" in nowhere.stderr
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    blocked = run_cli("plan", str(fifo))
    assert blocked.returncode == 2 and "not a regular file" in blocked.stderr


@pytest.mark.parametrize(
    "error",
    [
        __import__("yaml").YAMLError("a parser's own error"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
        RecursionError("maximum recursion depth exceeded"),
        OSError(28, "No space left on device", "/some/file"),
    ],
    ids=["yaml", "decode", "recursion", "os"],
)
def test_input_errors_that_escaped_a_reader_still_exit_2(
    monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    import engine.commands.plan

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(engine.commands.plan, "build_plan", fail)
    ran = run_cli("plan", str(RDS), env={"INFRAPLAN_DEBUG": ""})
    assert (
        ran.returncode == 2 and ran.stderr.startswith("error: ") and "Traceback" not in ran.stderr
    )
