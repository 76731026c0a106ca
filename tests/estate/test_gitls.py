"""In a git work tree the files come from `git ls-files`; the answer is the walk's, always."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from engine.estate import gitls
from engine.estate.discover import Discovery, RepoSpec, discover
from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FIXTURES = sorted((ROOT / "tests" / "fixtures" / "estates").iterdir())


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _both(root: Path, monkeypatch: pytest.MonkeyPatch, exclude: tuple[str, ...] = ()) -> Discovery:
    """Discover with git and with the walk; they must agree, and git must have answered."""
    assert gitls.git_files(root, 100, 5_000_000) is not None
    with_git = discover(RepoSpec("r", root), exclude=exclude)
    with monkeypatch.context() as m:
        m.setattr(gitls.shutil, "which", lambda name: None)
        walked = discover(RepoSpec("r", root), exclude=exclude)
    assert [(f.path, f.kind, f.size) for f in with_git.files] == [
        (f.path, f.kind, f.size) for f in walked.files
    ]
    assert with_git.diagnostics == walked.diagnostics
    assert with_git.skipped == walked.skipped
    return with_git


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_ignored_folders_nested_rules_and_excludes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(
        tmp_path / "repo",
        {
            ".gitignore": "build/\n*.secret.yaml\n!keep.secret.yaml\n",
            "main.tf": 'resource "null_resource" "a" {}\n',
            "build/out.yaml": "kind: ConfigMap\n",
            "apps/.gitignore": "local/\n*.tmp.yaml\n",
            "apps/app.yaml": "kind: Deployment\n",
            "apps/x.tmp.yaml": "kind: Secret\n",
            "apps/local/dev.yaml": "kind: ConfigMap\n",
            "apps/a.secret.yaml": "kind: Secret\n",
            "apps/keep.secret.yaml": "kind: ConfigMap\n",
            "node_modules/pkg/chart.yaml": "kind: ConfigMap\n",
            "examples/demo.yaml": "kind: ConfigMap\n",
            "tracked-then-ignored.yaml": "kind: ConfigMap\n",
            "gone.yaml": "kind: ConfigMap\n",
        },
    )
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "add", "-f", "build/out.yaml")  # tracked although ignored
    _git(root, "commit", "-q", "-m", "x")
    (root / "gone.yaml").unlink()  # tracked, deleted from the work tree
    (root / "untracked.yaml").write_text("kind: Service\n")
    (root / ".git" / "info" / "exclude").write_text("untracked.yaml\n")  # git alone sees it
    (root / "link.yaml").symlink_to("apps/app.yaml")
    (root / "outside.yaml").symlink_to("/etc/hostname")
    found = _both(root, monkeypatch, exclude=("examples/",))
    paths = [f.path for f in found.files]
    assert "untracked.yaml" in paths and "apps/keep.secret.yaml" in paths
    assert not {"build/out.yaml", "apps/x.tmp.yaml", "apps/local/dev.yaml", "gone.yaml"} & set(
        paths
    )
    assert found.skipped == {"excluded": 1}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_fixture_estates_agree(
    fixture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not fixture.is_dir():
        pytest.skip("not an estate")
    root = tmp_path / fixture.name
    shutil.copytree(fixture, root, symlinks=True)
    _git(root, "init", "-q")
    _both(root, monkeypatch)


def test_example_estate_agrees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for repo in sorted((EXAMPLES / "estate").iterdir()):
        root = tmp_path / repo.name
        shutil.copytree(repo, root, symlinks=True)
        _git(root, "init", "-q")
        assert _both(root, monkeypatch).files


def test_a_nested_repository_or_odd_name_falls_back_to_the_walk(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo", {"a.yaml": "kind: A\n", "inner/b.yaml": "kind: B\n"})
    _git(root, "init", "-q")
    _git(root / "inner", "init", "-q")
    assert gitls.git_files(root, 100, 5_000_000) is None
    assert [f.path for f in discover(RepoSpec("r", root)).files] == ["a.yaml", "inner/b.yaml"]


def test_not_a_work_tree_is_walked(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo", {"a.yaml": "kind: A\n"})
    assert gitls.git_files(root, 100, 5_000_000) is None
