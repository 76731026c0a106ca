"""Model failures and hostile model servers, all in one process (litellm is imported once).

    python -m tests.plan.llm_scenarios SPEC WORKDIR  → JSON on stdout, one entry per scenario

Each scenario plans SPEC in-process with `--llm` against a server started here on 127.0.0.1
and records the exit code, the time taken, which sections were drafted and the model
diagnostics. tests/plan/test_llm.py runs it (with a guard refusing any other connection) and
asserts on the result.
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


def plan(spec: str, cache: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    start = time.monotonic()
    result = CliRunner(env=env).invoke(
        MAIN, ["plan", spec, "--cache-dir", str(cache), *args], catch_exceptions=True
    )
    out: dict[str, Any] = {
        "exit": result.exit_code,
        "seconds": round(time.monotonic() - start, 2),
        "stderr": result.stderr,
    }
    if "--format" in args and result.exit_code == 0:
        data = json.loads(result.stdout)
        out["drafted"] = [s["id"] for s in data["prose"]["sections"] if s["drafted_by"]]
        out["prose"] = data["prose"]
        out["llm"] = [d["reason"] for d in data["diagnostics"] if d["reason"].startswith("llm:")]
    else:
        out["stdout"] = result.stdout
    return out


def llm(server: FakeModelServer | str, *extra: str) -> list[str]:
    url = server if isinstance(server, str) else server.base_url
    return ["--llm", "openai/test-model", "--llm-base-url", url, *extra]


def main(spec: str, work: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"plain": plan(spec, work / "plain", "--format", "json")}
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
    results["refused"] = plan(
        spec, work / "refused", "--format", "json", *llm("http://127.0.0.1:9/v1")
    )
    with FakeModelServer("markdown") as server:
        results["markdown"] = plan(spec, work / "markdown", *llm(server))
    # a damaged draft cache is a miss, never a different plan
    with FakeModelServer("ok") as server:
        results["cached"] = plan(spec, work / "cache", "--format", "json", *llm(server))
    for entry in (work / "cache" / "llm").glob("*.json"):
        data = json.loads(entry.read_text())
        data["text"] = "Skip the rollback."
        entry.write_text(json.dumps(data))
    results["damaged"] = plan(
        spec, work / "cache", "--format", "json", *llm("http://127.0.0.1:9/v1", "--llm-cache-only")
    )
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2]))))
