"""Plans that speak about the estate they were given (issue 13): the cases of
grounded_cases.yaml (expectations written before any run), planned against corpus estates and
fixtures, and what must hold of every one of them: no stage the estate does not evidence or the
spec declare, validation and rollback in the words of the controllers that deliver each step, a
current-state section, no word of the bundled example or of the seed's company that neither the
estate nor the request has, durations on the timeline as long as the step texts ask."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

CASES = yaml.safe_load((Path(__file__).parent / "grounded_cases.yaml").read_text(encoding="utf-8"))
CORPUS = ROOT.parent / "shared" / "corpus"
PLACES = {
    "corpus": CORPUS,
    "fixtures": ROOT / "tests" / "fixtures" / "estates",
    "grounded": ROOT / "tests" / "fixtures" / "grounded",
    "example": ROOT / "examples" / "estate",
}
# words of the bundled example estate and of the seed's company
FOREIGN = ["infra-tf", "infra-flux", "keystone", "ITCG", "CloudFormation", "app-compat", "Livspace"]
# what each controller's texts name (knowledge/controllers.yaml `command`)
COMMANDS = {
    "flux": "flux",
    "argocd": "argocd",
    "terraform": "terraform",
    "terraform-init": "terraform",
    "helm": "helm",
    "kubectl": "kubectl",
}
DURATION = re.compile(r"\b(?:at least )?(one|two|\d+) (hour|minute)s?\b")


def _path(repo: str) -> Path:
    place, _, rest = repo.partition("/")
    return PLACES[place] / rest


def _needs(case: dict[str, Any]) -> None:
    if any(r.startswith("corpus/") for r in case["repos"]) and not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")


@cache
def _plan(case_id: str) -> tuple[dict[str, Any], str]:
    from engine.commands.common import read_request
    from engine.decide.base import load_knowledge_base
    from engine.estate.discover import parse_repo_args
    from engine.estate.scan import ScanOptions, scan_estate
    from engine.plan.build import build_plan
    from engine.render import PLAN_RENDERERS
    from engine.spec.load import parse_spec

    case = next(c for c in CASES if c["id"] == case_id)
    kb = load_knowledge_base()
    repos = parse_repo_args([str(_path(r)) for r in case["repos"]])
    estate = scan_estate(repos, kb.knowledge, ScanOptions(cache_dir=None))
    if "spec" in case:
        loaded = parse_spec(case["spec"], kb.knowledge, "spec.yaml")
    else:
        loaded = read_request(case["request"], kb.knowledge, [r.name for r in repos])
    plan = build_plan(loaded, kb, estate)
    return json.loads(PLAN_RENDERERS["json"](plan)), PLAN_RENDERERS["markdown"](plan)


def _estate_text(case: dict[str, Any]) -> str:
    """Every file of the case's repositories, and its request, lower-cased."""
    parts = [case.get("request", ""), case.get("spec", "")]
    for repo in case["repos"]:
        parts.append(_path(repo).name)
        for f in sorted(_path(repo).rglob("*")):
            if f.is_file():
                parts += [
                    str(f.relative_to(_path(repo))),
                    f.read_text(encoding="utf-8", errors="replace"),
                ]
    return "\n".join(parts).lower()


def _facts(plan: dict[str, Any], fact_type: str) -> list[dict[str, Any]]:
    return [f["fields"] for f in plan["facts"] if f["type"] == fact_type]


def _deploying(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in plan["rollout_steps"] if s["targets"]]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_expectations(case: dict[str, Any]) -> None:
    _needs(case)
    plan, _ = _plan(case["id"])
    expect = case["expect"]
    stages = list(dict.fromkeys(s["stage"] for s in _deploying(plan)))
    if "stages" in expect:
        assert [s for s in stages if s != "all" or expect["stages"] == ["all"]] == expect[
            "stages"
        ], stages
    if "controllers" in expect:
        used = {s["controller"] for s in _deploying(plan) if not s["done"]} or {
            s["controller"] for s in _deploying(plan)
        }
        used -= {""}  # chart releases and workflows: no delivery controller
        assert used == set(expect["controllers"]), used
    if "in_place" in expect:
        assert sorted(plan["decisions"]["in_place"]["value"]) == sorted(expect["in_place"])
    found = {f["rule"]: f["severity"] for f in plan["findings"]}
    for rule, severity in expect.get("findings", {}).items():
        assert found.get(rule) == severity, (rule, found)
    for entry in expect.get("current_state", []):
        assert any(
            all(str(s[k]) == str(v) for k, v in entry.items()) for s in plan["current_state"]
        ), (entry, plan["current_state"])
    if "hops" in expect:
        hops = [h for u in plan["upgrades"] for h in u["hops"]]
        for hop in expect["hops"]:
            assert hop in hops, hops
    if expect.get("point_of_no_return"):
        marked = [s for s in plan["rollout_steps"] if s["point_of_no_return"]]
        assert marked
        assert not any("apply again" in s["rollback"] for s in marked)
    if expect.get("no_rollout"):
        assert not [s for s in plan["rollout_steps"] if s["targets"]]
    points = {p["repo"] + "/" + p["path"] for p in plan["integration_points"]}
    for path in expect.get("integration_points", []):
        assert path in points, sorted(points)
    for name in expect.get("phases_done", []):
        assert [p for p in plan["implementation_phases"] if p["name"] == name and p["done"]]
    if "root_order" in expect:
        roots = [
            next(
                part for part in s["action"].split() if any(r in part for r in expect["root_order"])
            )
            for s in _deploying(plan)
            if s["controller"] in {"terraform", "terraform-init"}
        ]
        order = [next(r for r in expect["root_order"] if r in root) for root in roots]
        assert order == expect["root_order"], roots
    messages = " ".join(f["message"] for f in plan["findings"])
    for word in expect.get("finding_words", []):
        assert word in messages


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_plan_speaks_of_its_own_estate(case: dict[str, Any]) -> None:
    _needs(case)
    plan, markdown = _plan(case["id"])
    # no invented stage: every environment stage is evidenced by the estate or declared
    evidenced = set(_facts_envs(plan)) | set(plan["enhancement"]["environments"])
    for step in _deploying(plan):
        if step["environment"]:
            assert step["environment"] in evidenced, step["stage"]
    declared = yaml.safe_load(case.get("spec") or "{}") or {}
    named = (declared.get("enhancement") or {}).get("environments") or []
    if named:
        assert {s["environment"] for s in _deploying(plan)} <= set(named) | {""}
    # validation and rollback in the words of the step's own controller, and no other's
    controllers = {s["controller"] for s in _deploying(plan)}
    for step in _deploying(plan):
        command = COMMANDS.get(step["controller"])
        if command:
            assert command in (step["action"] + step["validation"]).lower(), step
        for other, word in COMMANDS.items():
            if other not in controllers and word not in {"terraform", "helm"}:
                text = (step["action"] + step["validation"] + step["rollback"]).lower()
                assert word + " " not in text, (other, step)
    # a current-state section, with what the estate declares where the change lands
    assert "## Current state" in markdown
    if any(p["version"] for p in plan["integration_points"]):
        assert plan["current_state"]
    # only this estate's words
    present = _estate_text(case)
    for word in FOREIGN:
        if word.lower() not in present:
            assert word.lower() not in markdown.lower(), word
    # the timeline gives each step at least the time its text asks for
    for step in plan["rollout_steps"]:
        for amount, unit in DURATION.findall(step["action"]):
            n = {"one": 1, "two": 2}.get(amount) or int(amount)
            assert step["minutes"] >= n * (60 if unit == "hour" else 1), step["action"]


def _facts_envs(plan: dict[str, Any]) -> list[str]:
    estate = next(f for f in plan["facts"] if f["id"] == "estate:estate")
    envs = [
        f["fields"]["name"]
        for f in plan["facts"]
        if f["type"] == "estate_environment" and f["fields"]["present"]
    ]
    return envs if estate["fields"]["read"] else []
