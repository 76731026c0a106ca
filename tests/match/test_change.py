"""The change model: traits from the category, the pattern, the words and the phases."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.match.change import change_model, only_describes
from engine.spec.intake import spec_from_request
from engine.spec.load import parse_spec

RUNBOOK = """\
enhancement:
  name: rotation-runbook
  category: secret-management
  scope: multi-environment
  summary: {summary}
  environments: [prod]
implementation_phases:
{phases}
"""


def _spec(kb: KnowledgeBase, summary: str, phases: str) -> object:
    text = RUNBOOK.format(summary=summary, phases=phases)
    return parse_spec(text, kb.knowledge, "spec.yaml")


def test_a_spec_whose_every_phase_only_describes_changes_nothing(kb: KnowledgeBase) -> None:
    summary = "Document how to revoke and rotate the production RDS master password in an emergency"
    loaded = _spec(kb, summary, "  - documentation: Write the break-glass runbook\n")
    assert only_describes(loaded, kb.knowledge)  # type: ignore[arg-type]
    traits = change_model(loaded, kb.knowledge, None, [])  # type: ignore[arg-type]
    assert traits == []  # not the category's credentials, nor the words' emergency


def test_one_phase_that_changes_something_keeps_every_trait(kb: KnowledgeBase) -> None:
    summary = "Rotate the production RDS master password and document it"
    phases = "  - terraform: Rotation Lambda\n  - documentation: Runbook\n"
    loaded = _spec(kb, summary, phases)
    assert not only_describes(loaded, kb.knowledge)  # type: ignore[arg-type]
    traits = {t.trait for t in change_model(loaded, kb.knowledge, None, [])}  # type: ignore[arg-type]
    assert "handles-credentials" in traits


def test_a_sentence_is_never_taken_as_describing_by_its_phases(kb: KnowledgeBase) -> None:
    loaded = spec_from_request("Rotate the prod RDS master password", kb.knowledge, [])
    assert not only_describes(loaded, kb.knowledge)
