"""`check` with plain models (engine/commands/check_plain.py): byte for byte what the pydantic
run prints and exits with — on every spec the tests have (the examples behind the goldens, the
seed's, the judgement cases' specs, violating, waived and invalid specs) and on
generated ones — and finished without pydantic whenever the specs are valid.

The pydantic run is check_argv in this process (where pydantic is loaded, so it never runs
plain; tests/commands/test_check_argv.py holds it equal to click). The plain runs are fresh
processes, as the pre-commit hook starts them (tests/commands/fresh_runs.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.commands.test_check_argv import WAIVED, fast
from tests.conftest import EXAMPLES, ROOT, VIOLATING, Ran
from tests.judgement.harness import cases
from tests.seed_examples import SEED_KARPENTER, SEED_RDS, SEED_VM

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fresh processes by fork")

FORMATS = (["--format", "json"], ["--format", "sarif"], ["--format", "junit"])
# a waiver that excuses the violation, valid in every field
EXCUSED = VIOLATING + (
    "waivers:\n  - rule: policy.declared-risk-too-low\n    reason: a sandbox cluster\n"
    "    owner: '@lead'\n    expires: 2031-01-01\n"
)


def fresh(jobs: list[list[str]], cache: Path, env: dict[str, str] | None = None) -> list[Any]:
    """Each command line in its own fresh process, with the knowledge cache in `cache`."""
    ran = subprocess.run(
        [sys.executable, "-m", "tests.commands.fresh_runs"],
        input=json.dumps([{"argv": argv, "env": env or {}} for argv in jobs]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "XDG_CACHE_HOME": str(cache),
            "INFRAPLAN_DEBUG": "1",  # as fast() runs: a bug shows its traceback
        },
        timeout=600,
        check=True,
    )
    return json.loads(ran.stdout)


def same(result: dict[str, Any], argv: list[str]) -> bool:
    return Ran(result["returncode"], result["stdout"], result["stderr"]) == fast(*argv)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge cache folder, filled by one run (the first run cannot be plain)."""
    folder = tmp_path_factory.mktemp("cache")
    (first,) = fresh([["check", str(EXAMPLES / "specs" / "rds-rotation.yaml")]], folder)
    assert first["returncode"] == 0 and not first["plain"], first
    return folder


def valid_specs(folder: Path) -> list[str]:
    """Every valid spec the tests have: examples, the seed's, the judgement cases', and specs
    that violate a rule or waive it (the cases' variants differ from their case in words only:
    the words are read by the same code either way)."""
    texts = {
        "seed-rds": SEED_RDS,
        "seed-karpenter": SEED_KARPENTER,
        "seed-vm": SEED_VM,
        "violating": VIOLATING,
        "excused": EXCUSED,
    }
    for case in cases():
        if "spec" in case:
            texts[case["id"]] = yaml.safe_dump(case["spec"], sort_keys=False)
    paths = [str(p) for p in sorted((EXAMPLES / "specs").glob("*.yaml"))]
    for name, text in texts.items():
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def test_valid_specs_run_plain_as_with_pydantic(cache: Path, tmp_path: Path) -> None:
    specs = valid_specs(tmp_path)
    assert len(specs) > 100
    # every spec in text and JSON; a sample in the other formats and on a later day (the
    # excused spec's waiver has expired by then)
    sample = [*specs[:24], str(tmp_path / "excused.yaml")]
    runs = [
        ["check", *specs],
        ["check", *specs, "--format", "json"],
        *(["check", *sample, *f] for f in FORMATS[1:]),
        ["check", *sample, "--today", "2031-06-01"],
        ["check", specs[0]],
    ]
    for argv, result in zip(runs, fresh(runs, cache), strict=True):
        assert result["plain"] and not result["pydantic"], (argv, result["stderr"])
        assert same(result, argv), argv
    assert fresh(runs[:1], cache)[0]["returncode"] == 1  # the violating spec fails


def test_output_files_as_with_pydantic(cache: Path, tmp_path: Path) -> None:
    spec = str(EXAMPLES / "specs" / "karpenter-upgrade.yaml")
    ours, theirs = tmp_path / "ours.json", tmp_path / "theirs.json"
    (result,) = fresh([["check", spec, "--format", "json", "-o", str(ours)]], cache)
    assert result["plain"]
    assert same(result, ["check", spec, "--format", "json", "-o", str(theirs)])
    assert ours.read_text() == theirs.read_text()


INVALID = {
    "typo.yaml": "enhancement:\n  name: x\n  categroy: security\n",
    "broken.yaml": "enhancement:\n  name: x\n  scope: [\n",
    "empty.yaml": "",
    "list.yaml": "- enhancement\n",
    "waived.yaml": WAIVED,  # a key waivers do not have
    "category.yaml": "enhancement: {name: x, category: secrets, scope: local}\n",
    "agent.yaml": SEED_KARPENTER + "  - karpenter-wizard: tune\n",
    "risk.yaml": SEED_KARPENTER + "risk: enormous\n",
    "name.yaml": SEED_KARPENTER.replace("name: ", "name: Not_Kebab ", 1),
    "number.yaml": "enhancement: {name: x, category: security, scope: local, summary: 42}\n",
    "yes.yaml": SEED_KARPENTER + "feature_flag: yes\nrequest_path: 'true'\n",
    "quoted-date.yaml": VIOLATING + "waivers: [{rule: a.b, owner: me, expires: '2030-01-01'}]\n",
    "datetime.yaml": VIOLATING + "waivers: [{rule: a.b, owner: me, expires: 2030-01-01 10:00}]\n",
    "unknown-rule.yaml": VIOLATING + "waivers: [{rule: policy.nothing, owner: me, reason: r}]\n",
    "scalar-list.yaml": "enhancement: {name: x, category: security, scope: local, repos: a}\n",
    "null.yaml": SEED_KARPENTER + "rollback:\nowners: [~]\n",
    "duplicate.yaml": SEED_KARPENTER + "risk: low\nrisk: high\n",
}


def test_invalid_specs_as_with_pydantic(cache: Path, tmp_path: Path) -> None:
    """Each alone (so that one cannot hide another), then all with a valid one."""
    paths = []
    for name, text in INVALID.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    (tmp_path / "binary.yaml").write_bytes(b"enhancement: \xff\n")
    paths += [str(tmp_path / "binary.yaml"), str(tmp_path / "missing.yaml"), str(EXAMPLES)]
    runs = [["check", p] for p in paths]
    runs += [["check", str(EXAMPLES / "specs" / "rds-rotation.yaml"), *paths, "--format", "json"]]
    for argv, result in zip(runs, fresh(runs, cache), strict=True):
        assert same(result, argv), (argv, result)


def test_a_first_run_fills_the_cache_then_runs_plain(tmp_path: Path) -> None:
    argv = ["check", str(EXAMPLES / "specs" / "rds-rotation.yaml")]
    first, second = fresh([argv, argv], tmp_path)
    assert (first["plain"], second["plain"]) == (False, True)
    assert same(first, argv) and same(second, argv)


def test_turned_off_it_runs_with_pydantic(cache: Path) -> None:
    argv = ["check", str(EXAMPLES / "specs" / "rds-rotation.yaml")]
    (result,) = fresh([argv], cache, env={"INFRAPLAN_PLAIN_CHECK": "0"})
    assert not result["plain"] and result["pydantic"] and same(result, argv)


# generated specs: valid fields and values next to what pydantic converts or refuses
TEXT = st.sampled_from(["", "Rotate the prod database password", "Upgrade Karpenter to v1", "x"])
ODD = st.sampled_from([42, 1.5, True, None, [], {}, "yes", "2030-01-01", ["a", 1]])
ENHANCEMENT = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["rds-rotation-integration", "karpenter-upgrade", "a-b", "Bad"]),
        "category": st.sampled_from(["secret-management", "tool-upgrade", "security", "nope"]),
        "scope": st.sampled_from(["multi-environment", "cluster-wide", "local", "multi-cluster"]),
    },
    optional={
        "summary": TEXT | ODD,
        "pattern": st.sampled_from(["", "rds-rotation", "karpenter-upgrade", "unknown"]),
        "environments": st.lists(st.sampled_from(["prod", "Staging", " dev ", "moon", 3])),
        "clusters": st.lists(st.sampled_from(["eu-1", "us-1"])) | ODD,
        "repos": st.lists(st.sampled_from(["infra-tf", "infra-flux"])),
        "target_version": st.sampled_from(["", "1.0", "v16"]) | ODD,
        "colour": st.just("blue"),
    },
)
AGENT = st.sampled_from(
    ["secret-guardian", "flux-navigator", "cleanup-specialist", "unknown-agent"]
) | st.dictionaries(
    st.sampled_from(["secret-guardian", "terraform-auditor", "agent"]),
    TEXT | ODD,
    min_size=1,
    max_size=2,
)
PHASE = st.sampled_from(["terraform", "testing", "documentation"]) | st.dictionaries(
    st.sampled_from(["terraform", "flux", "name", "task"]), TEXT, min_size=1, max_size=2
)
WAIVER = st.fixed_dictionaries(
    {"rule": st.sampled_from(["policy.declared-risk-too-low", "policy.owners-for-production"])},
    optional={
        "reason": TEXT,
        "owner": st.sampled_from(["", "@lead"]),
        "expires": st.dates() | ODD,
    },
)
SPEC = st.fixed_dictionaries(
    {"enhancement": ENHANCEMENT},
    optional={
        "planning_agents": st.lists(AGENT, max_size=3),
        "implementation_phases": st.lists(PHASE, max_size=3),
        "risk": st.sampled_from(["low", "medium", "high", "critical", "huge"]) | ODD,
        "strategy": st.sampled_from(["direct", "staged", "maintenance-window"]),
        "rollback": TEXT | ODD,
        "feature_flag": st.sampled_from([True, False, "flag-x", ""]) | ODD,
        "change_window": TEXT,
        "compliance": st.lists(st.sampled_from(["ITCG", "SOC2"])),
        "owners": st.lists(st.sampled_from(["@a", "@b"])) | ODD,
        "waivers": st.lists(WAIVER, max_size=2),
        "reversible": st.booleans() | ODD,
        "urgency": st.sampled_from(["normal", "urgent", "emergency", "whenever"]),
        "request_path": st.booleans(),
        "data_at_stake": st.booleans() | ODD,
    },
)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(specs=st.lists(SPEC, min_size=6, max_size=6))
def test_generated_specs_as_with_pydantic(
    cache: Path, specs: list[dict[str, Any]], write: Callable[[str, str], Path]
) -> None:
    paths = [str(write(f"gen/{i}.yaml", yaml.safe_dump(s))) for i, s in enumerate(specs)]
    runs = [["check", p, "--today", "2030-06-01"] for p in paths]
    for argv, result in zip(runs, fresh(runs, cache), strict=True):
        assert same(result, argv), (argv, Path(argv[1]).read_text(), result)


def test_it_gives_way_only_before_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """NotPlain (or any surprise) before the output: None, pydantic's turn. The user's mistakes,
    the system's errors, and anything once the output is being written: the command's own."""
    from engine.commands.check_plain import attempt
    from engine.core import plainmodel
    from engine.core.errors import InputError, Problem

    monkeypatch.setattr(plainmodel, "ACTIVE", False)  # restored after the test
    monkeypatch.setattr(plainmodel._Run, "writing", False)

    def raising(exc: Exception, write: bool = False) -> Callable[[], int]:
        def run() -> int:
            if write:
                plainmodel.writing()
            raise exc

        return run

    assert attempt(lambda: 1) == 1
    assert attempt(raising(plainmodel.NotPlain("no"))) is None
    assert not plainmodel.ACTIVE
    assert attempt(raising(KeyError("surprise"))) is None
    with pytest.raises(InputError):
        attempt(raising(InputError([Problem("x", 1, 1, "bad")])))
    with pytest.raises(OSError):
        attempt(raising(BrokenPipeError()))
    with pytest.raises(UnicodeEncodeError):
        attempt(raising(UnicodeEncodeError("ascii", "é", 0, 1, "no"), write=True))
