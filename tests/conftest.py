"""Shared fixtures: the bundled knowledge base, spec writing, the command line in-process, and
the real `infraplan` entry point for the contract tests that need a separate process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.decide.base import KnowledgeBase, load_knowledge_base

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# a spec `check` rejects (it declares low risk for a change the rules rate higher)
VIOLATING = """enhancement:
  name: karpenter-upgrade-optimization
  category: cost-optimization
  scope: cluster-wide
planning_agents:
  - cleanup-specialist: "Identify optimization opportunities"
risk: low
"""
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@dataclass
class Ran:
    """What a command did: like subprocess.CompletedProcess, for in-process runs too."""

    returncode: int
    stdout: str
    stderr: str


_cwd_lock = threading.Lock()


@contextmanager
def _working_directory(cwd: Path | None) -> Iterator[None]:
    with _cwd_lock:
        here = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            yield
        finally:
            os.chdir(here)


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, internal: bool = False
) -> Ran:
    """The command line, in this process (click's CliRunner). A bug (exit 3) fails the test with
    its traceback, unless `internal` says the test expects one."""
    from click.testing import CliRunner

    from engine.__main__ import command_line
    from engine.core import limits

    main = command_line().main
    try:
        with _working_directory(cwd):
            result = CliRunner(env={"INFRAPLAN_DEBUG": "1", **(env or {})}).invoke(
                main, list(args), catch_exceptions=True
            )
    finally:
        limits.configure()  # what a run's environment set must not outlive it
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if result.exit_code == 3 and not internal:
        raise AssertionError(f"internal error in `infraplan {' '.join(args)}`:\n{result.stderr}")
    return Ran(result.exit_code, result.stdout, result.stderr)


def infraplan_command() -> list[str]:
    """The installed console script when there is one, else the same entry point via python."""
    script = Path(sys.executable).parent / "infraplan"
    if script.exists():
        return [str(script)]
    found = shutil.which("infraplan")
    if found:
        return [found]
    return [sys.executable, "-m", "engine"]


def run_entry_point(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `infraplan` in its own process: for contract tests (exit codes, no traceback,
    imports at start-up, hash seeds, a network guard)."""
    full_env = {**os.environ, **(env or {})}
    if infraplan_command()[0] == sys.executable:
        full_env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [*infraplan_command(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


# The files that take longest, started first: pytest-xdist (`--dist loadfile`) hands files to
# the workers in collection order, so a long file collected last would leave the other workers
# idle at the end. Longest first (measured with --durations); files not named keep their order.
LONGEST_FIRST = (
    "tests/judgement/test_coherence.py",
    "tests/plan/test_llm.py",
    "tests/commands/test_precommit.py",
    "tests/hostile/test_resources.py",
    "tests/judgement/test_judgement_first.py",
    "tests/judgement/test_judgement_holdout_1.py",
    "tests/judgement/test_judgement_holdout_2.py",
    "tests/judgement/test_judgement_holdout_3.py",
    "tests/judgement/test_judgement_holdout_4.py",
    "tests/judgement/test_judgement_holdout_5.py",
    "tests/audit/test_report.py",
    "tests/plan/test_determinism.py",
    "tests/commands/test_readme.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}

    def key(item: pytest.Item) -> int:
        return rank.get(item.nodeid.split("::", 1)[0], len(rank))

    items.sort(key=key)  # stable: within a file, and among the others, the order stays
