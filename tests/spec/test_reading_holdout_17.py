"""Faults found by held-out sets 17 (a regulated fintech's compliance year on GCP) and 18 (a
SaaS scale-up leaving its monolith), each checked on sentences of our own."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.spec.intake import read
from engine.spec.load import parse_spec
from tests.spec.plans import category as _category
from tests.spec.plans import plan as _plan
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def _deployment(text: str, kb: KnowledgeBase) -> str:
    return str(_plan(text, kb).decisions["deployment_strategy"].value)


def test_a_move_made_a_slice_at_a_time_is_a_canary(kb: KnowledgeBase) -> None:
    for text in (
        "Replace Istio with Linkerd on the prod clusters, namespace by namespace",
        "Move the tenant hostnames from Fastly to Cloudflare in prod, one tenant at a time",
    ):
        assert "gradual-shift" in _traits(text, kb), text
        assert _deployment(text, kb) == "canary", text
    # the same move switched at once runs beside the old and switches back (blue-green)
    assert _deployment("Replace Istio with Linkerd on the prod clusters", kb) == "blue-green"


def test_a_declared_request_path_change_meets_a_share_of_traffic_first(kb: KnowledgeBase) -> None:
    spec = """
enhancement:
  name: sessions-redis-7
  category: databases
  scope: single-environment
  summary: Upgrade the Redis session store behind login from 6.2 to 7.2, replicas first
  environments: [prod]
request_path: true
"""
    loaded = parse_spec(spec, kb.knowledge, "s.yaml")
    from engine.plan.build import build_plan

    assert build_plan(loaded, kb).decisions["deployment_strategy"].value == "canary"


def test_a_zonal_cluster_made_regional_is_a_new_cluster(kb: KnowledgeBase) -> None:
    text = "Make pay-prod-usc1 a regional cluster; no more zonal control plane in prod"
    assert {"node-disruption", "parallel-run-capable"} <= _traits(text, kb)
    assert _category(text, kb) == "reliability"
    assert _risk(text, kb) == "high"


def test_moving_a_store_to_another_location_copies_its_data(kb: KnowledgeBase) -> None:
    text = "For data residency, move the Spanner instance pay-ledger-eu to the eur3 configuration"
    assert {"stateful-data", "data-migration"} <= _traits(text, kb)
    assert _category(text, kb) == "databases"
    kafka = "Move the orders topics to the new Kafka cluster on EKS with MirrorMaker 2"
    assert _category(kafka, kb) == "databases"


def test_a_role_that_only_reads_is_a_low_access_change(kb: KnowledgeBase) -> None:
    text = "Give the data-eng Google group roles/bigquery.dataViewer on the eu_reporting dataset"
    assert _category(text, kb) == "identity-and-access"
    assert _risk(text, kb) == "low"
    admin = "Grant the payments-ci service account roles/storage.admin on the prod bucket"
    assert _risk(admin, kb) == "medium"


def test_a_regime_named_in_a_specs_summary_is_reviewed(kb: KnowledgeBase) -> None:
    spec = """
enhancement:
  name: orders-backup-retention
  category: backup-and-recovery
  scope: single-environment
  summary: Keep 35 days of backups for the prod orders database, as the PCI DSS retention control requires
  environments: [prod]
"""
    from engine.plan.build import build_plan

    plan = build_plan(parse_spec(spec, kb.knowledge, "s.yaml"), kb)
    assert "compliance-review" in plan.decisions["reviews"].value
    assert plan.enhancement.compliance == ["PCI-DSS"]


def test_a_tickets_key_is_no_version_and_a_version_stays_with_its_tool(kb: KnowledgeBase) -> None:
    ticket = (
        "REL-2231\nChange: cert-manager 1.13.3 -> 1.14.5\n"
        "Clusters: fra1-prod, eks-prod (staging first)\nRollback: helm rollback to 1.13.3"
    )
    assert "one-way" not in _traits(ticket, kb)  # not a control-plane upgrade of eks-prod
    assert _risk(ticket, kb) == "medium"
    assert (
        read("INC-2291: page the on-call when the backlog is over 5 minutes", kb.knowledge).versions
        == ()
    )


def test_certificates_are_encryption_in_transit(kb: KnowledgeBase) -> None:
    assert _category("Rotate the TLS certificate on the internal gRPC gateway", kb) == "encryption"


def test_a_waf_that_only_logs_rejects_nothing(kb: KnowledgeBase) -> None:
    text = "Enable the managed WAF ruleset in log-only mode on the shop API"
    assert "traffic-enforcement" not in _traits(text, kb)


def test_paging_words_and_quotas_are_read(kb: KnowledgeBase) -> None:
    assert (
        _category("Page the payments on-call when the subscription backlog is over 5m", kb)
        == "observability"
    )
    assert (
        _category("Raise the growth team's ResourceQuota on eks-prod to 32 CPU", kb)
        == "developer-experience"
    )


def test_a_locked_retention_policy_is_one_way_and_saves_nothing(kb: KnowledgeBase) -> None:
    text = (
        "For SOC 2 evidence: add lifecycle to the audit-logs bucket (Coldline after 90 days), "
        "a 7-year retention policy, and lock the retention policy."
    )
    assert "one-way" in _traits(text, kb)
    assert _category(text, kb) == "backup-and-recovery"  # not cost: the lock is the change
    assert _category("Move the audit-logs bucket to Coldline after 90 days", kb) == (
        "cost-optimization"
    )


def test_a_thing_named_alone_is_the_only_thing_not_taken_back(kb: KnowledgeBase) -> None:
    text = (
        "Please add the data-eng group as BigQuery Data Viewer on the eu_reporting dataset "
        "alone, without a project-level grant."
    )
    assert _category(text, kb) == "identity-and-access"
    assert _risk(text, kb) == "low"  # a read-only role on one dataset
    # "leave ... alone" still leaves it out
    assert "env:prod" in read("Resize the staging DB, leave prod alone", kb.knowledge).negated
