"""Faults found by held-out set 14's first run (a platform team's quarter: specs and CLI
requests), each checked on sentences of our own. The set itself is not landed yet; its first
run is recorded in the closing note on issue 12."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.spec.intake import read
from tests.spec.plans import category as _category
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def test_an_aside_inside_a_reason_is_part_of_the_reason(kb: KnowledgeBase) -> None:
    text = (
        "Replace the payments dashboard, which points at the old node pool board (Node Exporter"
        " Full), with a payments latency dashboard"
    )
    assert "node-disruption" not in _traits(text, kb)


def test_an_object_lock_in_governance_mode_can_be_lifted(kb: KnowledgeBase) -> None:
    base = "Put the audit-logs bucket under S3 Object Lock"
    assert "one-way" in _traits(f"{base} in compliance mode", kb)
    governed = _traits(f"{base} in governance mode", kb)
    assert "one-way" not in governed and "data-protection" in governed


def test_what_a_deny_forbids_is_no_take_back(kb: KnowledgeBase) -> None:
    reading = read("Create an SCP that denies leaving the organization", kb.knowledge)
    assert "enforce" not in reading.negated


def test_a_rejection_stated_now_is_the_reason(kb: KnowledgeBase) -> None:
    plain = "Add the team label to the batch Jobs in the reports namespace"
    stated = "The batch Jobs are rejected by the Kyverno require-labels policy; " + plain.lower()
    assert _risk(stated, kb) == _risk(plain, kb) == "low"


def test_turning_off_the_old_one_retires_it(kb: KnowledgeBase) -> None:
    assert _category("Turn off the old Nomad cluster now that everything runs on EKS", kb) == (
        "decommissioning"
    )
