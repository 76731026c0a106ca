"""Prose: the plan's summary, stage narratives and runbook wording, written from the decisions.

Rules decide; prose only words what they decided. Every plan carries this template prose
(deterministic); with `--llm MODEL` a model may redraft the same sections (engine/plan/llm.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from engine.core.models import Out
from engine.plan.stages import deploying_stages


class Drafted(Out):
    model: str
    prompt_sha256: str


class ProseSection(Out):
    id: str  # summary, stage:<id>, runbook:rollout, runbook:rollback
    title: str
    text: str
    drafted_by: Drafted | None = None


class Prose(Out):
    sections: list[ProseSection] = Field(default_factory=list)

    def get(self, section_id: str) -> ProseSection | None:
        return next((s for s in self.sections if s.id == section_id), None)


def value_text(plan: Any, dim: str) -> str:
    value = plan.decisions[dim].value
    if isinstance(value, list):
        return ", ".join(value) if value else "none"
    return str(value or "undecided")


def _stages(plan: Any) -> str:
    """Where the rollout goes, as evidence or the spec has it."""
    stages = deploying_stages(plan.rollout_steps)
    if not stages:
        return "with nothing to roll out"
    if stages == ["all"]:
        return "in one stage (no environment or cluster is evidenced)"
    return "across " + " → ".join(stages)


def template_prose(plan: Any) -> Prose:
    e = plan.enhancement
    sections = []
    what = (
        f"{plan.pattern.title} ({plan.pattern.id})"
        if plan.pattern
        else f"a {e.category} enhancement"
    )
    touches = ""
    if plan.impact is not None:
        touches = f" It touches {len(plan.integration_points)} integration point(s) in {', '.join(plan.impact.repos) or 'no repository'}, owned by {', '.join(plan.impact.owners) or 'unknown owners'}, with {plan.impact.dependents_total} dependent object(s)."
    findings = (
        f" {len(plan.findings)} finding(s) need attention before work starts."
        if plan.findings
        else ""
    )
    sections.append(
        ProseSection(
            id="summary",
            title="Summary",
            text=(
                f"{e.name} is {what}. Risk is {value_text(plan, 'risk')}, so the implementation strategy is {value_text(plan, 'implementation_strategy')} "
                f"with a {value_text(plan, 'deployment_strategy')} deployment {_stages(plan)}."
                f"{touches}{findings} Required reviews: {value_text(plan, 'reviews')}."
            ),
        )
    )
    for stage in plan.stages:
        decided = "; ".join(f"{d} {value_text(plan, d)}" for d in stage.decisions)
        first = (
            f" For this enhancement: {stage.specific[0]}"
            + ("." if not stage.specific[0].endswith(".") else "")
            if stage.specific
            else ""
        )
        sections.append(
            ProseSection(
                id=f"stage:{stage.id}",
                title=f"Stage {stage.number}",
                text=f"{', '.join(stage.agents)} lead this stage ({stage.timebox}).{' Decided here: ' + decided + '.' if decided else ''}{first} It ends with: {stage.output.lower()}.",
            )
        )
    steps = plan.rollout_steps
    sections.append(
        ProseSection(
            id="runbook:rollout",
            title="Rollout runbook",
            text=" ".join(f"{s.order}. {s.action}; check: {s.validation}." for s in steps)
            or "No rollout steps.",
        )
    )
    sections.append(
        ProseSection(
            id="runbook:rollback",
            title="Rollback runbook",
            text=" ".join(f"{s.order}. {s.rollback}." for s in plan.rollback_steps)
            or "No rollback steps.",
        )
    )
    return Prose(sections=sections)
