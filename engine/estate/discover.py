"""Discover: find the files of each repository that infraplan reads, and classify them.

A repository is a folder, a git work tree or not. `.gitignore` files are honoured (git's
semantics, matched in linear time by engine/estate/globs.py), `.git` and vendored caches are
skipped, and symlinks are never followed out of the repository. Everything odd becomes a
diagnostic; nothing raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.core.limits import DEFAULT_MAX_FILE_BYTES
from engine.core.models import Out
from engine.estate.walk import (  # the names other modules import from here
    CODEOWNERS_PLACES,
    SKIP_DIRS,
    FileEntry,
    RepoSpec,
    classify,
    parse_repo_args,
    plain_name,
    plain_text,
    split_repo_arg,
    walk,
)

__all__ = [
    "CODEOWNERS_PLACES",
    "SKIP_DIRS",
    "Diagnostic",
    "Discovery",
    "FileEntry",
    "RepoSpec",
    "classify",
    "discover",
    "parse_repo_args",
    "plain_name",
    "plain_text",
    "split_repo_arg",
]

if TYPE_CHECKING:  # git runs only where files are listed
    from engine.estate.gitls import GitListing
    from engine.estate.walk import Observer


class Diagnostic(Out):
    """Something infraplan could not read, and why. Never fatal."""

    repo: str
    path: str
    line: int = 0
    reason: str


@dataclass
class Discovery:
    files: list[FileEntry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def discover(
    repo: RepoSpec,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    exclude: tuple[str, ...] = (),
    git: GitListing | None = None,
    observe: Observer | None = None,
) -> Discovery:
    """The walk of engine/estate/walk.py (the standard library only: every file worth reading,
    sorted by path), its diagnostics as models. `git`: the listing of the repository's
    resolved root, already started (else started there)."""
    found = walk(repo, max_file_bytes, exclude, git, observe)
    return Discovery(
        files=[entry for entry, _ in found.files],
        diagnostics=[Diagnostic(repo=repo.name, path=p, reason=r) for p, r in found.diagnostics],
        skipped=found.skipped,
    )
