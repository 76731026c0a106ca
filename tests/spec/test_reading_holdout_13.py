"""Faults found by held-out set 13 (change tickets, commit titles, managers' questions), each
checked on sentences of our own, not the set's."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.spec.intake import read, spec_draft
from tests.spec.plans import category as _category
from tests.spec.plans import plan as _plan
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def test_an_online_resize_brings_no_downtime_and_one_size_for_another_is_a_resize(
    kb: KnowledgeBase,
) -> None:
    offline = "Resize the prod orders RDS from db.r6g.large to db.r6g.xlarge"
    assert "downtime" in _traits(offline, kb)
    assert "downtime" not in _traits(f"{offline} with online scaling", kb)
    for text in (
        "orders RDS in prod: instance class db.r6g.large -> db.r6g.xlarge",
        "Give the prod orders RDS db.r6g.xlarge instead of db.r6g.large",
    ):
        concepts = read(text, kb.knowledge).concepts
        assert "resize" in concepts and "migration" not in concepts, text


def test_a_clause_that_counts_names_no_version(kb: KnowledgeBase) -> None:
    counted = "Increase the shards of the search index on the prod OpenSearch domain from 5 to 20"
    assert read(counted, kb.knowledge).versions == ()
    assert read("Raise the OpenSearch version from 1 to 2", kb.knowledge).versions == ("1", "2")


def test_down_for_a_while_is_downtime_not_a_live_incident(kb: KnowledgeBase) -> None:
    said = _traits("Upgrade the billing MySQL from 5.7 to 8.0; billing is down for 30 minutes", kb)
    assert "downtime" in said and "incident" not in said
    assert "incident" in _traits("Roll back the billing MySQL upgrade, billing is down", kb)


@pytest.mark.parametrize(
    "rollback",
    ["expired objects cannot be restored", "there is no way to bring them back", "it is gone"],
)
def test_a_rollback_that_says_the_data_cannot_come_back_is_one_way(
    rollback: str, kb: KnowledgeBase
) -> None:
    text = f"Change: expire the audit bucket objects older than 90 days\nRollback: {rollback}"
    assert "one-way" in _traits(text, kb)


def test_deleting_identities_said_to_be_unused_locks_nobody_out(kb: KnowledgeBase) -> None:
    used = "Delete the 6 IAM users of the data team in the prod account"
    assert "one-way" in _traits(used, kb)
    unused = f"Change: {used}\nImpact: none, inactive for 200 days"
    assert "one-way" not in _traits(unused, kb)


def test_what_is_documented_already_is_no_docs_work(kb: KnowledgeBase) -> None:
    text = "Add a default-deny network policy to prod checkout allowing only the documented flows"
    assert _category(text, kb) != "documentation"
    assert _category("Write down the allowed flows of prod checkout", kb) == "documentation"


def test_a_list_of_one_kind_is_no_move_between_them(kb: KnowledgeBase) -> None:
    listed = "Move the volumes of the prod Cassandra and MongoDB StatefulSets to gp3"
    assert "data-migration" not in _traits(listed, kb)
    assert "data-migration" in _traits("Move the prod orders store from MongoDB to Cassandra", kb)


def test_a_quoted_title_names_what_a_panel_or_an_alert_shows(kb: KnowledgeBase) -> None:
    assert _category("Add a 'DNS failures by resolver' panel to the platform dashboard", kb) == (
        "observability"
    )


def test_a_change_from_one_cluster_to_another_is_coordinated_across_clusters(
    kb: KnowledgeBase,
) -> None:
    text = "Replicate the orders topics from the prod Kafka cluster to the DR cluster in us-west-2"
    assert spec_draft(text, kb.knowledge).body["enhancement"]["scope"] == "multi-cluster"
    one = "Replicate the orders topics to S3 from the prod Kafka cluster"
    assert spec_draft(one, kb.knowledge).body["enhancement"]["scope"] != "multi-cluster"


def test_node_to_node_encryption_is_in_transit(kb: KnowledgeBase) -> None:
    said = _traits("Enable node-to-node encryption on the prod search domain", kb)
    assert "encryption" in said and "downtime" not in said


def test_data_being_scraped_through_public_read_is_an_emergency_not_a_removal(
    kb: KnowledgeBase,
) -> None:
    text = "Remove public-read from the invoices bucket now, invoices are being scraped"
    plan = _plan(text, kb)
    assert "emergency" in {t.trait for t in plan.change_model}
    assert plan.decisions["category"].value != "decommissioning"


def test_a_commit_scope_names_the_area_not_a_second_store(kb: KnowledgeBase) -> None:
    text = "perf(postgres): move the reporting RDS to gp3 storage"
    assert "data-migration" not in _traits(text, kb)
    scoped = _risk("feat(search/prod): enable slow logs on the search domain", kb)
    assert scoped == _risk("feat(search): enable slow logs on the search domain in prod", kb)


def test_messages_left_in_a_queue_are_data(kb: KnowledgeBase) -> None:
    assert "one-way" in _traits("Delete the payments DLQ and its 30k unprocessed messages", kb)


def test_a_compound_name_said_again_is_one_name(kb: KnowledgeBase) -> None:
    text = "Require TLS on the ElastiCache Redis sessions cache and point clients at rediss://"
    said = _traits(text, kb)
    assert "data-migration" not in said and "traffic-enforcement" in said


def test_fewer_data_nodes_is_no_class_change(kb: KnowledgeBase) -> None:
    text = "Shrink the prod logs OpenSearch domain from 6 to 3 data nodes"
    assert "downtime" not in _traits(text, kb)


def test_preview_environments_in_dev_ask_for_no_business_case(kb: KnowledgeBase) -> None:
    plan = _plan("Turn on preview environments for pull requests in the dev cluster", kb)
    assert "business-case-validation" not in plan.decisions["reviews"].value
    assert plan.decisions["risk"].value == "low"


def test_what_is_no_longer_needed_is_removed_and_a_pdb_is_no_failover(kb: KnowledgeBase) -> None:
    assert _category("We no longer need the Memcached VMs now that Redis took over", kb) == (
        "decommissioning"
    )
    assert _category("Add a PDB and topology spread constraints to the Redis StatefulSet", kb) == (
        "reliability"
    )
    assert _risk("Add a PDB and topology spread constraints to the Redis StatefulSet", kb) in {
        "low",
        "medium",
    }
