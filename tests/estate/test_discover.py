"""Discovery: .gitignore, skipped folders, symlinks, classification, repository names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.core.errors import InputError
from engine.estate.discover import RepoSpec, classify, discover, parse_repo_args


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_gitignore_and_skipped_folders(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".gitignore": "*.generated.yaml\nbuild/\n!keep.generated.yaml\n",
            "apps/a.yaml": "a: 1",
            "apps/b.generated.yaml": "b: 1",
            "apps/keep.generated.yaml": "c: 1",
            "build/out.yaml": "d: 1",
            "sub/.gitignore": "local.yaml\n",
            "sub/local.yaml": "e: 1",
            "sub/other.yaml": "f: 1",
            ".git/config.yaml": "x: 1",
            "envs/dev/.terraform/modules/m/main.tf": "x",
            "envs/dev/main.tf": "",
            "README.md": "",
        },
    )
    found = discover(RepoSpec("r", tmp_path))
    assert [f.path for f in found.files] == [
        "apps/a.yaml",
        "apps/keep.generated.yaml",
        "envs/dev/main.tf",
        "sub/other.yaml",
    ]


def test_symlinks_never_leave_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    outside = tmp_path / "secret.yaml"
    outside.write_text("password: x")
    _tree(repo, {"a.yaml": "a: 1"})
    os.symlink(outside, repo / "out.yaml")
    os.symlink(repo / "a.yaml", repo / "inside.yaml")
    os.symlink(repo / "missing.yaml", repo / "dangling.yaml")
    os.symlink(repo / "loop.yaml", repo / "loop.yaml")
    os.symlink(repo, repo / "self")
    found = discover(RepoSpec("r", repo))
    assert sorted(f.path for f in found.files) == ["a.yaml", "inside.yaml"]
    reasons = {d.path: d.reason for d in found.diagnostics}
    assert "outside the repository" in reasons["out.yaml"]
    assert "dangling" in reasons["dangling.yaml"]
    assert "loop" in reasons["loop.yaml"]
    assert "not followed" in reasons["self"]


def test_oversized_files_are_diagnostics(tmp_path: Path) -> None:
    _tree(tmp_path, {"big.yaml": "a: " + "x" * 500, "small.yaml": "a: 1"})
    found = discover(RepoSpec("r", tmp_path), max_file_bytes=100)
    assert [f.path for f in found.files] == ["small.yaml"]
    assert "too large" in found.diagnostics[0].reason


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("main.tf", "terraform"),
        ("envs/prod/prod.tfvars", "tfvars"),
        ("x.tf.json", "skip:terraform-json"),
        ("CODEOWNERS", "codeowners"),
        (".github/CODEOWNERS", "codeowners"),
        ("docs/CODEOWNERS", "codeowners"),
        ("src/CODEOWNERS", None),
        (".github/workflows/ci.yml", "workflow"),
        ("charts/app/Chart.yaml", "chart"),
        ("charts/app/values.yaml", "helm-values"),
        ("charts/app/values-prod.yaml", "helm-values"),
        ("charts/app/templates/deployment.yaml", "skip:helm-template"),
        ("charts/app/templates/sub/x.yaml", "skip:helm-template"),
        ("other/templates/x.yaml", "yaml"),
        (".sops.yaml", "skip:sops-config"),
        ("notes.txt", None),
    ],
)
def test_classification(path: str, kind: str | None) -> None:
    assert classify(path, {"charts/app"}) == kind


def test_repo_arguments(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "a").mkdir(parents=True)
    specs = parse_repo_args([f"tf={tmp_path / 'a'}", str(tmp_path / "b")])
    assert [(s.name, s.root.name) for s in specs] == [("tf", "a"), ("b", "b")]
    with pytest.raises(InputError, match="two repositories are named"):
        parse_repo_args([str(tmp_path / "a"), str(tmp_path / "b" / "a")])
    with pytest.raises(InputError, match="not a folder"):
        parse_repo_args([str(tmp_path / "nope")])
