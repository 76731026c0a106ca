"""Faults found by held-out set 10, each checked on sentences of our own: versions reached with
"take it to", "dev first", casual urgency, monitors made inside a tool, a store's own cleanup,
archives as a way back, symptoms that are no take-back, cold tiers, identity providers swapped,
deallocation, parallel runs in other words, and drafts whose phases are only suggestions."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.intake import read
from tests.spec.plans import plan as _plan
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def test_take_it_to_a_version_is_an_upgrade(kb: KnowledgeBase) -> None:
    reading = read("Our billing DB runs MySQL 5.7. Please take it to 8.0 in prod.", kb.knowledge)
    assert "upgrade" in reading.concepts


def test_dev_first_is_where_the_change_starts(kb: KnowledgeBase) -> None:
    assert read("Roll out the new Vault agent, dev first", kb.knowledge).environments[-1] == "prod"
    assert read("Roll out the new Vault agent in dev only", kb.knowledge).environments == ("dev",)


def test_asap_is_no_security_emergency(kb: KnowledgeBase) -> None:
    assert "emergency" not in _traits(
        "Renew the Grafana TLS certificate asap, it expires Monday", kb
    )
    assert "emergency" in _traits("Our Slack bot token leaked in a public repo; revoke it", kb)


def test_a_monitor_made_inside_a_tool_brings_in_no_tool(kb: KnowledgeBase) -> None:
    assert "new-tool" not in _traits(
        "Add an error rate monitor in Datadog for the cart service", kb
    )


def test_a_stores_own_cleanup_is_no_decommission(kb: KnowledgeBase) -> None:
    plan = _plan("Add two nodes to the prod ScyllaDB cluster and run cleanup afterwards", kb)
    assert plan.decisions["category"].value != "decommissioning"


def test_an_archive_is_a_way_back(kb: KnowledgeBase) -> None:
    traits = _traits("Shut down the old TeamCity server and archive its data to cold storage", kb)
    assert "one-way" not in traits


def test_a_symptom_that_keeps_recurring_is_no_take_back(kb: KnowledgeBase) -> None:
    reading = read("prod keeps timing out on the search API; raise its HPA max to 40", kb.knowledge)
    assert "prod" in reading.environments


def test_older_data_moved_to_a_cold_tier_is_a_stateful_change(kb: KnowledgeBase) -> None:
    traits = _traits("Tier prod ClickHouse data older than 90 days to S3 with a TTL MOVE rule", kb)
    assert "stateful-data" in traits and "one-way" not in traits


def test_one_identity_provider_replaced_by_another_is_high(kb: KnowledgeBase) -> None:
    assert _risk("Move our Grafana and AWS logins from Okta to Microsoft Entra ID", kb) == "high"
    # one provider named twice ("Okta SSO") replaces nothing
    assert "core-replacement" not in _traits("Put Argo CD behind Okta SSO", kb)


def test_a_vm_that_must_be_deallocated_goes_down(kb: KnowledgeBase) -> None:
    assert "downtime" in _traits("Resize the prod Azure SQL VMs; each has to be deallocated", kb)


@pytest.mark.parametrize(
    "text",
    [
        "Run the OpenTelemetry collector next to the old Fluentd agent for a week, then remove Fluentd",
        "dual-run the new ingress for two weeks before cutting over",
    ],
)
def test_parallel_runs_in_other_words(kb: KnowledgeBase, text: str) -> None:
    assert "parallel-run" in read(text, kb.knowledge).concepts


def test_a_draft_at_category_level_plans_as_its_sentence(kb: KnowledgeBase) -> None:
    from engine.spec.intake import spec_text
    from engine.spec.load import parse_spec

    sentence = "Require signed tags on the release repos through GitHub rulesets"
    text, _ = spec_text(sentence, kb.knowledge, [])
    drafted = build_plan(parse_spec(text, kb.knowledge, "draft.yaml"), kb, None)
    said = _plan(sentence, kb)
    assert drafted.decisions["risk"].value == said.decisions["risk"].value
