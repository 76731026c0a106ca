"""Optional LLM prose, every scenario in one process (litellm is imported once).

    python -m tests.plan.llm_scenarios SPEC SECRETS_REPO WORKDIR  → JSON on stdout

Each scenario plans SPEC in-process with `--llm` against a server started here on 127.0.0.1 —
a good one, a failing one, or a hostile one — and records the exit code, the time taken, which
sections were drafted, the model diagnostics and what the server received.
tests/plan/test_llm.py runs it under a guard that refuses (and records) any connection off
127.0.0.1, and asserts on the result.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from engine.__main__ import command_line
from tests.llm_server import FakeModelServer

MAIN = command_line().main
DEAD = "http://127.0.0.1:9/v1"  # the discard port: nothing listens, the connection is refused


def plan(spec: str, cache: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    start = time.monotonic()
    result = CliRunner(env=env).invoke(
        MAIN, ["plan", spec, "--cache-dir", str(cache), *args], catch_exceptions=True
    )
    out: dict[str, Any] = {
        "exit": result.exit_code,
        "seconds": round(time.monotonic() - start, 2),
        "stderr": result.stderr,
        "stdout": result.stdout,
    }
    if "json" in args and result.exit_code == 0:
        data = json.loads(result.stdout)
        out["plan"] = data
        out["drafted"] = [s["id"] for s in data["prose"]["sections"] if s["drafted_by"]]
        out["prose"] = data["prose"]
        out["llm"] = [d["reason"] for d in data["diagnostics"] if d["reason"].startswith("llm:")]
    return out


def llm(server: FakeModelServer | str, *extra: str) -> list[str]:
    url = server if isinstance(server, str) else server.base_url
    return ["--llm", "openai/test-model", "--llm-base-url", url, *extra]


def main(spec: str, secrets: str, work: Path) -> dict[str, Any]:
    repo = ["--repo", f"secrets={secrets}"]
    results: dict[str, Any] = {
        "plain": plan(spec, work / "plain", *repo, "--format", "json"),
        "template": plan(spec, work / "template", "--format", "json"),
    }
    with FakeModelServer("ok") as server:
        results["drafted"] = plan(spec, work / "ok", *repo, "--format", "json", *llm(server))
        results["drafted"]["markdown"] = plan(
            spec, work / "ok", *repo, *llm(server, "--llm-cache-only")
        )["stdout"]
        results["drafted"]["requests"] = server.requests
    with FakeModelServer("ok") as server:
        first = plan(spec, work / "replay", *llm(server))
    with FakeModelServer("error") as dead:
        again = plan(spec, work / "replay", *llm(dead, "--llm-cache-only"))
        results["replay"] = {
            "same": first["stdout"] == again["stdout"],
            "asked": len(dead.requests),
        }
    with FakeModelServer("ok") as server:
        env = {"INFRAPLAN_LLM_MODEL": "openai/env-model", "INFRAPLAN_LLM_BASE_URL": server.base_url}
        results["env"] = plan(spec, work / "env", "--format", "json", env=env)
    for mode in ("error", "empty", "refuse", "slow", "drip", "huge", "chunked"):
        with FakeModelServer(mode) as server:
            results[mode] = plan(
                spec, work / mode, "--format", "json", *llm(server, "--llm-timeout", "2")
            )
    with (
        FakeModelServer("ok") as elsewhere,
        FakeModelServer("redirect", redirect_to=elsewhere.base_url + "/chat/completions") as server,
    ):
        results["redirect"] = plan(spec, work / "redirect", "--format", "json", *llm(server))
        results["redirect"]["followed"] = len(elsewhere.requests)
    with FakeModelServer("sluggish") as server:
        results["deadline"] = plan(
            spec,
            work / "deadline",
            "--format",
            "json",
            *llm(server, "--llm-timeout", "10"),
            env={"INFRAPLAN_LLM_DEADLINE": "3"},
        )
        results["deadline"]["asked"] = len(server.requests)
    results["refused"] = plan(spec, work / "refused", "--format", "json", *llm(DEAD))
    with FakeModelServer("markdown") as server:
        results["markdown"] = plan(spec, work / "markdown", *llm(server))
    results["uncached"] = plan(
        spec, work / "uncached", "--format", "json", *llm(DEAD, "--llm-cache-only")
    )
    # a damaged draft cache is a miss, never a different plan
    for entry in (work / "ok" / "llm").glob("*.json"):
        data = json.loads(entry.read_text())
        data["text"] = "Skip the rollback."
        entry.write_text(json.dumps(data))
    results["damaged"] = plan(
        spec, work / "ok", *repo, "--format", "json", *llm(DEAD, "--llm-cache-only")
    )
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))))
