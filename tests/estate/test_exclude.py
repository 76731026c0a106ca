"""`exclude:` globs (gitignore-style, on top of .gitignore) leave files out, counted as skipped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.scan import ScanOptions, scan_estate

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n"


def _repo(write: Callable[[str, str], Path]) -> None:
    write("repo/apps/a.yaml", CM % "a")
    write("repo/generated/b.yaml", CM % "b")
    write("repo/apps/c.rendered.yaml", CM % "c")


def test_exclude_globs_leave_files_out(
    kb: KnowledgeBase, write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    _repo(write)
    estate = scan_estate(
        [RepoSpec("repo", tmp_path / "repo")],
        kb.knowledge,
        ScanOptions(exclude=["generated/", "*.rendered.yaml"]),
    )
    assert [o.name for o in estate.objects] == ["a"]
    assert estate.repos[0].skipped == {"excluded": 2}


def test_exclude_in_the_repository_config(
    kb: KnowledgeBase, write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    _repo(write)
    write("repo/.infraplan.yaml", "exclude: [generated/]\n")
    estate = scan_estate([RepoSpec("repo", tmp_path / "repo")], kb.knowledge)
    assert sorted(o.name for o in estate.objects) == ["a", "c"]
