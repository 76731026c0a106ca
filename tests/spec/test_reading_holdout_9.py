"""Faults found by held-out set 9, each checked on sentences of our own: a TTL on rows, keys made
non-exportable, load balancers by name, zero downtime, what happened before the request,
records that point at something, "everywhere but", the means after an alternative, how
capacity follows load, and a distributed store's data moved onto other members."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.intake import read
from tests.spec.plans import plan as _plan
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def test_a_ttl_on_rows_deletes_data_and_a_ttl_on_records_is_dns(kb: KnowledgeBase) -> None:
    rows = "Put a 90-day TTL on the sessions table of the prod Cassandra keyspace"
    assert "one-way" in _traits(rows, kb) and _risk(rows, kb) == "high"
    assert (
        "dns" in read("Lower the TTL of the api.acme.io CNAME to 60 seconds", kb.knowledge).concepts
    )
    # telemetry kept for less time is not business data deleted (data-expiry, medium)
    assert "one-way" not in _traits("Cut the Loki log retention in prod from 30 to 14 days", kb)


def test_key_material_made_non_exportable_is_one_way(kb: KnowledgeBase) -> None:
    text = "Import the TLS private keys into AWS CloudHSM as non-exportable keys"
    assert {"one-way", "encryption"} <= _traits(text, kb)


@pytest.mark.parametrize(
    "text",
    [
        "Replace the NetScaler in front of the storefront with an AWS ALB",
        "The storefront's BIG-IP should be replaced by an NLB",
        "storefront load balancing: Citrix ADC -> Application Gateway",
    ],
)
def test_a_load_balancer_replaced_by_another_is_a_core_replacement(
    kb: KnowledgeBase, text: str
) -> None:
    assert "core-replacement" in _traits(text, kb) and _risk(text, kb) == "high"


def test_servers_added_behind_haproxy_are_its_pool(kb: KnowledgeBase) -> None:
    assert _risk("HAProxy: add 3 backends to the search pool", kb) == "low"


def test_zero_downtime_is_no_downtime(kb: KnowledgeBase) -> None:
    said = "Move the storefront from the classic ELB to an NLB with zero downtime"
    assert "downtime" not in _traits(said, kb)
    assert (
        "downtime" in read("Schedule a 20 minute downtime for the orders DB", kb.knowledge).concepts
    )


def test_what_happened_before_is_not_the_change(kb: KnowledgeBase) -> None:
    fact = "Retire the old Traefik nodes; traffic moved to the Envoy Gateway two months ago"
    assert "core-replacement" not in _traits(fact, kb)
    # a clause that opens with an action is the change, whenever what it undoes happened
    revert = read("Revert the Karpenter upgrade we rolled out two days ago", kb.knowledge)
    assert "karpenter" in revert.concepts


def test_a_record_pointing_at_a_load_balancer_adds_a_record(kb: KnowledgeBase) -> None:
    for text in (
        "Create a Route 53 record grafana.internal.acme.io pointing at the internal ALB",
        "New DNS entry: grafana.internal.acme.io -> the internal ALB",
    ):
        assert "request-path" not in _traits(text, kb), text


def test_everywhere_but_prod_leaves_prod_out(kb: KnowledgeBase) -> None:
    reading = read("Upgrade cert-manager to 1.15 everywhere but prod", kb.knowledge)
    assert "prod" in reading.excluded_environments


def test_the_means_after_an_alternative_is_the_change(kb: KnowledgeBase) -> None:
    reading = read(
        "Scale the thumbnailer on queue depth rather than CPU by introducing KEDA", kb.knowledge
    )
    assert "new-tool" in reading.concepts and "autoscaler-tool" in reading.concepts


def test_how_production_capacity_follows_load_is_medium(kb: KnowledgeBase) -> None:
    assert _risk("Autoscale the prod invoice workers with KEDA on Kafka lag", kb) == "medium"
    assert _risk("Autoscale the dev invoice workers with KEDA on Kafka lag", kb) == "low"


@pytest.mark.parametrize(
    "text",
    [
        "Add a second datacenter to the prod ScyllaDB ring and stream the data over",
        "Reassign the partitions of the prod Kafka cluster onto the six new brokers",
        "prod Kafka: spread the brokers over 3 AZs",
    ],
)
def test_a_stores_data_moved_onto_other_members_is_a_data_migration(
    kb: KnowledgeBase, text: str
) -> None:
    assert "data-migration" in _traits(text, kb) and _risk(text, kb) == "high"


def test_a_volume_type_change_of_brokers_is_no_data_migration(kb: KnowledgeBase) -> None:
    assert "data-migration" not in _traits("Convert the prod Kafka brokers' gp2 volumes to gp3", kb)


def test_deleting_iam_users_is_one_way_and_removing_a_role_is_not(kb: KnowledgeBase) -> None:
    users = "Move the break-glass logins to SSO, then delete the IAM users in prod"
    assert "one-way" in _traits(users, kb)
    assert "one-way" not in _traits("Remove the AdministratorAccess policy from the CI role", kb)


def test_after_which_is_the_next_step_not_a_reason(kb: KnowledgeBase) -> None:
    text = "Point console logins at Okta, after which the IAM users get deleted"
    assert "one-way" in _traits(text, kb)


def test_what_is_taken_off_a_provider_is_moved(kb: KnowledgeBase) -> None:
    assert (
        "migration"
        in read("take the zones off GoDaddy and host them on Route 53", kb.knowledge).concepts
    )
    assert (
        "migration"
        not in read("Add a read replica to take load off the primary", kb.knowledge).concepts
    )


def test_a_test_restore_is_a_drill(kb: KnowledgeBase) -> None:
    text = "Back up the Longhorn volumes to S3 with Velero and test a restore every quarter"
    assert "data-migration" not in _traits(text, kb)


def test_prevented_is_enforcement(kb: KnowledgeBase) -> None:
    concepts = read(
        "Accounts should be prevented from creating public S3 buckets", kb.knowledge
    ).concepts
    assert "enforce" in concepts


def test_arm64_capacity_moves_services(kb: KnowledgeBase) -> None:
    assert "capacity-move" in _traits("Let Karpenter run the prod API on Graviton nodes", kb)


def test_shipping_a_cdns_logs_changes_no_request(kb: KnowledgeBase) -> None:
    assert "request-path" not in _traits("Send the Fastly access logs to Splunk", kb)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Require IMDSv2 on every launch template", "imds"),
        ("Set up a site-to-site VPN to the Munich office", "network-link"),
        ("No container may run as root in the payments namespace", "pod-hardening"),
        ("Alert on the SLO burn rate instead of raw 5xx counts", "alert"),
        ("AKS dev node pools -> 0 nights and weekends", "off-hours"),
        ("orders Postgres on Cloud SQL: zonal -> regional HA", "failover"),
    ],
)
def test_words_of_set_9(kb: KnowledgeBase, text: str, concept: str) -> None:
    assert concept in read(text, kb.knowledge).concepts | read(text, kb.knowledge).negated


def test_people_added_to_a_group_change_no_access(kb: KnowledgeBase) -> None:
    assert _risk("Add the two new hires to the Okta grafana-editors group", kb) == "low"
    # what a group may do is an access change
    assert "access-control" in _traits("Map the Okta admins group to the Grafana Admin role", kb)


def test_zookeeper_is_no_second_data_store(kb: KnowledgeBase) -> None:
    traits = _traits("Migrate the staging Kafka cluster from ZooKeeper to KRaft", kb)
    assert "data-migration" not in traits


def test_a_spec_is_weighed_against_other_categories_as_a_sentence_is(kb: KnowledgeBase) -> None:
    from engine.spec.load import parse_spec

    spec = parse_spec(
        "enhancement:\n  name: observability-enhancement\n  category: observability\n"
        "  scope: monitor-cluster\n  summary: Ship the Fastly access logs to Datadog\n",
        kb.knowledge,
        "spec.yaml",
    )
    plan = build_plan(spec, kb, None)
    said = _plan("Ship the Fastly access logs to Datadog", kb)
    assert plan.pattern is None and said.pattern is None
    assert plan.decisions["risk"].value == said.decisions["risk"].value


def test_a_live_incident_is_fixed_fast_and_staged(kb: KnowledgeBase) -> None:
    plan = _plan("Roll back the Linkerd upgrade in prod, the proxies are crash-looping", kb)
    decisions = plan.decisions
    assert decisions["risk"].value == "high"
    assert decisions["implementation_strategy"].value == "staged"
    assert "maintenance-window-approval" not in decisions["reviews"].value
    # alerting on crash loops is observability work, not an incident
    assert "incident" not in _traits("Alert when any prod pod is crash-looping for 10 minutes", kb)


def test_rebuilding_one_host_from_an_image_rolls_no_nodes(kb: KnowledgeBase) -> None:
    assert "node-disruption" not in _traits("Rebuild the jump host from a fresh AMI", kb)
    assert "node-disruption" in _traits("Roll the prod node groups to the new AMI", kb)
