"""Faults found by held-out set 11, each checked on sentences of our own: a ticket's title names
the change its details describe, counts are not versions, a major version change is told by its
numbers, the way back is not the change, named vulnerabilities, node images and redundancy."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.decide.base import KnowledgeBase
from engine.spec.intake import match_text, read
from tests.conftest import run_cli
from tests.spec.plans import category as _category
from tests.spec.plans import plan as _plan
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


@pytest.mark.parametrize(
    ("ticket", "not_meant"),
    [
        (
            "Review apps for every merge request on the staging cluster\n"
            "A namespace is created for each open MR and deleted when it closes.",
            "decommissioning",
        ),
        (
            "Make the prod MySQL instance reachable over private networking only\n"
            "Clients move to the private endpoint first, then remove the public endpoint.",
            "decommissioning",
        ),
        (
            "Upgrade the reporting MariaDB from 10.6 to 10.11\n"
            "If it goes wrong, restoring last night's backup is the only way back.",
            "backup-and-recovery",
        ),
    ],
)
def test_a_tickets_details_do_not_replace_what_its_title_names(
    ticket: str, not_meant: str, kb: KnowledgeBase
) -> None:
    title = ticket.split("\n")[0]
    assert _category(ticket, kb) == _category(title, kb) != not_meant
    # the plan follows the same choice: the request keeps its lines
    assert _plan(ticket, kb).decisions["category"].value == _category(title, kb)


def test_details_still_decide_when_the_title_names_nothing(kb: KnowledgeBase) -> None:
    ticket = "OPS-1234\nDecommission the old Jenkins controller, nothing uses it any more."
    assert _category(ticket, kb) == "decommissioning"
    assert _category(ticket.replace("\n", " "), kb) == "decommissioning"


@pytest.mark.parametrize(
    "text",
    [
        "Raise the prod node pool max from 10 to 30",
        "Raise the checkout HPA maximum from 12 to 24",
        "Bump the Kafka topic replication factor from 2 to 3",
        "Postgres: raise max_connections limit from 200 to 400",
        "Move the RabbitMQ cluster from size 3 to size 5",
    ],
)
def test_counts_are_not_versions(text: str, kb: KnowledgeBase) -> None:
    reading = read(text, kb.knowledge)
    assert reading.versions == () and "version-hop" not in reading.concepts


def test_versions_are_still_versions(kb: KnowledgeBase) -> None:
    assert read("Upgrade Postgres from 13 to 16", kb.knowledge).versions == ("13", "16")
    assert read("prod mysql 5 -> 8 in place", kb.knowledge).versions == ("5", "8")
    assert read("Upgrade Karpenter from 0.37 to 1.0", kb.knowledge).versions == ("0.37", "1.0")
    bump = "Bump the prod Cloud SQL Postgres instances from 13 to 15"
    assert read(bump, kb.knowledge).versions == ("13", "15")


def test_a_major_version_is_told_by_its_numbers(kb: KnowledgeBase) -> None:
    assert "major-version" in read("prod mariadb 10 -> 11", kb.knowledge).concepts
    assert "major-version" in read("Aurora MySQL 2.11 to 3.04", kb.knowledge).concepts
    assert "major-version" not in read("Upgrade MariaDB 10.6 to 10.11", kb.knowledge).concepts
    assert "major-version" not in read("Upgrade EKS from 1.29 to 1.30", kb.knowledge).concepts


def test_a_major_database_upgrade_in_place_with_the_service_down_is_critical(
    kb: KnowledgeBase,
) -> None:
    down = "Upgrade the prod MariaDB from 10 to 11 in place; the database is offline during it"
    assert "data-migration" in _traits(down, kb)
    assert _risk(down, kb) == "critical"
    # a minor version with a reboot is a window, not critical
    minor = "Upgrade the prod MariaDB from 10.6 to 10.11; it is single-AZ so it will reboot"
    assert _risk(minor, kb) == "high"
    # a major version with no outage said is not critical either
    assert _risk("Upgrade the prod MariaDB from 10 to 11 with a blue/green deployment", kb) != (
        "critical"
    )


def test_the_way_back_is_not_the_change(kb: KnowledgeBase) -> None:
    text = "Upgrade the prod MariaDB 10.6 to 10.11; no downgrade, only a restore from backup"
    traits = _traits(text, kb)
    assert "one-way" in traits
    assert "data-protection" not in traits and "data-migration" not in traits


def test_named_vulnerabilities_under_attack_are_an_emergency(kb: KnowledgeBase) -> None:
    text = "Block Spring4Shell on the API gateway now, exploitation attempts in the access logs"
    assert _category(text, kb) == "security"
    assert "emergency" in _traits(text, kb)


def test_patched_node_images_are_node_image_upgrades(kb: KnowledgeBase) -> None:
    chosen = match_text(
        "Roll the prod AKS node pools to the patched Azure Linux image", kb.knowledge
    )
    assert chosen.chosen is not None and chosen.chosen.id == "node-image-upgrade"


def test_how_many_copies_a_store_keeps_is_reliability_and_moves_data(kb: KnowledgeBase) -> None:
    text = "Increase the replication factor of the prod Ceph pool from 2 to 3"
    assert _category(text, kb) == "reliability"
    assert {"stateful-data", "data-migration"} <= _traits(text, kb)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Grant the DBA group eligible Contributor through PIM on the data subscription",
            "identity-and-access",
        ),
        ("Generate the tenant apps with an ApplicationSet per region", "ci-cd"),
        ("Add an IPAddressPool and BGP peers for the bare-metal load balancer", "networking"),
        (
            "Set up multisite replication of the object store to a second datacenter",
            "backup-and-recovery",
        ),
        ("Take etcd snapshots of every k3s control plane each night", "backup-and-recovery"),
        ("Add a Cloud Armor rate limiting rule for the signup API", "security"),
        (
            "Revoke the standing cluster-admin bindings of departed contractors",
            "identity-and-access",
        ),
        ("Post a Slack notification to #deploys when a Flux reconciliation fails", "observability"),
    ],
)
def test_products_and_mechanisms_name_their_domain(
    text: str, category: str, kb: KnowledgeBase
) -> None:
    assert _category(text, kb) == category


def test_a_service_and_its_engine_side_by_side_are_one_store(kb: KnowledgeBase) -> None:
    assert "database*2" not in read("Tune the RDS PostgreSQL parameters", kb.knowledge).concepts
    assert "database*2" not in read("Cloud SQL prod MySQL: add a flag", kb.knowledge).concepts
    assert (
        "database*2" in read("Move the orders DB from MySQL to PostgreSQL", kb.knowledge).concepts
    )


def test_a_size_change_in_machine_units_is_a_resize(kb: KnowledgeBase) -> None:
    assert "resize" in read("prod Redis nodes 8 -> 16 GB", kb.knowledge).concepts
    assert "resize" in read("the search VMs from 4 to 2 vCPU", kb.knowledge).concepts
    assert "resize" not in read("keep the logs from 7 to 30 days", kb.knowledge).concepts


def test_a_restart_of_the_instance_is_downtime(kb: KnowledgeBase) -> None:
    assert "downtime" in _traits(
        "Turn on slow query logging on prod MariaDB; it restarts the instance", kb
    )
    rolling = "Resize the prod read replicas to 4 vCPU one at a time"
    assert "downtime" not in _traits(rolling, kb)


def test_moving_clients_to_private_networking_restarts_them(kb: KnowledgeBase) -> None:
    text = "Make the prod Azure SQL server private-only: apps use the private endpoint, then turn off public network access"
    assert _category(text, kb) == "networking"
    assert {"application-restart", "security-sensitive"} <= _traits(text, kb)


@pytest.mark.parametrize(
    ("text", "several"),
    [
        ("Roll out the new Falco rules to all 3 prod clusters", True),
        ("Upgrade cert-manager on both AKS clusters", True),
        ("Add the OPA sidecar on every prod cluster", True),
        ("Upgrade cert-manager on the prod cluster", False),
        ("Upgrade cert-manager to 1.15 on the prod cluster", False),
        ("Restart all cert-manager pods in the prod cluster", False),
    ],
)
def test_a_request_reaching_several_clusters_is_coordinated_across_them(
    text: str, several: bool, kb: KnowledgeBase
) -> None:
    plan = _plan(text, kb)
    assert ("cross-cluster" in plan.decisions["design"].value) is several
    # reaching several clusters moves neither risk nor strategy
    one = _plan(text.replace("all 3 prod clusters", "the prod cluster"), kb)
    assert plan.decisions["risk"].value == one.decisions["risk"].value


def test_a_line_ends_a_sentence(kb: KnowledgeBase) -> None:
    ticket = "Move the app logs to OpenSearch instead of Splunk\nThe Splunk bill is too high"
    assert "cost" in read(ticket, kb.knowledge).concepts
    assert "cost" not in read(ticket, kb.knowledge).negated


def test_a_service_a_step_needs_stopped_is_down(kb: KnowledgeBase) -> None:
    move = "Move the prod Keycloak database from MySQL to Postgres"
    assert "downtime" in _traits(f"{move}; the migration needs Keycloak stopped", kb)
    assert "downtime" in _traits(f"{move}, Keycloak is down meanwhile", kb)
    assert "downtime" not in _traits(f"{move} with a dual write", kb)


def test_a_mesh_upgrade_in_production_is_high(kb: KnowledgeBase) -> None:
    assert _risk("Upgrade Linkerd from 2.14 to 2.15 on the prod clusters", kb) == "high"
    assert _risk("Upgrade Linkerd from 2.14 to 2.15 on the staging cluster", kb) == "low"


@pytest.mark.parametrize(
    ("text", "regimes"),
    [
        ("Turn on S3 access logging for the card data buckets, PCI DSS requirement", ["PCI-DSS"]),
        ("Enable MFA delete on the backup bucket before the SOC 2 audit", ["SOC2"]),
        (
            "Rotate the prod Postgres password before the auditors come on Friday",
            ["external-audit"],
        ),
        ("Ship the Kubernetes audit logs to the SIEM", []),
    ],
)
def test_a_regime_or_an_audit_named_is_declared(
    text: str, regimes: list[str], kb: KnowledgeBase
) -> None:
    from engine.spec.intake import spec_from_request

    assert spec_from_request(text, kb.knowledge, []).spec.compliance == regimes
    reviews = _plan(text, kb).decisions["reviews"].value
    assert ("compliance-review" in reviews) is bool(regimes)


@pytest.mark.parametrize(
    ("text", "category", "risk"),
    [
        ("Move the prod GitLab uploads from NFS to S3", "storage", "medium"),
        ("Migrate the shared NFS volumes in prod to EFS", "storage", "medium"),
        ("Enable versioning on the artifacts S3 bucket", "storage", "low"),
        ("Replace the gp2 volumes with gp3", "cost-optimization", None),
    ],
)
def test_storage_requests_are_planned(
    text: str, category: str, risk: str | None, kb: KnowledgeBase
) -> None:
    plan = _plan(text, kb)
    assert plan.decisions["category"].value == category
    assert risk is None or plan.decisions["risk"].value == risk


def test_a_storage_draft_passes_check(tmp_path: Path) -> None:
    spec = tmp_path / "uploads.yaml"
    drafted = run_cli("new", "Move the prod GitLab uploads from NFS to S3", "-o", str(spec))
    assert drafted.returncode == 0, drafted.stderr
    checked = run_cli("check", str(spec))
    assert checked.returncode == 0, checked.stdout + checked.stderr
