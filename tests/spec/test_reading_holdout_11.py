"""Faults found by held-out set 11, each checked on sentences of our own: a ticket's title names
the change its details describe, counts are not versions, a major version change is told by its
numbers, the way back is not the change, named vulnerabilities, node images and redundancy."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.spec.intake import match_text, read
from tests.spec.plans import plan as _plan
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def _category(text: str, kb: KnowledgeBase) -> str:
    chosen = match_text(text, kb.knowledge).chosen
    return chosen.category if chosen is not None else ""


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
