"""Reading faults found by held-out set 7, each checked on sentences of our own: a "without"
that states a rule's condition, exceptions that take out only what they name, a relaxed policy,
names run into versions, qualified names either side of an arrow, setting names."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.intake import read, spec_from_request


def _decisions(text: str, kb: KnowledgeBase) -> tuple[object, ...]:
    plan = build_plan(spec_from_request(text, kb.knowledge, []), kb, None)
    names = ("risk", "implementation_strategy", "deployment_strategy")
    return tuple(plan.decisions[d].value for d in names)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Deny every console login without MFA through an SCP", "iam"),
        ("Block images without a cosign signature with a Kyverno policy", "policy-engine"),
        ("Alert on buckets without encryption", "encryption"),
    ],
)
def test_a_without_after_a_rule_states_what_the_rule_looks_for(
    kb: KnowledgeBase, text: str, kept: str
) -> None:
    reading = read(text, kb.knowledge)
    # what an alert watches is context (tests/spec/test_reading_holdout_12.py)
    assert kept in reading.concepts | reading.context and kept not in reading.negated


@pytest.mark.parametrize(
    ("text", "left_out"),
    [
        ("Upgrade Karpenter without touching the node pools", "node-pool"),
        ("Enforce mTLS in prod without downtime", "downtime"),
        ("Add a Kyverno policy without enforcing it", "enforce"),
    ],
)
def test_a_without_before_an_action_or_downtime_still_leaves_it_out(
    kb: KnowledgeBase, text: str, left_out: str
) -> None:
    reading = read(text, kb.knowledge)
    assert left_out not in reading.concepts


def test_an_exception_takes_out_only_what_it_names(kb: KnowledgeBase) -> None:
    reading = read("Move every service except payments to the new secret store", kb.knowledge)
    assert {"migration", "secret-store"} <= reading.concepts
    assert "payment" in reading.negated and "secret-store" not in reading.negated
    reading = read("Upgrade every cluster except prod to 1.29", kb.knowledge)
    assert reading.excluded_environments == ("prod",) and "version-hop" in reading.concepts


def test_a_policy_put_back_into_audit_is_not_an_enforcement(kb: KnowledgeBase) -> None:
    relaxed = _decisions("Put the Kyverno require-labels policy back into audit mode", kb)
    with_reason = _decisions(
        "Flip the Kyverno require-labels policy back to audit mode; Enforce is blocking deploys", kb
    )
    enforced = _decisions("Switch the Kyverno require-labels policy to Enforce in prod", kb)
    assert relaxed == with_reason == ("low", "direct", "phased")
    assert enforced[0] != "low"


def test_a_name_run_into_its_version_is_read_as_both(kb: KnowledgeBase) -> None:
    assert read("Move the functions from python3.9 to python3.12", kb.knowledge).versions == (
        "3.9",
        "3.12",
    )
    assert read("Bump the base image to ubuntu22.04", kb.knowledge).versions == ("22.04",)
    assert _decisions("Lambda runtimes py3.8 -> py3.12", kb) == _decisions(
        "Upgrade the Lambda functions from Python 3.8 to Python 3.12", kb
    )


def test_a_qualified_name_either_side_of_an_arrow_is_a_move(kb: KnowledgeBase) -> None:
    assert "migration" in read("CDN classic -> CDN standard for www", kb.knowledge).concepts
    assert "migration" not in read("dev -> staging for the orders API", kb.knowledge).concepts


def test_a_setting_after_a_policy_verb_is_not_a_policy_name(kb: KnowledgeBase) -> None:
    assert "in-transit" in read("Turn on require-SSL for the prod Cloud SQL", kb.knowledge).concepts
    named = read("disallow-privileged in enforce mode on the prod clusters", kb.knowledge)
    assert "policy-engine" in named.concepts  # a hyphenated policy name is an admission policy


def test_devs_are_developers_not_the_dev_environment(kb: KnowledgeBase) -> None:
    reading = read("Give devs a CLI to request temporary database credentials", kb.knowledge)
    assert "dev" not in reading.environments and "developer-experience" in reading.concepts


def test_members_joining_a_data_store_rebalance_its_data(kb: KnowledgeBase) -> None:
    grown = _decisions("Add two brokers to the prod Kafka cluster", kb)
    assert grown[0] == "medium"
    assert _decisions("Add three OSD nodes to the Ceph cluster", kb) == grown
