"""Command lines run each in a fresh process, as the pre-commit hook runs `infraplan check`, many
in one Python start-up: this driver loads nothing of the engine and forks once per command line.

    python -m tests.commands.fresh_runs < jobs.json > results.json

A job is `{"argv": [...], "env": {...}}` (env: added to this process's environment); a result
is `{"returncode", "stdout", "stderr", "plain", "pydantic"}`, where `plain` says whether the
command finished with plain models (engine/commands/check_plain.py) and `pydantic` whether
pydantic was ever imported. Linux and macOS only (os.fork).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any


def _child(job: dict[str, Any], folder: str) -> None:
    """In the forked process: run the command line with its output in files, then exit."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        handle = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(handle, fd)
        os.close(handle)
    os.environ.update(job.get("env", {}))
    sys.argv = ["infraplan", *job["argv"]]
    code = 0
    try:
        from engine.__main__ import main

        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        plain = getattr(sys.modules.get("engine.core.plainmodel"), "ACTIVE", False)
        with open(os.path.join(folder, "seen"), "w") as seen:
            json.dump({"plain": plain, "pydantic": "pydantic" in sys.modules}, seen)
    os._exit(code)


def run(job: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="infraplan-fresh-") as folder:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            try:
                _child(job, folder)
            finally:
                os._exit(99)
        _, status = os.waitpid(pid, 0)

        def read(name: str) -> str:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                return f.read()

        seen = json.loads(read("seen")) if os.path.exists(os.path.join(folder, "seen")) else {}
        return {
            "returncode": os.waitstatus_to_exitcode(status),
            "stdout": read("stdout"),
            "stderr": read("stderr"),
            **{"plain": None, "pydantic": None, **seen},
        }


def main() -> None:
    jobs = json.load(sys.stdin)
    json.dump([run(job) for job in jobs], sys.stdout)


if __name__ == "__main__":
    main()
