"""Shared fixtures: the bundled base, spec writing, and the real `infraplan` entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.plan import Base, load_base

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def base() -> Base:
    return load_base()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def infraplan_command() -> list[str]:
    """The installed console script when there is one, else the same entry point via python."""
    script = Path(sys.executable).parent / "infraplan"
    if script.exists():
        return [str(script)]
    found = shutil.which("infraplan")
    if found:
        return [found]
    return [sys.executable, "-m", "engine"]


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
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
