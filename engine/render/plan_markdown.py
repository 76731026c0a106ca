"""The plan as Markdown, for people reading it in a pull request: a one-screen summary, findings,
the current state and upgrade paths, decisions with reasons (one row per value), the estate
(integration points, impact, upgrade findings), the six stages, the rollout with validation and
rollback, Mermaid diagrams. Long lists fold."""

from __future__ import annotations

from engine.core.digest import short
from engine.decide.results import Decision
from engine.plan.model import Plan
from engine.plan.stages import deploying_stages
from engine.render import markdown_estate, markdown_rollout
from engine.render.markdown_parts import (
    Add,
    cell,
    clip,
    drafted_note,
    success_metrics,
    table,
)

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
FACTS_CELL = 160


def _value(decision: Decision) -> str:
    if isinstance(decision.value, list):
        return ", ".join(decision.value) if decision.value else "—"
    return decision.value or "—"


def _stages(plan: Plan) -> str:
    stages = deploying_stages(plan.rollout_steps)
    if not stages:
        return "none: nothing to roll out"
    if stages == ["all"]:
        return "one stage (no environment or cluster evidenced)"
    return " → ".join(stages)


def _decisions(add: Add, plan: Plan) -> None:
    """One row per decided value, the rules behind it listed together."""
    add("## Decisions")
    add("")
    rows: list[list[str]] = []
    for dim, decision in plan.decisions.items():
        if not decision.trace:
            reason = (
                "no rule concluded any"
                if isinstance(decision.value, list)
                else "no rule decided this"
            )
            rows.append([dim, "—", reason, "", ""])
            continue
        values = list(dict.fromkeys(t.value for t in decision.trace))
        for i, value in enumerate(values):
            traces = [t for t in decision.trace if t.value == value]
            why = " / ".join(dict.fromkeys(t.because for t in traces))
            rules = ", ".join(f"`{t.rule}` ({t.expert})" for t in traces)
            facts = "; ".join(
                sorted(
                    {
                        m.at or f"{m.fields.get('dimension')}={m.fields.get('value')}"
                        for t in traces
                        for m in t.facts
                        if m.at or m.type == "decision"
                    }
                )
            )
            rows.append([dim if i == 0 else "", value, why, rules, clip(facts, FACTS_CELL)])
    add("| Decision | Value | Why | Rules | Facts |")
    add("| --- | --- | --- | --- | --- |")
    for row in rows:
        add("| " + " | ".join(cell(c) for c in row) + " |")
    add("")


def _findings(add: Add, plan: Plan) -> None:
    if plan.violations:
        add("## Policy findings")
        add("")
        if plan.inputs.request:
            add(
                "This plan was made from a sentence, so these apply to the spec it generates: "
                f'`infraplan new "{plan.inputs.request}" -o spec.yaml` writes that spec with each '
                "of them filled in, for you to review and keep in git."
            )
            add("")
        table(
            add,
            ["Severity", "Rule", "Where", "Message"],
            [[v.severity, f"`{v.rule}`", v.at, v.message] for v in plan.violations],
        )
    if plan.findings:
        add("## Findings")
        add("")
        for f in sorted(plan.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3)):
            where = ", ".join(f"`{x}`" for x in f.evidence[:3]) + (
                f" and {len(f.evidence) - 3} more" if len(f.evidence) > 3 else ""
            )
            label = f"{f.severity}: " if f.severity in {"error", "warning"} else ""
            add(
                f"- {label}**{f.message}** ({f.expert}, `{f.rule}`){' — ' + where if where else ''}"
            )
        add("")


def render(plan: Plan) -> str:
    e = plan.enhancement
    d = plan.decisions
    out: list[str] = []
    add = out.append
    add(f"# Enhancement plan: {e.name}")
    add("")
    if e.summary:
        add(f"> {e.summary}")
        add("")
    add("| | |")
    add("| --- | --- |")
    # the decisions knowledge puts in the summary, in its order; the first (the category) and
    # the enhancement's scope say what the change is
    in_summary = sorted((x for x in d.values() if x.summary), key=lambda x: x.summary)
    for i, decision in enumerate(in_summary):
        value = cell(_value(decision))
        add(f"| {decision.label} | {'**' + value + '**' if decision.emphasis else value} |")
        if i == 0:
            add(f"| Scope | {cell(e.scope)} |")
    add(f"| Rollout | {cell(_stages(plan))} |")
    if plan.impact is not None:
        add(
            f"| Touches | {len(plan.integration_points)} integration points in {', '.join(plan.impact.repos) or '—'}; {plan.impact.dependents_total} dependents |"
        )
        add(f"| Owners | {cell(', '.join(plan.impact.owners) or '—')} |")
    if plan.pattern:
        add(f"| Pattern | `{plan.pattern.id}` — {cell(plan.pattern.title)} |")
    add("")
    summary = plan.prose.get("summary")
    if summary is not None:
        add("## Summary")
        add("")
        add(summary.text)
        add("")
        drafted_note(add, summary)
    if plan.pattern and plan.pattern.runners_up:
        add(
            "Also considered: "
            + ", ".join(f"`{r.pattern}` ({r.score})" for r in plan.pattern.runners_up)
            + "."
        )
        add("")
    _findings(add, plan)
    markdown_estate.current_state(add, plan)
    markdown_estate.upgrades(add, plan)
    _decisions(add, plan)

    add("## Experts")
    add("")
    for x in plan.experts:
        tasks = "; ".join(x.tasks) if x.tasks else "raised: " + ", ".join(f"`{r}`" for r in x.rules)
        add(f"- **{x.id}** — {cell(tasks)}")
    add("")

    if plan.implementation_phases:
        add("## Implementation phases")
        add("")
        done = any(p.done for p in plan.implementation_phases)
        table(
            add,
            ["#", "Phase", "Task", "Kind", "From", *(["Done"] if done else [])],
            [
                [
                    str(i),
                    p.name,
                    p.task,
                    p.kind,
                    p.source,
                    *([f"✓ {p.done[:1].lower() + p.done[1:]}" if p.done else ""] if done else []),
                ]
                for i, p in enumerate(plan.implementation_phases, 1)
            ],
        )
    markdown_estate.integration_points(add, plan)
    markdown_estate.impact(add, plan)
    markdown_estate.upgrade_findings(add, plan)

    for stage in plan.stages:
        add(f"## Stage {stage.number}: {stage.title} ({stage.timebox})")
        add("")
        add(f"Agents: {', '.join(stage.agents)}")
        add("")
        narrative = plan.prose.get(f"stage:{stage.id}")
        if narrative is not None and narrative.drafted_by is not None:
            add(narrative.text)
            add("")
            drafted_note(add, narrative)
        decided = [f"{dim} **{_value(d[dim])}**" for dim in stage.decisions if d[dim].trace]
        if decided:
            add("Decided here: " + "; ".join(decided))
            add("")
        if stage.specific:
            add("For this enhancement:")
            add("")
            for item in stage.specific:
                add(f"- {item}")
            add("")
        for group in stage.groups:
            add("<details>")
            add(f"<summary>{group.title}</summary>")
            add("")
            for task in group.tasks:
                add(f"- [ ] {task}")
            add("")
            add("</details>")
            add("")
        add(f"Output: {stage.output}")
        add("")

    markdown_rollout.rollout(add, plan)
    markdown_rollout.rollback(add, plan)

    for title, items in (
        ("Risks", plan.risks),
        ("Tests", plan.tests),
        ("Rollback plan", plan.rollback),
        ("Acceptance criteria", plan.acceptance_criteria),
        ("Already in place", plan.already_done),
    ):
        if items:
            add(f"## {title}")
            add("")
            for item in items:
                add(f"- {item}")
            add("")
    success_metrics(add, plan.success_metrics)

    if plan.probes:
        add("## What infraplan looked for")
        add("")
        table(
            add,
            ["Probe", "Looks for", "Found", "Per environment", "Per cluster"],
            [
                [
                    f"`{p.name}`",
                    p.description,
                    str(p.count),
                    ", ".join(f"{k} {v}" for k, v in p.by_environment.items()) or "—",
                    ", ".join(f"{k} {v}" for k, v in p.by_cluster.items()) or "—",
                ]
                for p in plan.probes
            ],
            "Probes",
        )

    if plan.diagnostics:
        add("## Diagnostics")
        add("")
        add("<details>")
        add(f"<summary>{len(plan.diagnostics)} diagnostic(s)</summary>")
        add("")
        for diag in plan.diagnostics:
            where = (
                f"{diag.repo}/{diag.path}" + (f":{diag.line}" if diag.line else "")
                if diag.path
                else ""
            )
            add(f"- {where + ': ' if where else ''}{diag.reason}")
        add("")
        add("</details>")
        add("")

    add("## Inputs")
    add("")
    add(f"- spec `{plan.inputs.spec.path}` {short(plan.inputs.spec.sha256)}")
    add(f"- rules {short(plan.inputs.rules)}")
    add(f"- knowledge {short(plan.inputs.knowledge)}")
    for repo in plan.inputs.repositories:
        add(f"- repository `{repo.name}` ({repo.role}, {repo.files} files) {short(repo.digest)}")
    add(f"- {plan.tool.name} {plan.tool.version}, plan schema {plan.schema_version}")
    add("")
    return "\n".join(out)
