"""Faults found by held-out set 15's first run (a bad month's follow-ups: postmortem actions,
audit findings, FinOps advice), each checked on sentences of our own."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.spec.intake import read
from tests.spec.plans import category as _category
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def test_an_outage_that_happened_is_no_downtime_of_the_change(kb: KnowledgeBase) -> None:
    past = "After the 3 May outage, lower the KubePodCrashLooping alert's for: duration to 5m"
    assert "downtime" not in _traits(past, kb)
    assert _risk(past, kb) == "low"
    # downtime the change itself brings is still read
    assert "downtime" in _traits("Resize the prod MySQL disk, which will cause an outage", kb)


def test_leaving_support_is_why_a_version_moves_not_something_left_alone(kb: KnowledgeBase) -> None:
    text = "MySQL 5 leaves standard support: upgrade the prod billing RDS instance to 8"
    reading = read(text, kb.knowledge)
    assert "database" not in reading.negated
    assert reading.versions == ("5", "8")
    assert "major-version" in reading.concepts
    assert _category(text, kb) == "databases"


def test_a_version_named_in_the_reason_is_where_the_move_starts(kb: KnowledgeBase) -> None:
    text = "Redis 6 reaches end of life next quarter. Please take the sessions cache to 7."
    assert read(text, kb.knowledge).versions == ("6", "7")
    # a count after the version is no target
    counted = "Postgres 14 runs on 3 replicas; scale the replicas to 5"
    assert read(counted, kb.knowledge).versions == ()


def test_blocking_public_access_to_buckets_is_an_access_change(kb: KnowledgeBase) -> None:
    for text in (
        "Turn on S3 Block Public Access for the prod account",
        "prod GCS buckets: enforce public access prevention",
    ):
        assert {"access-control", "security-sensitive"} <= _traits(text, kb), text
        assert _risk(text, kb) == "medium", text


def test_a_final_snapshot_kept_keeps_the_data(kb: KnowledgeBase) -> None:
    for text in (
        "Retire the old Nexus EC2 instance and its ALB, keeping a final EBS snapshot for 60 days",
        "decom: the Nexus EC2 box and its ALB, final snapshot retained for 60 days",
    ):
        assert "one-way" not in _traits(text, kb), text


def test_what_someone_requires_that_is_what_is_asked(kb: KnowledgeBase) -> None:
    plain = "Put the billing exports bucket under S3 Object Lock in compliance mode"
    asked = (
        "The auditor requires that the billing exports bucket use S3 Object Lock in compliance mode"
    )
    assert "one-way" in _traits(plain, kb)
    assert "one-way" in _traits(asked, kb)
    assert _risk(asked, kb) == _risk(plain, kb)


def test_what_must_not_be_changed_is_left_alone(kb: KnowledgeBase) -> None:
    reading = read(
        "Upgrade cert-manager; the ingress-nginx release must not be changed", kb.knowledge
    )
    assert "ingress" in reading.negated and "ingress" not in reading.concepts


def test_requiring_imdsv2_changes_who_may_read_node_credentials(kb: KnowledgeBase) -> None:
    for text in (
        "Require IMDSv2 on every prod node group",
        "prod node groups: httpTokens required and a hop limit of 1",
    ):
        assert {"access-control", "security-sensitive"} <= _traits(text, kb), text


def test_a_store_made_multi_az_moves_to_no_other_store(kb: KnowledgeBase) -> None:
    text = "The prod billing RDS MySQL is single-AZ today; convert the billing database to Multi-AZ"
    assert "data-migration" not in _traits(text, kb)
    assert "data-migration" in _traits("Migrate the billing MySQL on EC2 to RDS", kb)


def test_a_concession_is_no_part_of_the_change(kb: KnowledgeBase) -> None:
    text = "Replace the squid proxy VM in dev with a managed NAT gateway even though it costs more"
    assert "cost" not in read(text, kb.knowledge).concepts
    assert _category(text, kb) != "cost-optimization"


def test_a_recovery_objective_is_about_backup_and_recovery(kb: KnowledgeBase) -> None:
    assert (
        _category("Bring the ledger database's RPO down to 5 minutes", kb) == "backup-and-recovery"
    )


def test_asking_for_an_explanation_is_a_question_without_a_question_mark(kb: KnowledgeBase) -> None:
    assert read("Explain how Velero restores work", kb.knowledge).question
    assert read("Tell me about our KMS key rotation", kb.knowledge).question
    # explaining something in a document is writing it
    assert not read("Explain the Velero restore steps in the runbook", kb.knowledge).question


def test_a_finding_is_the_reason_and_its_fix_is_the_change(kb: KnowledgeBase) -> None:
    ticket = (
        "Finding 12 (high)\nIssue: the payments RDS security group allows 0.0.0.0/0 on 5432\n"
        "Fix: restrict it to the app subnets"
    )
    reading = read(ticket, kb.knowledge)
    assert "patch" not in reading.concepts  # "Fix:" is a label, not a patch
    assert "database" in reading.context


def test_a_log_archive_bucket_is_a_bucket_not_an_archive_taken(kb: KnowledgeBase) -> None:
    text = "Send the VPC flow logs of every account to the central log-archive bucket"
    assert "final-snapshot" not in read(text, kb.knowledge).concepts
    assert "removes-infrastructure" not in _traits(text, kb)


def test_signing_and_verifying_images_is_security_sensitive(kb: KnowledgeBase) -> None:
    text = "Sign the build images with cosign in CI and verify signatures before deploy"
    assert "security-sensitive" in _traits(text, kb)


def test_a_zone_that_went_down_is_no_live_incident(kb: KnowledgeBase) -> None:
    text = "When us-east-1a went down all cart pods were there; add topology spread constraints to cart"
    assert "incident" not in _traits(text, kb)
    live = "Roll back the ingress-nginx upgrade, the controller pods are crash-looping"
    assert "incident" in _traits(live, kb)


def test_an_ip_address_or_range_is_no_version(kb: KnowledgeBase) -> None:
    for text in (
        "Our Redis instances accept 0.0.0.0/0; restrict them to the VPC",
        "Allow 10.0.0.0/8 and 192.168.0.0/16 on the internal ALB",
    ):
        assert read(text, kb.knowledge).versions == (), text
    assert read("Upgrade nginx from 1.25.3 to 1.27.0", kb.knowledge).versions == (
        "1.25.3",
        "1.27.0",
    )


def test_re_addressing_the_service_range_is_a_cluster_cidr_change(kb: KnowledgeBase) -> None:
    text = "Re-IP the Kubernetes service range on the prod GKE cluster to 172.21.0.0/16"
    assert "core-replacement" in _traits(text, kb)


def test_the_number_after_a_label_is_no_version(kb: KnowledgeBase) -> None:
    for text in (
        "We need to finding 12 (ISO 27001): turn on GuardDuty in every account",
        "Per incident 42, move the checkout alerts to tier 1",
    ):
        assert read(text, kb.knowledge).versions == (), text
    assert read("Step 2: upgrade Postgres from 14 to 16", kb.knowledge).versions == ("14", "16")
