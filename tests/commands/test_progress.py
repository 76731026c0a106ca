"""Progress on stderr for large estates: on a terminal only, never under --quiet, never in the
output."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from engine.commands.common import PROGRESS_FROM_FILES, knowledge_only, read_estate
from engine.commands.settings import Flags, Settings, resolve
from engine.estate.discover import RepoSpec
from tests.conftest import run_entry_point


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("large")
    for i in range(PROGRESS_FROM_FILES + 20):
        folder = root / f"apps/app-{i // 50}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"cm-{i}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n"
        )
    return root


def test_progress_on_a_terminal_with_cache_hits(
    large: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(repos=[RepoSpec("large", large)], cache_dir=tmp_path, jobs=1, progress=True)
    knowledge = knowledge_only(settings)
    total = PROGRESS_FROM_FILES + 20
    read_estate(settings, knowledge)
    err = capsys.readouterr().err
    assert f"\rreading files {total}/{total} (0 from the cache)\n" in err
    read_estate(settings, knowledge)
    assert f"reading files {total}/{total} ({total} from the cache)" in capsys.readouterr().err


def test_no_progress_when_stderr_is_not_a_terminal(large: Path, tmp_path: Path) -> None:
    done = run_entry_point("facts", str(large), "--cache-dir", str(tmp_path), "--format", "json")
    assert done.returncode == 0
    assert "reading files" not in done.stderr and "reading files" not in done.stdout


def test_quiet_turns_progress_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert resolve(Flags(), cwd=tmp_path).progress is True
    assert resolve(Flags(quiet=True), cwd=tmp_path).progress is False
