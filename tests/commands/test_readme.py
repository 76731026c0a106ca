"""The README's first command, exactly as written, in a fresh clone with a fresh virtual
environment: `pip install .` (not editable) resolves the dependencies the way pip is configured
on this machine, then `infraplan plan ... -o plan.json` must print the short summary and write
the plan, and the command the summary suggests must work.

Installing takes about 15 s when pip's cache holds the durable-rules wheel it built before, a
minute or so when it must compile it. The test is skipped only when a dependency cannot be had
from any package index configured here (it names it); any other failure is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.golden.regenerate import GOLDEN

pytestmark = pytest.mark.slow

# what pip prints when a dependency cannot be had from the indexes configured here
MISSING = re.compile(r"No matching distribution found for (\S+)")


def unobtainable(output: str, pip: Path, scratch: Path) -> str | None:
    """Why installing is impossible here, or None when it is not.

    pip names the first requirement it found nowhere. Installation is impossible only when that
    requirement is real — the environment running these tests has it installed — and pip, asked
    for it alone, cannot download it either. A misspelt or unsatisfiable requirement, or any
    other install error, is a failure.
    """
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import Requirement

    missing = MISSING.search(output)
    if missing is None or not pip.exists():
        return None
    wanted = Requirement(missing[1])
    try:
        if not wanted.specifier.contains(version(wanted.name), prereleases=True):
            return None
    except PackageNotFoundError:
        return None
    probe = subprocess.run(
        [str(pip), "download", "--no-deps", "--dest", str(scratch), missing[1]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if probe.returncode == 0:
        return None
    return f"pip cannot obtain {missing[1]} from the package indexes configured on this machine"


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def fresh_clone(target: Path) -> Path:
    """The project's files as a clone has them (tracked and new, not ignored), in a git work
    tree of their own: the working tree's changes are what is tested."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    return target


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to copy the working tree")
def test_readme_first_command_in_a_fresh_virtual_environment(tmp_path: Path) -> None:
    first = readme_commands()[0]
    assert first.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install . &&")
    clone = fresh_clone(tmp_path / "infraplan")
    # `python3` is this Python (3.11 or 3.12); nothing of the test's own environment leaks in
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    ran = subprocess.run(
        ["bash", "-c", first],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = ran.stdout + ran.stderr
    installed = (clone / ".venv" / "bin" / "infraplan").exists()
    if ran.returncode != 0 and not installed:
        reason = unobtainable(output, clone / ".venv" / "bin" / "pip", tmp_path / "probe")
        if reason:
            pytest.skip(f"installation is impossible here: {reason}")
    assert ran.returncode == 0, output[-4000:]

    # the short summary, after pip's output
    summary = ran.stderr[ran.stderr.index("Planned rds-rotation-integration") :]
    lines = summary.splitlines()
    assert lines[0] == (
        "Planned rds-rotation-integration: RDS credential rotation (pattern rds-rotation)"
    )
    assert lines[1] == "from examples/specs/rds-rotation.yaml and 3 repositories (68 files)."
    assert re.search(r"^risk +medium$", summary, re.M)
    assert re.search(r"^implementation_strategy +staged$", summary, re.M)
    assert "Needs attention before work starts: 6 findings." in lines
    assert (
        "Wrote plan.json (JSON: six stages, findings, decisions with reasons, rollout steps)."
        in lines
    )
    assert lines[-2] == "Next: infraplan explain plan.json risk"
    assert "Planned" not in ran.stdout  # stdout is pip's; the summary is not mixed into it
    readme = (clone / "README.md").read_text()
    assert summary == readme.split("```console\n", 1)[1].split("```", 1)[0]  # as the README shows

    # the file written: the same plan the golden test pins, from the installed package
    written = clone / "plan.json"
    assert json.loads(written.read_text())["decisions"]["risk"]["value"] == "medium"
    plan = json.loads(written.read_text())
    # a plan written to a file records where its spec lies relative to it (for verify)
    assert plan["inputs"]["spec"].pop("relative_to_plan") == "examples/specs/rds-rotation.yaml"
    golden = json.loads((GOLDEN / "spec-rds-rotation.json").read_text())
    golden["inputs"]["spec"].pop("relative_to_plan")
    assert plan == golden

    # and the next command, as the summary prints it
    explained = subprocess.run(
        [str(clone / ".venv" / "bin" / "infraplan"), "explain", "plan.json", "risk"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert explained.returncode == 0, explained.stderr
    assert "\nrisk = medium\n" in explained.stdout
