"""Coherence: `check` never rejects what `plan` decided for the same spec, and `infraplan new`
writes specs that pass `check`.

Checked over every judgement case (specs and sentences), the bundled example specs and the seed's
triggers — not over hand-picked examples: an author who writes down exactly what infraplan
decided (`risk:` and `strategy:`) must get the same plan back and no error for it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
import yaml

from engine.spec.intake import match_text
from tests.conftest import ROOT
from tests.judgement.harness import _estate, _kb, _spec_yaml, cases

# rules whose error would mean the tool contradicts itself, not that the spec lacks something
DECLARATION_RULES = {"policy.declared-strategy-too-low", "policy.declared-risk-too-low"}
DECIDED = ("risk", "implementation_strategy", "deployment_strategy")


def _spec_cases() -> list[tuple[str, str, bool]]:
    """(id, spec text, planned against the example estate)."""
    out = [
        (c["id"], _spec_yaml(c["spec"]), c["estate"] == "example") for c in cases() if "spec" in c
    ]
    for path in sorted((ROOT / "examples" / "specs").glob("*.yaml")):
        out.append((f"examples/{path.name}", path.read_text(encoding="utf-8"), True))
    return out


def _sentences() -> list[str]:
    """Every sentence a judgement case or an intake case plans (refusals left out)."""
    planned = {
        c["text"]
        for path in sorted((ROOT / "tests" / "spec").glob("sentences*.yaml"))
        for c in yaml.safe_load(path.read_text("utf-8"))
        if not c.get("refuse") and not c.get("known_disagreement")
    }
    requests = {c["request"] for c in cases() if "request" in c and not c["expect"].get("refuse")}
    # a request infraplan refuses is a judgement miss, recorded in disagreements.yaml: it drafts
    # no spec to check
    planned |= {r for r in requests if match_text(r, _kb().knowledge).chosen is not None}
    return sorted(planned)


@cache
def _drafted(sentence: str) -> Any:
    """The plan of the spec `infraplan new` drafts from a sentence, built once per run for the
    tests that read it."""
    from engine.plan.draft import remedied_draft

    return _plan(remedied_draft(sentence, _kb(), []).text(), False, "draft.yaml")


def _plan(text: str, with_estate: bool, name: str = "spec.yaml") -> Any:
    from engine.plan.build import build_plan
    from engine.spec.load import parse_spec

    return build_plan(
        parse_spec(text, _kb().knowledge, name), _kb(), _estate() if with_estate else None
    )


def _agreeing(text: str, plan: Any) -> str:
    """The spec with the plan's own risk and strategy written into it."""
    body = yaml.safe_load(text)
    body["risk"] = plan.decisions["risk"].value
    body["strategy"] = plan.decisions["implementation_strategy"].value
    return yaml.safe_dump(body, sort_keys=False)


@pytest.mark.parametrize(
    ("case_id", "text", "with_estate"),
    _spec_cases(),
    ids=lambda v: v if isinstance(v, str) and len(v) < 60 else "",
)
def test_declaring_what_plan_decided_changes_nothing_and_passes(
    case_id: str, text: str, with_estate: bool
) -> None:
    plan = _plan(text, with_estate)
    again = _plan(_agreeing(text, plan), with_estate)
    for dim in DECIDED:
        assert again.decisions[dim].value == plan.decisions[dim].value, (case_id, dim)
    contradictions = [v for v in again.violations if v.rule in DECLARATION_RULES]
    assert contradictions == [], (case_id, [v.message for v in contradictions])


@pytest.mark.parametrize("sentence", _sentences())
def test_new_writes_a_spec_that_passes_check(sentence: str) -> None:
    plan = _drafted(sentence)
    errors = [f"{v.rule}: {v.message}" for v in plan.violations if v.severity == "error"]
    assert errors == [], (sentence, errors)


# Sentences whose drafted spec is known to plan differently, and why; a fix makes the mark fail.
DRAFT_DIFFERS = {
    "REL-2231\nChange: cert-manager 1.13.3 -> 1.14.5\nClusters: fra1-prod, ams1-prod, eks-prod "
    "(staging first)\nDowntime: none expected\nRollback: helm rollback to 1.13.3": "the draft joins "
    "the ticket's fields into sentences, and 'Downtime: none expected' is then read as downtime "
    "(the ticket reader leaves that field out)",
}


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param(s, marks=[pytest.mark.xfail(strict=True, reason=DRAFT_DIFFERS[s])])
        if s in DRAFT_DIFFERS
        else s
        for s in _sentences()
    ],
)
def test_new_keeps_the_decisions_the_sentence_gets(sentence: str) -> None:
    """Drafting a spec from a sentence must not move risk or strategy: the draft plans what the
    sentence planned (a filled rollback or booked window never lowers anything)."""
    from engine.plan.build import build_plan
    from engine.spec.intake import spec_from_request

    kb = _kb()
    direct = build_plan(spec_from_request(sentence, kb.knowledge, []), kb)
    drafted = _drafted(sentence)
    assert drafted.decisions["risk"].value == direct.decisions["risk"].value, sentence
    assert (
        drafted.decisions["implementation_strategy"].value
        == direct.decisions["implementation_strategy"].value
    ), sentence


ONE_WAY_WITHOUT_ROLLBACK = """\
enhancement:
  name: orders-db-major-upgrade
  summary: Upgrade the orders Aurora PostgreSQL cluster from 13 to 15.
  category: databases
  scope: multi-environment
  environments: [dev, staging, prod]
"""


def test_check_rejects_a_one_way_production_change_without_rollback() -> None:
    plan = _plan(ONE_WAY_WITHOUT_ROLLBACK, False)
    rules = {v.rule for v in plan.violations if v.severity == "error"}
    assert "policy.rollback-for-one-way" in rules


def test_check_warns_on_multi_environment_scope_with_one_environment() -> None:
    text = (
        ONE_WAY_WITHOUT_ROLLBACK.replace("[dev, staging, prod]", "[prod]")
        + "rollback: restore the snapshot\n"
    )
    plan = _plan(text, False)
    warnings = {v.rule for v in plan.violations if v.severity == "warning"}
    assert "policy.scope-one-environment" in warnings
