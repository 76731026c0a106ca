"""The plan's sections that come from knowledge and decisions: the pattern reference, the experts
and what they raised, the six stages with their agents, notes and tasks in this estate's words."""

from __future__ import annotations

from collections.abc import Callable

from engine.decide.results import Decision
from engine.knowledge.grounding import InPlaceEffect
from engine.knowledge.model import Knowledge, Pattern
from engine.match.choose import PatternChoice
from engine.plan.ground import Grounding, ground_texts
from engine.plan.model import ExpertRole, PatternRef, StagePlan, TaskGroupPlan
from engine.plan.wording import pattern_notes, stage_agents
from engine.spec.model import LoadedSpec


def pattern_ref(pattern: Pattern | None, choice: PatternChoice) -> PatternRef | None:
    if pattern is None:
        return None
    return PatternRef(
        id=pattern.id,
        title=pattern.title,
        source=pattern.source,
        reason=choice.reason,
        confidence=choice.confidence,
        runners_up=[c for c in choice.candidates if c.pattern != pattern.id][:3],
    )


def experts(
    loaded: LoadedSpec, k: Knowledge, decisions: dict[str, Decision], pattern: Pattern | None
) -> list[ExpertRole]:
    tasks: dict[str, list[str]] = {}
    for a in loaded.spec.planning_agents:
        tasks.setdefault(a.agent, []).append(a.task)
    rules: dict[str, set[str]] = {}
    for d in decisions.values():
        for t in d.trace:
            rules.setdefault(t.expert, set()).add(t.rule)
    roles = []
    for expert in k.experts:  # knowledge order: stable and meaningful
        if expert.id in tasks or expert.id in rules:
            roles.append(
                ExpertRole(
                    id=expert.id,
                    title=expert.title,
                    tasks=[t for t in tasks.get(expert.id, []) if t],
                    covers=list(expert.covers),
                    rules=sorted(rules.get(expert.id, set())),
                )
            )
    return roles


def stages(
    k: Knowledge,
    decisions: dict[str, Decision],
    pattern: Pattern | None,
    loaded: LoadedSpec,
    effects: list[InPlaceEffect],
    reword: Callable[[str], str],
    grounded: Grounding,
) -> list[StagePlan]:
    """The six stages, their tasks and notes filled from this plan's rollout and kept only
    where they speak of what the plan has (engine/plan/ground.py)."""
    assigned = [a.agent for a in loaded.spec.planning_agents]
    out = []
    for stage in sorted(k.stages, key=lambda s: s.number):
        notes = ground_texts(pattern_notes(pattern, stage.id, effects, reword), k, grounded)
        out.append(
            StagePlan(
                id=stage.id,
                number=stage.number,
                title=stage.title,
                timebox=stage.timebox,
                minutes=stage.minutes,
                holds_rollout=stage.holds_rollout,
                agents=stage_agents(
                    k, stage.id, decisions, notes, assigned if stage.planning else [], stage.agents
                ),
                groups=[
                    TaskGroupPlan(
                        title=g.title,
                        agents=list(g.agents),
                        tasks=ground_texts([reword(t) for t in g.tasks], k, grounded),
                    )
                    for g in stage.groups
                ],
                specific=notes,
                decisions=[d.id for d in k.dimensions if d.stage == stage.id],
                output=stage.output,
            )
        )
    return out
