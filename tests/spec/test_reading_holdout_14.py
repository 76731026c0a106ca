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


def test_a_node_group_moved_to_another_instance_size_is_sized_for_cost(kb: KnowledgeBase) -> None:
    for text in (
        "dev: c5.2xlarge node group -> c5.large",
        "The dev c5.2xlarge node group is far too big, switch it to c5.large instances",
        "Change the instance type of the batch node group to m6i.2xlarge",
    ):
        assert _category(text, kb) == "cost-optimization", text


def test_a_policy_that_blocks_today_is_the_reason_not_the_change(kb: KnowledgeBase) -> None:
    # the admission kinds read the whole text, but what is asked must name one of their parts
    stated = "the nightly Jobs in batch need an owner label, the Kyverno require-owner policy blocks them"
    assert "admission" not in _traits(stated, kb)
    assert _risk(stated, kb) == "low"
    assert "admission" in _traits("Enforce the Kyverno require-owner policy in prod", kb)


def test_what_a_rule_forbids_is_not_what_the_change_does(kb: KnowledgeBase) -> None:
    scp = "Each member account gets an SCP denying account closure and GuardDuty stop/delete"
    assert "decommission" not in read(scp, kb.knowledge).concepts
    assert _category(scp, kb) != "decommissioning"
    # as the clause's first word the verb is the change itself
    assert _category("Block public access on the logs bucket and delete the old exports", kb) == (
        "decommissioning"
    )


def test_an_enforced_service_control_policy_is_reviewed_for_security(kb: KnowledgeBase) -> None:
    text = "Add an SCP that denies ec2:RunInstances outside eu-central-1 in every account"
    assert {"admission", "access-control"} <= _traits(text, kb)


def test_a_database_made_highly_available_is_a_change_to_the_store(kb: KnowledgeBase) -> None:
    for text in (
        "Make the ledger Cloud SQL MySQL highly available",
        "Turn on HA for the ledger Cloud SQL MySQL instance",
    ):
        assert {"stateful-data", "cost-impact"} <= _traits(text, kb), text


def test_a_restore_into_a_scratch_account_is_a_drill(kb: KnowledgeBase) -> None:
    text = (
        "Every month, restore the newest billing DB snapshot in a scratch AWS account and test it"
    )
    assert "data-migration" not in _traits(text, kb)


def test_colder_storage_classes_are_lifecycle_tiering(kb: KnowledgeBase) -> None:
    reading = read("Send GCS backup objects older than 60 days to Nearline", kb.knowledge)
    assert "lifecycle" in reading.concepts


def test_read_only_for_a_group_is_an_access_grant(kb: KnowledgeBase) -> None:
    text = "reports GCS bucket: read-only for the finance Google group"
    assert "iam" in read(text, kb.knowledge).concepts
    assert _category(text, kb) == "identity-and-access"


def test_a_parameter_read_at_start_restarts_the_database(kb: KnowledgeBase) -> None:
    text = "Turn on pgaudit for the claims RDS Postgres instance in prod"
    assert "stateful-data" in _traits(text, kb)
    assert _risk(text, kb) == "medium"
