"""The rollout in the Markdown plan: the steps (controller, validation, rollback, points of no
return, work already done), the timeline with the steps' own durations, and a short rollback
summary instead of a table mirroring the rollout."""

from __future__ import annotations

import re

from engine.plan.model import Plan
from engine.plan.stages import deploying_stages
from engine.render.markdown_parts import Add, clip, drafted_note, table

GANTT_LABEL = 60


def _gantt_label(text: str) -> str:
    """A gantt task or section name: no ':' (it separates the name from its dates), '#' or ';',
    cut after a whole word."""
    return clip(" ".join(re.sub(r'[:#;"<>{}\[\]|`]', " ", text).split()), GANTT_LABEL)


def rollout(add: Add, plan: Plan) -> None:
    if not plan.rollout_steps:
        return
    add("## Rollout")
    add("")
    if deploying_stages(plan.rollout_steps):
        add(f"Stages: {' → '.join(deploying_stages(plan.rollout_steps))}.")
        add("")
    rows = []
    for s in plan.rollout_steps:
        reason = s.done[:1].lower() + s.done[1:]
        action = f"✓ Already done ({reason}): {s.action}" if s.done else s.action
        rollback = f"⚠ {s.point_of_no_return}. {s.rollback}" if s.point_of_no_return else s.rollback
        rows.append(
            [str(s.order), s.stage, s.layer, s.controller or "—", action, s.validation, rollback]
        )
    table(
        add,
        ["#", "Stage", "Layer", "Controller", "Action", "Validation", "Rollback"],
        rows,
        "Rollout steps",
    )
    timeline(add, plan)
    _drafted_runbook(add, plan, "runbook:rollout")


def _drafted_runbook(add: Add, plan: Plan, section_id: str) -> None:
    """A runbook a model drafted (the template's is the table or summary above it)."""
    runbook = plan.prose.get(section_id)
    if runbook is not None and runbook.drafted_by is not None:
        add(f"### {runbook.title}")
        add("")
        add(runbook.text)
        add("")
        drafted_note(add, runbook)


def timeline(add: Add, plan: Plan) -> None:
    """The plan as a Gantt chart: the planning stages' timeboxes, then each rollout step that is
    still to do, for the minutes its knowledge gives it."""
    steps = [s for s in plan.rollout_steps if not s.done]
    if not steps:
        return
    add("```mermaid")
    add("gantt")
    add("  title Plan timeline")
    add("  dateFormat HH:mm")
    add("  axisFormat %H:%M")
    add("  section Planning")
    previous = ""
    for stage in plan.stages:
        if stage.holds_rollout:
            break
        task_id = f"s{stage.number}"
        start = "00:00" if not previous else f"after {previous}"
        add(f"  {_gantt_label(stage.title)} :{task_id}, {start}, {stage.minutes}m")
        previous = task_id
    current = ""
    for step in steps:
        if step.stage != current:
            current = step.stage
            add(f"  section {_gantt_label('Rollout ' + current)}")
        task_id = f"r{step.order}"
        label = _gantt_label(f"{step.order}. {step.action}")
        add(f"  {label} :{task_id}, after {previous}, {step.minutes}m")
        previous = task_id
    add("```")
    add("")


def rollback(add: Add, plan: Plan) -> None:
    if plan.rollback_summary:
        add("## Rollback")
        add("")
        for line in plan.rollback_summary:
            add(f"- {line}")
        add("")
    _drafted_runbook(add, plan, "runbook:rollback")
    if plan.emergency_stop:
        add("## Emergency stop")
        add("")
        for item in plan.emergency_stop:
            add(f"- {item}")
        add("")
