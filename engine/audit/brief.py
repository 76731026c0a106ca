"""Agent briefs: the seed's Task() prompt for each stage and agent (knowledge/briefs.yaml), filled
with one plan's facts — the stage's decisions with their reasons, integration points
(file:line), the current state, findings, and the rollout steps of the agent's part.

The text is a pure function of the plan and the knowledge: no model is called, and the same plan
gives the same brief, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.core.errors import InputError, Problem
from engine.knowledge.evidence import BriefTask
from engine.knowledge.model import Knowledge
from engine.plan.model import Plan, StagePlan

MAX_POINTS = 30
MAX_STATE = 40


def _quoted(text: str) -> str:
    """Text inside the prompt's double quotes, on one line: a name read from a repository cannot
    end the prompt or its code block (newlines become spaces, a code fence is escaped)."""
    one_line = " ".join(text.split("\n")).replace("\r", " ")
    fenced = one_line.replace("\\", "\\\\").replace('"', '\\"')
    return fenced.replace("```", "\\`\\`\\`")


def _capped(lines: list[str], limit: int, what: str) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"- … and {len(lines) - limit} more {what} (in the plan)"]


def _decisions(plan: Plan, stage: StagePlan) -> list[str]:
    out = []
    for dim in stage.decisions or list(plan.decisions):
        decision = plan.decisions.get(dim)
        if decision is None:
            continue
        value = decision.value
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        out.append(f"- {dim}: {shown or 'none'}")
        out += [f"  - because {t.because} ({t.rule}, {t.source})" for t in decision.trace]
    return out


def _points(plan: Plan) -> list[str]:
    lines = []
    for p in plan.integration_points:
        where = ", ".join(p.environments or p.clusters) or "no environment evidenced"
        owners = f"; owners {', '.join(p.owners)}" if p.owners else ""
        version = f" {p.version}" if p.version else ""
        lines.append(f"- {p.id} — {p.what}{version} ({p.kind}; {where}{owners})")
    return _capped(lines, MAX_POINTS, "integration points")


def _state(plan: Plan) -> list[str]:
    lines = [f"- {s.subject} {s.attribute}: {s.value} ({s.at})" for s in plan.current_state]
    return _capped(lines, MAX_STATE, "current-state entries")


def _findings(plan: Plan) -> list[str]:
    lines = [
        f"- [{f.severity}] {f.message} ({f.rule}"
        + (f"; {', '.join(f.evidence[:5])}" if f.evidence else "")
        + ")"
        for f in plan.findings
    ]
    lines += [f"- [{v.severity}] {v.message} ({v.rule}, {v.at})" for v in plan.violations]
    return lines


def _rollout(plan: Plan, layers: list[str] | None) -> list[str]:
    lines = []
    for s in plan.rollout_steps:
        if layers is not None and s.layer not in layers:
            continue
        how = f" · {s.controller}" if s.controller else ""
        lines.append(f"- {s.order}. {s.stage} · {s.layer}{how}: {s.action}")
        if s.done:
            lines.append(f"  - already in place: {s.done}")
            continue
        lines += [f"  - validate: {s.validation}", f"  - rollback: {s.rollback}"]
        if s.point_of_no_return:
            lines.append(f"  - point of no return: {s.point_of_no_return}")
    return lines


def _phases(plan: Plan) -> list[str]:
    return [
        f"- {p.name}: {p.task}" + (f" (already in place: {p.done})" if p.done else "")
        for p in plan.implementation_phases
    ]


def _tests(plan: Plan) -> list[str]:
    return [f"- {t}" for t in plan.tests] + [f"- acceptance: {a}" for a in plan.acceptance_criteria]


def _metrics(plan: Plan) -> list[str]:
    lines = []
    for m in plan.success_metrics:
        lines.append(f"- {m.title}: {m.measure} — how: {m.how}")
        if m.target:
            lines.append(f"  - target: {m.target}")
        base = m.baseline
        lines.append(
            f"  - baseline: {base.value} ({', '.join(base.at)})"
            if base
            else "  - baseline: none in this estate's facts"
        )
    return lines


SECTIONS: dict[str, tuple[str, Callable[[Plan], list[str]]]] = {
    "integration_points": ("Integration points", _points),
    "current_state": ("Current state", _state),
    "findings": ("Findings", _findings),
    "phases": ("Implementation phases", _phases),
    "tests": ("Tests and acceptance criteria", _tests),
    "metrics": ("Success metrics", _metrics),
}


def _task(plan: Plan, stage: StagePlan, task: BriefTask, agent: str | None) -> list[str]:
    e = plan.enhancement
    group = next((g for g in stage.groups if g.title == task.group), None)
    agents = [agent] if agent else task.agents
    lines = [
        f"### {task.description} — {', '.join(agents)}",
        "",
        "```",
        f'Task(description="{_quoted(task.description)}", prompt="',
        _quoted(task.intro),
        *(f"- {_quoted(t)}" for t in (group.tasks if group else [])),
        "",
        "Ground every answer in this plan's facts (infraplan, deterministic):",
        _quoted(
            f"Enhancement: {e.name} — {e.summary} (category {e.category}, scope {e.scope}"
            + (f", pattern {plan.pattern.id}" if plan.pattern else "")
            + ")"
        ),
    ]
    if stage.specific:
        lines += ["This stage, for this plan:", *(f"- {_quoted(s)}" for s in stage.specific)]
    for section in task.grounding:
        if section == "decisions":
            title, body = "Decisions (rule, source)", _decisions(plan, stage)
        elif section == "rollout":
            title = "Rollout steps" + (f" ({agent}'s part)" if agent in task.layers else "")
            body = _rollout(plan, task.layers.get(agent) if agent else _union(task))
        else:
            title, body = SECTIONS[section][0], SECTIONS[section][1](plan)
        lines.append(f"{title}:")
        lines += [_quoted(b) for b in body] or ["- none"]
    lines += [f'", subagent_type="{task.subagent_type}")', "```", ""]
    return lines


def _union(task: BriefTask) -> list[str] | None:
    """The layers of all the task's agents; None (every step) when one of them has no limit."""
    if any(a not in task.layers for a in task.agents):
        return None
    return sorted({layer for a in task.agents for layer in task.layers[a]})


def render_brief(
    plan: Plan, k: Knowledge, plan_name: str, agent: str | None = None, stage: int | None = None
) -> str:
    """The briefs of every stage and agent, or of one stage and/or one agent; InputError listing
    the valid ones when the stage or agent has none."""
    numbers = sorted(s.number for s in plan.stages)
    agents = sorted({a for b in k.briefs for t in b.tasks for a in t.agents})
    if stage is not None and stage not in numbers:
        raise _invalid(f"no stage {stage}; stages are {', '.join(map(str, numbers))}")
    if agent is not None and agent not in agents:
        raise _invalid(f'no brief for agent "{agent}"; agents are {", ".join(agents)}')
    out = [
        f"# Agent briefs: {plan.enhancement.name}",
        "",
        f"The seed's Task() prompts, filled with the facts of {plan_name} (infraplan "
        f"{plan.tool.version}). Deterministic text: no model wrote it.",
        "",
    ]
    shown = 0
    for s in sorted(plan.stages, key=lambda s: s.number):
        if stage is not None and s.number != stage:
            continue
        tasks = [
            t
            for b in k.briefs
            if b.stage == s.id
            for t in b.tasks
            if agent is None or agent in t.agents
        ]
        if not tasks:
            continue
        out += [f"## Stage {s.number}: {s.title} ({s.timebox})", ""]
        for task in tasks:
            out += _task(plan, s, task, agent)
            shown += 1
    if not shown:
        here = sorted(
            {a for b in k.briefs for t in b.tasks for a in t.agents if _in(b.stage, plan, stage)}
        )
        raise _invalid(
            f'agent "{agent}" has no task in stage {stage}; its agents are {", ".join(here)}'
        )
    return "\n".join(out)


def _in(stage_id: str, plan: Plan, number: int | None) -> bool:
    return any(s.id == stage_id and (number is None or s.number == number) for s in plan.stages)


def _invalid(message: str) -> InputError:
    return InputError([Problem("brief", 0, 0, message)])
