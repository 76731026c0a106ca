"""Rollout step texts: a layer's wording filled with its controller's (how it applies, checks and
undoes), the targets a step deploys, the steps that cannot be undone, and the short rollback
summary a plan prints instead of mirroring every step."""

from __future__ import annotations

from engine.knowledge.grounding import ControllerText, Reversibility
from engine.knowledge.model import Knowledge
from engine.knowledge.rollout import RolloutLayer, StepText
from engine.match.upgrade_path import Hop
from engine.plan.stages import RolloutStep, Target

MAX_DESCRIBED = 6


def describe(targets: list[Target]) -> str:
    """`HelmRelease cert-manager/cert-manager (1.x), NodePool default and 3 more`: whole names,
    never cut."""
    shown = [t.what + (f" ({t.version})" if t.version else "") for t in targets[:MAX_DESCRIBED]]
    more = len(targets) - MAX_DESCRIBED
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def before_hop(hop: Hop, where: str) -> StepText:
    """The step before a hop to another major version: its checks, which change nothing."""
    return StepText(
        action=f"Before the hop {hop.text}{where}: "
        + "; ".join(c[:1].lower() + c[1:] for c in hop.checks),
        validation="Every item above holds before the hop starts",
        rollback="Nothing to undo: these checks change nothing",
        minutes=30,
    )


def layer_text(layer: RolloutLayer, controller: ControllerText | None) -> StepText:
    """The layer's texts, its {apply}, {validation} and {rollback} said the controller's way."""
    fill = {
        "apply": controller.apply if controller else "",
        "validation": controller.validation if controller else "",
        "rollback": controller.rollback if controller else "",
    }

    def said(text: str) -> str:
        for key, value in fill.items():
            text = text.replace("{" + key + "}", value)
        return text

    return StepText(
        action=said(layer.action),
        validation=said(layer.validation),
        rollback=said(layer.rollback),
        minutes=layer.minutes,
    )


def _entry_for(
    step: RolloutStep, by_id: dict[str, Target], entries: list[Reversibility]
) -> Reversibility | None:
    chosen = [by_id[i] for i in step.targets if i in by_id]
    for entry in entries:
        if entry.default:
            continue
        if any(set(t.probes) & set(entry.probes) or t.resource in entry.terraform for t in chosen):
            return entry
    return None


def mark_one_way(
    steps: list[RolloutStep],
    targets: list[Target],
    knowledge: Knowledge,
    traits: set[str],
    deployment: str,
) -> list[RolloutStep]:
    """Steps that cannot be undone get their marker and honest rollback."""
    entries = [
        r
        for r in knowledge.reversibility
        if r.trait in traits and (not r.deployment or r.deployment == deployment)
    ]
    if not entries:
        return steps
    by_id = {t.id: t for t in targets}
    deploying = [i for i, s in enumerate(steps) if s.targets and not s.done]
    marked: dict[int, Reversibility] = {}
    for i in deploying:
        entry = _entry_for(steps[i], by_id, entries)
        if entry is not None:
            marked[i] = entry
    default = next((e for e in entries if e.default), None)
    if not marked and default is not None:
        first: dict[str, int] = {}
        for i in deploying:
            first.setdefault(steps[i].stage, i)
        marked = {i: default for i in first.values()}
    return [
        s.model_copy(
            update={"point_of_no_return": marked[i].marker, "rollback": marked[i].rollback}
        )
        if i in marked
        else s
        for i, s in enumerate(steps)
    ]


def rollback_summary(steps: list[RolloutStep]) -> list[str]:
    """How the rollout is undone, in a few lines: the order of the stages, each way back once
    (with the stages it applies to), and every point of no return."""
    deploying = [s for s in steps if s.targets and not s.done]
    if not deploying:
        return []
    stages = list(dict.fromkeys(s.stage for s in reversed(deploying)))
    lines = [
        "Undo stage by stage in reverse order, from the stage that failed: "
        + " → ".join(stages)
        + "."
        if len(stages) > 1
        else "Undo the steps in reverse order, from the step that failed."
    ]
    ways: dict[str, list[str]] = {}
    for s in reversed(deploying):
        if not s.point_of_no_return:
            ways.setdefault(s.rollback, [])
            if s.stage not in ways[s.rollback]:
                ways[s.rollback].append(s.stage)
    lines += [f"{text} ({', '.join(where)})." for text, where in ways.items()]
    lines += [
        f"Step {s.order} ({s.stage}) — {s.point_of_no_return}: {s.rollback}."
        for s in deploying
        if s.point_of_no_return
    ]
    return lines
