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


NODES = """\
enhancement:
  name: nodes
  category: cost-optimization
  scope: cluster-wide
  summary: {summary}
  environments: [prod]
implementation_phases:
  - {phase}: {task}
"""


def _traits(kb: KnowledgeBase, summary: str, task: str, phase: str = "node-pools") -> set[str]:
    text = NODES.format(summary=summary, phase=phase, task=task)
    loaded = parse_spec(text, kb.knowledge, "spec.yaml")
    phases = loaded.spec.implementation_phases
    return {t.trait for t in change_model(loaded, kb.knowledge, None, phases)}


def test_a_node_pools_phase_replaces_nodes_unless_its_task_adds_a_pool(kb: KnowledgeBase) -> None:
    """A phase named node-pools is a node change ("optimize the spot configurations" drifts
    the nodes there); one whose task adds a pool is read by its task's words."""
    summary = "Cheaper nodes for the batch workers"
    assert "node-disruption" in _traits(kb, summary, "Optimize spot instance configurations")
    added = _traits(kb, summary, "Add a spot NodePool with a diversified instance list")
    assert "node-disruption" not in added and "interruptible-capacity" in added
    moved = _traits(kb, summary, "Add arm64 NodePools and move opted-in services onto them")
    assert "node-disruption" not in moved and "capacity-move" in moved


TF = ("Terraform changes", "terraform")


def test_moving_workloads_onto_spot_or_new_hardware_is_not_a_node_replacement(
    kb: KnowledgeBase,
) -> None:
    """Workloads moved onto a new pool are rescheduled once; the nodes already there stay.
    Moving the node pools themselves replaces their nodes."""
    spot = _traits(kb, "Move batch workloads to spot capacity via a Karpenter NodePool", *TF)
    assert "interruptible-capacity" in spot and "node-disruption" not in spot
    arm = _traits(kb, "Move stateless prod services to Graviton node pools", *TF)
    assert "capacity-move" in arm and "node-disruption" not in arm
    pools = _traits(kb, "Migrate the node groups to Bottlerocket", *TF)
    assert "node-disruption" in pools


def test_a_phase_is_no_evidence_of_what_the_request_rules_out(kb: KnowledgeBase) -> None:
    """A drafted "policies" phase is no admission change when the request says audit only."""
    loaded = parse_spec(
        NODES.format(
            summary="Do not enforce yet, put the image-signature policy in audit mode only",
            phase="policies",
            task="Policies in Audit, then Enforce",
        ),
        kb.knowledge,
        "spec.yaml",
    )
    phases = loaded.spec.implementation_phases
    traits = {t.trait for t in change_model(loaded, kb.knowledge, None, phases)}
    assert "admission" not in traits
