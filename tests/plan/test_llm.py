"""Optional LLM prose through litellm, against real HTTP servers started on 127.0.0.1.

litellm itself is not mocked: the plan command talks to the test's servers over HTTP, every
scenario in one process (tests/plan/llm_scenarios.py) so that litellm is imported once. Every
connection off 127.0.0.1 is made to fail (a sitecustomize guard), and recorded.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import EXAMPLES, ROOT

# find, not import: importing litellm in the test process costs seconds and tries the network
if importlib.util.find_spec("litellm") is None:
    pytest.skip("the llm extra is not installed (pip install '.[llm]')", allow_module_level=True)

SECRETS = ROOT / "tests" / "fixtures" / "secrets-repo"
GUARD = """
import os, socket
_log = os.environ["INFRAPLAN_TEST_CONNECT_LOG"]
_connect = socket.socket.connect
def _guarded(self, address):
    if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "localhost"):
        with open(_log, "a") as f:
            f.write(repr(address) + "\\n")
        raise OSError("connection refused by the test guard")
    return _connect(self, address)
socket.socket.connect = _guarded
"""
Scenarios = dict[str, Any]


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Scenarios:
    """Every scenario of tests/plan/llm_scenarios.py, run once."""
    work = tmp_path_factory.mktemp("llm")
    spec = work / "rds.yaml"
    spec.write_text(
        (EXAMPLES / "specs" / "rds-rotation.yaml")
        .read_text()
        .replace(
            'summary: "I want to add RDS rotation to my secret management system"',
            'summary: "I want to add RDS rotation to my secret management system; the old password=FAKE-SECRET-summary-0099 must go"',
        )
    )
    (work / "guard").mkdir()
    (work / "guard" / "sitecustomize.py").write_text(GUARD)
    result = subprocess.run(
        [sys.executable, "-m", "tests.plan.llm_scenarios", str(spec), str(SECRETS), str(work)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PYTHONPATH": f"{work / 'guard'}:{ROOT}",
            "INFRAPLAN_TEST_CONNECT_LOG": str(work / "connections.log"),
            "HOME": str(work),
            "PATH": "",
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (work / "connections.log").exists(), (work / "connections.log").read_text()
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_drafted_plan_is_marked_and_decides_the_same(scenarios: Scenarios) -> None:
    plain, drafted = scenarios["plain"], scenarios["drafted"]
    assert plain["exit"] == drafted["exit"] == 0, drafted["stderr"]
    a, b = plain["plan"], drafted["plan"]
    assert a["decisions"] == b["decisions"]
    assert {k: v for k, v in a.items() if k != "prose"} == {
        k: v for k, v in b.items() if k != "prose"
    }
    sections = {s["id"]: s for s in b["prose"]["sections"]}
    assert set(sections) >= {
        "summary",
        "stage:assessment",
        "stage:deployment",
        "runbook:rollout",
        "runbook:rollback",
    }
    for section in sections.values():
        assert section["drafted_by"]["model"] == "openai/test-model"
        assert section["drafted_by"]["prompt_sha256"].startswith("sha256:")
        assert section["text"].startswith("Drafted wording.")
    assert all(s["drafted_by"] is None for s in a["prose"]["sections"])
    assert "✎ Drafted by the model `openai/test-model`" in drafted["markdown"]
    requests = drafted["requests"]
    assert len(requests) == len(sections)  # the markdown run came from the cache
    assert all(r["path"] == "/v1/chat/completions" for r in requests)


def test_no_secret_reaches_the_model(scenarios: Scenarios) -> None:
    sent = json.dumps([r["body"] for r in scenarios["drafted"]["requests"]])
    assert "FAKE-SECRET" not in sent and "RkFLRS1TRUNSRVQ" not in sent
    assert "password=[REDACTED]" in sent  # the spec's sentence was redacted, not dropped
    assert 'resource \\"aws_db_instance\\"' not in sent and "stringData" not in sent
    assert "Decision risk = medium" in sent  # decisions are what the model sees


def test_cache_only_rerender_is_byte_identical(scenarios: Scenarios) -> None:
    assert scenarios["replay"] == {"same": True, "asked": 0}


def test_llm_settings_from_environment(scenarios: Scenarios) -> None:
    run = scenarios["env"]
    assert run["exit"] == 0, run["stderr"]
    assert run["prose"]["sections"][0]["drafted_by"]["model"] == "openai/env-model"


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("error", "InternalServerError"),
        ("empty", "the answer was empty"),
        ("refuse", "the model refused"),
        ("slow", "timed out"),
        ("drip", "timed out"),
        ("huge", "over the limit of 200000"),
        ("chunked", "over the limit of 200000 bytes"),
        ("redirect", "redirected (307); not followed"),
        ("refused", "Connection"),
        ("uncached", "not in the cache (--llm-cache-only)"),
    ],
)
def test_failures_fall_back_to_template_prose(scenarios: Scenarios, mode: str, words: str) -> None:
    run = scenarios[mode]
    assert run["exit"] == 0, run["stderr"]
    assert run["drafted"] == [] and run["prose"] == scenarios["template"]["prose"]
    assert run["llm"] and all("template prose used" in r for r in run["llm"])
    assert words in run["llm"][0], run["llm"]
    assert "Traceback" not in run["stderr"]


@pytest.mark.parametrize("mode", ["slow", "drip", "refused"])
def test_the_first_timeout_or_refusal_stops_asking(scenarios: Scenarios, mode: str) -> None:
    run = scenarios[mode]
    assert all("not asked (the model server failed earlier" in r for r in run["llm"][1:])
    assert run["seconds"] < 15, run["seconds"]  # one timeout (2 s), not one per section


def test_no_redirect_is_followed(scenarios: Scenarios) -> None:
    assert scenarios["redirect"]["followed"] == 0


def test_all_drafts_of_a_plan_share_a_deadline(scenarios: Scenarios) -> None:
    run = scenarios["deadline"]
    assert run["exit"] == 0 and run["seconds"] < 8
    # 1.5 s an answer: one or two drafts fit in 3 s, and nothing is asked after the deadline
    assert 1 <= len(run["drafted"]) <= 2 and run["asked"] <= len(run["drafted"]) + 1
    assert len(run["llm"]) == 9 - len(run["drafted"])


def test_model_text_is_escaped_for_markdown(scenarios: Scenarios) -> None:
    out = scenarios["markdown"]["stdout"]
    assert scenarios["markdown"]["exit"] == 0
    assert "Take over" in out  # the text is there ...
    for raw in ("\n# Take over", "<script>", "[click](", "\x1b", "**bold**", "\n- item"):
        assert raw not in out, raw  # ... but never as Markdown, HTML or escapes
    assert "`https://evil.example/x`" in out and "\\[click\\](javascript" in out


def test_a_damaged_draft_cache_is_a_miss(scenarios: Scenarios) -> None:
    damaged = scenarios["damaged"]
    assert damaged["exit"] == 0 and damaged["drafted"] == []
    assert damaged["prose"] == scenarios["plain"]["prose"]
    assert all("not in the cache" in r for r in damaged["llm"])


def test_litellm_is_not_imported_without_llm() -> None:
    code = (
        "import sys\n"
        "from engine.__main__ import main\n"
        f"sys.argv = ['infraplan', 'plan', {str(EXAMPLES / 'specs' / 'rds-rotation.yaml')!r}, '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "assert 'litellm' not in sys.modules, 'litellm was imported'\n"
        "assert 'openai' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
