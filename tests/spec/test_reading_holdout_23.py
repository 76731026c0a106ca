"""Faults found by held-out sets 23 (a mobile operator's 5G core), 24 (a manufacturer's OT/IT
platform), 25 (a mobile app's backend) and 26 (a university's research computing), each checked
on sentences of our own."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.spec.declared import booked_window
from engine.spec.intake import match_text, read
from tests.spec.plans import category as _category
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def test_what_a_dashboard_shows_is_not_what_the_change_does(kb: KnowledgeBase) -> None:
    for text in (
        "Add a panel to the payments dashboard showing minutes of downtime per day",
        "On the payments dashboard, add a panel with the downtime minutes per day",
    ):
        assert "downtime" not in _traits(text, kb), text
        assert _risk(text, kb) == "low", text
    assert "downtime" in _traits("Upgrade the billing DB; it needs 10 minutes of downtime", kb)


def test_rolling_reboots_roll_nodes_and_take_nothing_down(kb: KnowledgeBase) -> None:
    text = "Bump the Slurm client from 23.11.4 to 23.11.8 on the compute nodes, rolling reboots"
    assert "downtime" not in _traits(text, kb)
    assert "node-disruption" in _traits(text, kb)
    assert _category(text, kb) == "tool-upgrade"


def test_a_failover_alone_is_no_database(kb: KnowledgeBase) -> None:
    assert _category("Configure a standby scheduler controller for failover", kb) == "reliability"
    assert _category("Promote the DR replica to primary for the failover test", kb) == "databases"


def test_platform_control_planes_are_not_downgraded(kb: KnowledgeBase) -> None:
    for text in (
        "Upgrade OpenShift on the prod cluster from 4.15 to 4.16",
        "Upgrade the research OpenStack cloud from 2024.1 to 2024.2",
    ):
        assert "one-way" in _traits(text, kb), text
    # patching the hosts of a private cloud is no control-plane upgrade
    assert "one-way" not in _traits("Patch the ESXi hosts to 8.0U3", kb)


def test_scanning_node_images_changes_no_node(kb: KnowledgeBase) -> None:
    text = "Scan the worker node images with OpenSCAP every week and mail us the findings"
    assert "node-disruption" not in _traits(text, kb)


def test_a_dated_maintenance_is_a_booked_window(kb: KnowledgeBase) -> None:
    text = "During the June 3 quarterly maintenance (cluster drained 06:00-18:00) swap the switches"
    assert booked_window(text, kb.knowledge)
    assert not booked_window("Set the RDS maintenance window to Sun 03:00 UTC", kb.knowledge)
    assert not booked_window("Add a dashboard of maintenance tasks", kb.knowledge)


def test_a_size_with_its_unit_on_both_sides_is_a_resize(kb: KnowledgeBase) -> None:
    assert "resize" in read("Grow the session Redis from 6 GB to 12 GB", kb.knowledge).concepts
    assert read("Grow the session Redis from 6 GB to 12 GB", kb.knowledge).versions == ()


def test_an_errand_is_no_change(kb: KnowledgeBase) -> None:
    for text in (
        "Book the large meeting room for Friday's capacity review",
        "Prepare the slides for the platform quarterly review",
        "Fill in the annual report for the storage grant",
    ):
        assert match_text(text, kb.knowledge).chosen is None, text
        assert read(text, kb.knowledge).errand, text
    assert match_text("Set up PagerDuty routing for the payments alerts", kb.knowledge).chosen


def test_a_grant_that_funds_is_no_permission(kb: KnowledgeBase) -> None:
    text = "Give the lab 20 TB more project space before the grant deadline"
    assert "permission" not in read(text, kb.knowledge).concepts
    assert (
        "permission" in read("Grant the data team read access to the bucket", kb.knowledge).concepts
    )


def test_a_label_added_to_a_tools_pods_is_no_new_tool(kb: KnowledgeBase) -> None:
    assert "new-tool" not in _traits("Add a cost-center label to every Airflow worker pod", kb)
    assert "new-tool" in _traits("Add Airflow to the data platform cluster", kb)


def test_alerts_sent_elsewhere_move_no_storage(kb: KnowledgeBase) -> None:
    text = "Send the Ceph pool-full alerts to the #storage channel instead of paging on-call"
    assert "stateful-data" not in _traits(text, kb)


def test_a_key_committed_to_a_public_repo_is_an_emergency(kb: KnowledgeBase) -> None:
    text = "A deploy key was committed to the public infra repo an hour ago; revoke it"
    assert "emergency" in _traits(text, kb)


def test_taking_roles_away_is_identity_not_decommissioning(kb: KnowledgeBase) -> None:
    assert _category("Remove roles/editor from the three intern accounts", kb) == (
        "identity-and-access"
    )
    assert _category("Shut down the dev bastion at weekends", kb) == "cost-optimization"
