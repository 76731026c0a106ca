"""When a file entered git: the first commit that touched it, read with `git log` (read-only).

Used by `infraplan report` for lead times. Git's recorded commit times are the same on every
machine; a file outside a work tree, not committed, or a machine without git gives None, never
an error and never a guess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from engine.core.models import Out

GIT_TIMEOUT = 30


class Commit(Out):
    sha: str
    time: int  # committer time, seconds since the epoch (UTC)


def work_tree_of(path: Path) -> Path | None:
    """The git work tree holding a path, or None."""
    folder = path if path.is_dir() else path.parent
    return next((p for p in [folder, *folder.parents] if (p / ".git").exists()), None)


def first_commit(path: Path) -> Commit | None:
    """The first commit that touched a file at this path, or None. Renames are not followed:
    git's --follow takes a copy for a rename, and a spec copied from another would inherit its
    history."""
    resolved = path.resolve()
    root = work_tree_of(resolved)
    git = shutil.which("git")
    if root is None or git is None:
        return None
    env = {
        **os.environ,
        "LC_ALL": "C",
        "GIT_PAGER": "cat",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
    }
    try:
        ran = subprocess.run(
            [
                git,
                "-C",
                str(root),
                "log",
                "--topo-order",  # parents after children: the last line is the first commit
                "--format=%H %ct",
                "--",
                resolved.relative_to(root).as_posix(),
            ],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = ran.stdout.split("\n") if ran.returncode == 0 else []
    commits = [line.split(" ") for line in lines if line.strip()]
    if not commits or len(commits[-1]) != 2 or not commits[-1][1].isdigit():
        return None
    sha, seconds = commits[-1]
    return Commit(sha=sha, time=int(seconds))
