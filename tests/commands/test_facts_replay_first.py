"""A first run of `facts` — no entry of its output cache to check — keys its output from its own
listing and reading (engine/estate/observed.py, engine/commands/facts_replay.py `_store`): each
repository is walked once and each file read once, not a second time for the key before the
run; and the key stored is the key of those inputs computed from scratch, exclude patterns,
files left out and diagnostics included."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from engine.commands import facts_replay, outcache, outentry
from engine.commands.facts_argv import parse
from engine.estate import discover
from engine.estate.observed import Observation
from tests.commands.test_facts_replay import CONFIGMAP, MARKER, _entries, _tamper
from tests.commands.test_facts_replay_check import _main, _process_streams, _read_as_the_command
from tests.conftest import run_cli

pytestmark = pytest.mark.skipif(
    os.name != "posix" or shutil.which("git") is None, reason="POSIX and git only"
)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def estate(tmp_path: Path) -> tuple[Path, Path]:
    """A git work tree whose `.infraplan.yaml` excludes a folder, and a plain folder holding a
    manifest that is not a regular file (a diagnostic)."""
    tracked, plain = tmp_path / "tracked", tmp_path / "plain"
    _write(tracked / "a.yaml", CONFIGMAP.format(name="a"))
    _write(tracked / "sub/b.yaml", CONFIGMAP.format(name="b"))
    _write(tracked / "main.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    _write(tracked / "skip/x.yaml", CONFIGMAP.format(name="x"))
    _write(tracked / ".infraplan.yaml", "exclude: [skip/]\n")
    subprocess.run(["git", "init", "-q"], cwd=tracked, check=True)
    _write(plain / "c.yaml", CONFIGMAP.format(name="c"))
    os.mkfifo(plain / "pipe.yaml")
    return tracked, plain


def _counted(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], list[str]]:
    """Each walk of a repository (by the command or for the key), each file the key reads."""
    walks: Counter[str] = Counter()
    digested: list[str] = []
    walk, content_digest = discover.walk, outcache._content_digest

    def counted_walk(repo: Any, *args: Any, **kwargs: Any) -> Any:
        walks[repo.root.name] += 1
        return walk(repo, *args, **kwargs)

    def counted_digest(path: str, limit: int) -> str:
        digested.append(path)
        return content_digest(path, limit)

    monkeypatch.setattr(discover, "walk", counted_walk)
    monkeypatch.setattr(outcache, "walk", counted_walk)
    monkeypatch.setattr(outcache, "_content_digest", counted_digest)
    return walks, digested


def test_a_first_run_lists_and_reads_each_repository_once(
    estate: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracked, plain = estate
    cache = tmp_path / "cache"
    args = [f"t={tracked}", f"p={plain}", "--format", "json"]
    argv = ["facts", *args, "--cache-dir", str(cache)]
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")  # (not the cache's folder: an input)
    without = run_cli("facts", *args, "--no-cache")
    monkeypatch.setattr(facts_replay, "FRESH_NS", 0)  # as if the files were old: no key again
    walks, digested = _counted(monkeypatch)
    assert _main(argv, monkeypatch) == (0, without.stdout, "")
    assert walks == {"tracked": 1, "plain": 1}
    # of the repositories' files, the key read the settings (before the run) and the one file
    # the command did not read, excluded
    assert sorted(p for p in digested if p.startswith(str(tmp_path))) == [
        str(tracked / ".infraplan.yaml"),
        str(tracked / "skip/x.yaml"),
    ]
    (path,) = _entries(cache)
    entry = outentry.read_entry(str(path))
    parsed = parse(argv)
    assert entry is not None and parsed is not None and entry["dirs"]
    with _process_streams(monkeypatch):  # (the standard streams are inputs)
        assert entry["key"] == facts_replay._Key(parsed, {}).resolved(parsed)  # from scratch
    # a, sub/b, main.tf, .infraplan.yaml (read as YAML too), c: not the excluded file, the pipe
    assert entry["total"] == 5
    assert str(tracked / "skip/x.yaml") in entry["stats"]
    assert str(plain / "pipe.yaml") in entry["stats"]  # (left out, yet what it is is an input)
    assert "not a regular file" in without.stdout


@pytest.mark.parametrize("edited", ["skip/x.yaml", "a.yaml"], ids=["excluded", "read"])
def test_after_a_first_run_an_edit_is_a_miss(
    estate: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edited: str
) -> None:
    """A same-size edit, to a file the run read or to one its exclude patterns left out (read
    for the key alone), is a miss — and without it, the entry is replayed."""
    tracked, plain = estate
    cache = tmp_path / "cache"
    argv = ["facts", f"t={tracked}", f"p={plain}", "--format", "json", "--cache-dir", str(cache)]
    monkeypatch.chdir(tmp_path)
    first = _main(argv, monkeypatch)
    assert first[0] == 0
    _tamper(cache)
    assert _main(argv, monkeypatch)[1] == MARKER.decode()
    path = tracked / edited
    path.write_text(path.read_text().replace("name: ", "name: z", 1)[:-1])
    again = _main(argv, monkeypatch)
    assert MARKER.decode() not in again[1] and again[0] == 0
    assert again[1] == run_cli("facts", *argv[1:-2], "--no-cache").stdout


def test_a_run_that_did_not_list_a_repository_is_not_stored(
    estate: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key's repositories come from the run's own listing: without it, nothing is stored."""
    tracked, plain = estate
    monkeypatch.chdir(tmp_path)
    args = parse(["facts", f"t={tracked}", f"p={plain}", "--cache-dir", str(tmp_path / "c")])
    assert args is not None
    before = facts_replay._Key(args, {}, listed=False)
    before.resolved(args)
    path = str(tmp_path / "entry.bin")
    output = {"rc": 0, "stdout": b"out", "stderr": b"", "files": {}}
    with pytest.raises(outentry.Unusual):
        facts_replay._store(args, before, time.time_ns(), output, path, Observation())
    assert not os.path.exists(path)


def test_a_config_changed_before_the_run_read_it_is_not_stored(
    estate: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repository's `.infraplan.yaml` is taken before a first run (its settings are read
    before its files are listed); changed before the command read it, the run is not stored
    — though the command's own listing holds the new one as a file it read."""
    tracked, plain = estate
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    argv = ["facts", f"t={tracked}", f"p={plain}", "--cache-dir", str(tmp_path / "cache")]
    args = parse(argv)
    assert args is not None
    before = facts_replay._Key(args, {}, listed=False)
    before.resolved(args)
    (tracked / ".infraplan.yaml").write_text("exclude: [sub/]\n")
    seen = _read_as_the_command(args)
    path = str(tmp_path / "entry.bin")
    output = {"rc": 0, "stdout": b"out", "stderr": b"", "files": {}}
    started = time.time_ns() + 10 * outentry.FRESH_NS  # (as if the files were old)
    facts_replay._store(args, before, started, output, path, seen)
    assert not os.path.exists(path)
