"""A request written as a change ticket's fields ("Change:", "Reason:", "Impact:", "Rollback:",
"Window:"), as a change-advisory board receives it (engine/spec/ticket.py): the change fields are
what is asked, the other fields are context, and the rollback, window and risk fields are what
the owners declare."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.spec.intake import match_text, spec_draft
from engine.spec.ticket import ticket
from tests.spec.plans import category as _category
from tests.spec.plans import plan as _plan
from tests.spec.plans import risk as _risk
from tests.spec.plans import traits as _traits


def test_fields_are_split_by_their_labels(kb: KnowledgeBase) -> None:
    text = (
        "Resize the sessions Redis\n"
        "- **Reason:** memory at 85%\n"
        "  evictions since Monday\n"
        "Impact: none\n"
        "Rollback: resize back"
    )
    fields = ticket(text, kb.knowledge.reading_rules)
    assert fields is not None
    assert fields.text("change") == "Resize the sessions Redis"
    # an unlabelled line goes on with the field before it; "Impact: none" says nothing
    assert fields.text("context") == "memory at 85%\nevictions since Monday"
    assert fields.text("rollback") == "resize back"


@pytest.mark.parametrize(
    "text",
    [
        "Add PDBs to the checkout chart\nNode upgrades keep evicting every replica.",
        "Reason: the disk is nearly full",  # a reason alone asks for nothing
        "Docs: Proxmox host patching runbook",  # an unknown label is part of the title
    ],
)
def test_a_text_without_a_change_field_is_no_ticket(text: str, kb: KnowledgeBase) -> None:
    assert ticket(text, kb.knowledge.reading_rules) is None


def test_a_reason_or_an_impact_names_no_change_of_its_own(kb: KnowledgeBase) -> None:
    plain = "Change: add a Grafana dashboard for Loki ingestion rates"
    ticketed = (
        f"{plain}\nReason: the Kafka brokers were upgraded and Vault failed over last week\n"
        "Impact: none\nRollback: delete the dashboard"
    )
    assert _category(ticketed, kb) == _category(plain, kb) == "observability"
    assert _risk(ticketed, kb) == _risk(plain, kb) == "low"
    # the label "Change:" is no change of its own either
    assert match_text(plain, kb.knowledge).concepts == match_text(plain[8:], kb.knowledge).concepts


def test_an_impact_still_says_what_the_change_does(kb: KnowledgeBase) -> None:
    text = "Change: move the reporting Postgres to gp3 volumes\nDowntime: 10 minutes"
    assert "downtime" in _traits(text, kb)
    assert "downtime" not in _traits(text.replace("10 minutes", "none"), kb)


@pytest.mark.parametrize(
    ("rollback", "one_way"),
    [
        ("not possible, the old keys are revoked", True),
        ("None once the protocol version is raised", True),
        ("none needed, it only adds a label", False),
        ("helm rollback to the previous revision", False),
    ],
)
def test_a_rollback_that_says_there_is_none_makes_the_change_one_way(
    rollback: str, one_way: bool, kb: KnowledgeBase
) -> None:
    text = f"Change: rotate the Vault unseal keys\nRollback: {rollback}"
    body = spec_draft(text, kb.knowledge).body
    assert ("one-way" in _traits(text, kb)) is one_way
    assert (body.get("reversible") is False) is one_way
    assert ("rollback" in body) is not one_way


def test_a_risk_field_is_the_owners_floor_and_a_schedule_is_a_booked_window(
    kb: KnowledgeBase,
) -> None:
    plain = "Change: enable Performance Insights on the orders RDS in prod"
    assert _risk(plain, kb) in {"low", "medium"}
    assert _risk(f"{plain}\nRisk: high", kb) == "high"
    assert _risk(f"{plain}\nRisk: low", kb) == _risk(plain, kb)  # a low rating is no evidence
    booked = _plan(f"{plain}\nSchedule: Sat 02:00-04:00 UTC", kb)
    assert booked.decisions["implementation_strategy"].value == "maintenance-window"
    unbooked = _plan(f"{plain}\nSchedule: after the audit", kb)
    assert unbooked.decisions["implementation_strategy"].value != "maintenance-window"


def test_an_out_of_scope_field_is_left_out(kb: KnowledgeBase) -> None:
    text = "Change: upgrade cert-manager to v1.15 on every cluster\nOut of scope: prod"
    draft = spec_draft(text, kb.knowledge).body["enhancement"]
    assert "prod" not in draft.get("environments", ["prod"])


@pytest.mark.parametrize(
    "text",
    [
        "is it possible to add an alert on Kafka consumer lag?",
        "is there a way to get alerts when the Kafka consumer lag goes over 10k?",
    ],
)
def test_a_question_that_suggests_a_change_is_a_request(text: str, kb: KnowledgeBase) -> None:
    assert _category(text, kb) == "observability"


def test_dropping_a_column_deletes_data_and_a_route_table_is_no_table(kb: KnowledgeBase) -> None:
    assert "one-way" in _traits("drop the unused column legacy_flags from the users table", kb)
    nat = "Replace the prod NAT gateway with one NAT gateway per AZ and per-AZ route tables"
    assert "one-way" not in _traits(nat, kb)


def test_a_major_version_of_what_carries_every_request_is_high_in_prod(kb: KnowledgeBase) -> None:
    major = _plan("Upgrade Traefik from 2.10 to 3.0 on prod", kb)
    assert major.decisions["risk"].value == "high"
    assert major.decisions["deployment_strategy"].value == "canary"
    assert _risk("Upgrade Traefik from 3.0 to 3.1 on prod", kb) == "medium"
    assert _risk("Upgrade Traefik from 2.10 to 3.0 in dev", kb) in {"low", "medium"}


def test_a_namespace_for_a_team_is_developer_experience(kb: KnowledgeBase) -> None:
    assert _category("create a new staging namespace for the search team", kb) == (
        "developer-experience"
    )
