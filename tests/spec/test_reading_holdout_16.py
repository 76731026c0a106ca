"""Faults found by held-out set 16's first run (an acquisition's integration year: Azure and
AWS side by side, moves, cutovers and what is left behind), each checked on sentences of our
own."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.spec.intake import read
from tests.spec.plans import category as _category
from tests.spec.plans import plan as _plan
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def test_deleting_a_whole_subscription_is_one_way(kb: KnowledgeBase) -> None:
    gone = "The migration is done, so delete the old Fabrikam production Azure subscription"
    assert "one-way" in _traits(gone, kb)
    # a thing named in a subscription is what goes, not the subscription
    inside = "Delete the unused managed disks in the old Fabrikam subscription"
    sources = {e.source for e in _plan(inside, kb).change_model}
    assert not any("account-deletion" in s for s in sources), sources


def test_moving_the_name_servers_replaces_the_dns_provider(kb: KnowledgeBase) -> None:
    text = "Switch fabrikam.com's name servers to Route 53 so the shop is served from AWS"
    assert "core-replacement" in _traits(text, kb)


def test_a_waf_counting_first_rejects_nothing(kb: KnowledgeBase) -> None:
    for text in (
        "Put AWS WAF in front of the shop API, in count mode first",
        "Attach a WAF web ACL to the shop API, counting only to begin with",
    ):
        assert "traffic-enforcement" not in _traits(text, kb), text


def test_a_page_that_explains_is_documentation(kb: KnowledgeBase) -> None:
    text = "Write a page that maps GCP words to AWS ones - project, VPC, Secret Manager, IAM"
    assert _category(text, kb) == "documentation"
    assert _risk(text, kb) == "low"


def test_a_private_endpoint_for_a_documents_account_is_networking(kb: KnowledgeBase) -> None:
    text = "We need a PE for the documents storage account so pods stop using the public endpoint"
    assert "documentation" not in read(text, kb.knowledge).concepts
    assert _category(text, kb) != "documentation"


def test_joining_two_networks_widens_access(kb: KnowledgeBase) -> None:
    for text in (
        "Connect the Fabrikam GCP VPC to our AWS Transit Gateway with a site-to-site VPN in prod",
        "Peer the prod VPC with the analytics VPC (VPC peering)",
    ):
        assert {"access-control", "security-sensitive"} <= _traits(text, kb), text


def test_wal_archiving_is_a_backup_not_an_archive_taken_before_a_deletion(
    kb: KnowledgeBase,
) -> None:
    text = "Point-in-time recovery for the billing Postgres VMs with WAL archiving to S3"
    assert "removes-infrastructure" not in _traits(text, kb)
    assert "backup" in read(text, kb.knowledge).concepts


def test_objects_that_expire_after_a_time_are_a_retention(kb: KnowledgeBase) -> None:
    text = "Ask: move the build logs bucket to Glacier at 30 days and expire at 365 days"
    assert "retention" in read(text, kb.knowledge).concepts


def test_a_waf_in_count_mode_is_no_policy_engine_change(kb: KnowledgeBase) -> None:
    assert _category("WAF in front of the shop API, count mode, not blocking", kb) == "security"
    assert _category("Kyverno require-labels in audit mode, not blocking", kb) == (
        "policy-enforcement"
    )


def test_cutting_over_a_databases_primary_is_critical_in_production(kb: KnowledgeBase) -> None:
    # writes stop, the apps are repointed, and once writes land on the new primary there is no
    # way back without losing them
    for text in (
        "Cut over the prod primary orders Postgres from the VMs to Cloud SQL in Sunday's window",
        "Move the primary billing database from self-managed MySQL to Aurora MySQL in prod",
    ):
        assert {"one-way", "data-migration", "downtime"} <= _traits(text, kb), text
        assert _risk(text, kb) == "critical", text
    # a read replica of the primary, an alert on it, and a page about its cutover move no writes
    for text in (
        "Add a read replica of the primary orders database in prod",
        "Alert when the primary database's CPU is above 80% in prod",
        "Document the cutover of the primary database",
    ):
        assert "one-way" not in _traits(text, kb), text


def test_promoting_a_replica_ends_its_replication_for_good(kb: KnowledgeBase) -> None:
    text = "Promote the Cloud SQL read replica in europe-west3 to primary in prod"
    assert "one-way" in _traits(text, kb)
    assert _category(text, kb) == "databases"
    assert _risk(text, kb) in ("high", "critical")
    drill = "Run a failover drill: promote the replica in the scratch project and time it"
    assert "one-way" not in _traits(drill, kb)


def test_what_a_database_is_for_is_the_reason_not_the_change(kb: KnowledgeBase) -> None:
    # "It is the primary for every card transaction" describes the database the ask acts on
    text = (
        "RDS Postgres 12 reaches end of life next month and our payments database still runs "
        "it. Please take it to 16, staging first. It is the primary for every card transaction."
    )
    assert "database" in read(text, kb.knowledge).concepts
    assert "one-way" in _traits(text, kb)
