"""Listing a git work tree's files with git itself: `git ls-files` answers from the index and one
pass over the folders, faster than a walk that matches every path against `.gitignore` files.

The answer must be the walk's (engine/estate/discover.py), whether git is installed or not, so:
only `.gitignore` files decide what is ignored (not `.git/info/exclude` or a user's global
excludes, which the walk cannot see), tracked files that `.gitignore` matches are left out as
the walk leaves them out, and anything the walk would treat specially — a nested repository or
submodule, a name that is not UTF-8, a path deeper than the folder limit, a `.gitignore` that is
a symlink or too large, a git warning — makes this return None, and the walk runs instead.

A repository may be hostile: git runs with no system or global configuration, without
fsmonitor hooks, and with none of the caller's GIT_* variables.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

_OPTIONS = ["-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false"]
_LIST = ["ls-files", "-z", "--exclude-per-directory=.gitignore"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    return env


class _Git:
    """One git command, started now and answered when asked (so that several run at once)."""

    def __init__(self, root: Path, args: list[str]) -> None:
        git = shutil.which("git")
        self.process: subprocess.Popen[bytes] | None = None
        if git is None:
            return
        try:
            self.process = subprocess.Popen(
                [git, *_OPTIONS, *args],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=_env(),
            )
        except (OSError, subprocess.SubprocessError):
            self.process = None

    def answer(self) -> list[str] | None:
        """Its output's NUL-separated entries, or None (it failed or warned; no git)."""
        process = self.process
        if process is None:
            return None
        self.process = None
        try:
            out, err = process.communicate(timeout=120)
        except (OSError, subprocess.SubprocessError):
            process.kill()
            process.communicate()
            return None
        if process.returncode != 0 or err.strip():
            return None
        try:
            return [p for p in out.decode("utf-8").split("\0") if p]
        except UnicodeDecodeError:  # a name that is not UTF-8: the walk reports it
            return None


def _git(root: Path, args: list[str]) -> list[str] | None:
    return _Git(root, args).answer()


class GitListing:
    """`git ls-files` of a work tree, started when made: the listings of many repositories run
    side by side, each read when its repository's turn comes (`files`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.queries: tuple[_Git, _Git | None] | None = None
        if not (root / ".git").exists():
            return  # not the top of a work tree: the walk reads only .gitignore files below
        # no index file: nothing is tracked, so nothing tracked is ignored (one git process fewer)
        untracked_only = (root / ".git").is_dir() and not (root / ".git" / "index").exists()
        self.queries = (
            _Git(root, [*_LIST, "--cached", "--others"]),
            None if untracked_only else _Git(root, [*_LIST, "--cached", "--ignored"]),
        )

    def files(self, max_depth: int, max_bytes: int) -> list[str] | None:
        """The work tree's files (posix paths relative to the root) as the walk would find them
        before its own checks, or None when git cannot answer exactly that."""
        if self.queries is None:
            return None
        listing, ignored = self.queries
        self.queries = None
        listed = listing.answer()
        tracked_ignored = [] if ignored is None else ignored.answer()
        if listed is None or tracked_ignored is None:
            return None
        return _checked(self.root, listed, set(tracked_ignored), max_depth, max_bytes)

    def close(self) -> None:
        """Wait for what was started and not read (a listing left unused)."""
        for query in self.queries or ():
            if query is not None:
                query.answer()
        self.queries = None


def git_files(root: Path, max_depth: int, max_bytes: int) -> list[str] | None:
    """The work tree's files (posix paths relative to `root`) as the walk would find them before
    its own checks, or None when git cannot answer exactly that."""
    return GitListing(root).files(max_depth, max_bytes)


def _checked(
    root: Path, listed: list[str], drop: set[str], max_depth: int, max_bytes: int
) -> list[str] | None:
    files: list[str] = []
    for rel in sorted(set(listed) - drop):
        parts = rel.split("/")
        if rel.endswith("/") or ".." in parts or rel.startswith("/"):
            return None  # a nested repository, or a path git should never give
        if len(parts) - 1 > max_depth:
            return None  # the walk reports the folder that is too deep
        try:
            mode = os.lstat(root / rel).st_mode
        except FileNotFoundError:
            continue  # tracked, deleted from the work tree
        except OSError:
            return None  # the walk reports what it cannot read
        if stat.S_ISDIR(mode):
            return None  # a submodule: the walk reads into it
        if parts[-1] == ".gitignore" and (
            stat.S_ISLNK(mode) or (root / rel).stat().st_size > max_bytes
        ):
            return None  # the walk reports a .gitignore it cannot read
        files.append(rel)
    return files


def git_commit(root: Path) -> str | None:
    """The commit checked out in the work tree at `root`, or None (not a work tree, no git)."""
    if not (root / ".git").exists():
        return None
    out = _git(root, ["rev-parse", "--verify", "-q", "HEAD"])
    return out[0].strip() if out else None
