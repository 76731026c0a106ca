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


def _git(root: Path, args: list[str]) -> list[str] | None:
    git = shutil.which("git")
    if git is None:
        return None
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    try:
        done = subprocess.run(
            [git, *_OPTIONS, *args],
            cwd=root,
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0 or done.stderr.strip():
        return None
    try:
        return [p for p in done.stdout.decode("utf-8").split("\0") if p]
    except UnicodeDecodeError:  # a name that is not UTF-8: the walk reports it
        return None


def git_files(root: Path, max_depth: int, max_bytes: int) -> list[str] | None:
    """The work tree's files (posix paths relative to `root`) as the walk would find them before
    its own checks, or None when git cannot answer exactly that."""
    if not (root / ".git").exists():
        return None  # not the top of a work tree: the walk reads only .gitignore files below
    listed = _git(root, [*_LIST, "--cached", "--others"])
    # no index file: nothing is tracked, so nothing tracked is ignored (one git process fewer)
    untracked_only = (root / ".git").is_dir() and not (root / ".git" / "index").exists()
    tracked_ignored = [] if untracked_only else _git(root, [*_LIST, "--cached", "--ignored"])
    if listed is None or tracked_ignored is None:
        return None
    drop = set(tracked_ignored)
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
