"""The plan as Markdown, for people reading it in a pull request: a one-screen summary, findings,
decisions with reasons, the estate (integration points, impact, upgrade findings), the six
stages, the rollout with validation and rollback, Mermaid diagrams. Long lists fold."""

from __future__ import annotations

import re
from collections.abc import Callable

from engine.core.digest import short
from engine.decide.results import Decision
from engine.match.probes import describe_left_out
from engine.plan.model import Plan
from engine.plan.prose import ProseSection
from engine.render.mermaid import mermaid_text

FOLD_AFTER = 10


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _value(decision: Decision) -> str:
    if isinstance(decision.value, list):
        return ", ".join(decision.value) if decision.value else "—"
    return decision.value or "—"


def _gantt_label(text: str) -> str:
    """A gantt task or section name: no ':' (it separates the name from its dates), '#' or ';'."""
    return " ".join(re.sub(r'[:#;"<>{}\[\]|`]', " ", text).split())[:70].strip()


def _table(
    add: Callable[[str], None], header: list[str], rows: list[list[str]], fold_title: str = ""
) -> None:
    """A table, folded into <details> when long."""
    fold = len(rows) > FOLD_AFTER
    if fold:
        add("<details>")
        add(f"<summary>{fold_title or 'Show'} ({len(rows)})</summary>")
        add("")
    add("| " + " | ".join(header) + " |")
    add("| " + " | ".join("---" for _ in header) + " |")
    for row in rows:
        add("| " + " | ".join(_cell(c) for c in row) + " |")
    add("")
    if fold:
        add("</details>")
        add("")


def _drafted_note(add: Callable[[str], None], section: ProseSection) -> None:
    if section.drafted_by is not None:
        add(
            f"<sub>✎ Drafted by the model `{section.drafted_by.model}` (prompt {short(section.drafted_by.prompt_sha256)}); the rules decided everything else.</sub>"
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
        value = _cell(_value(decision))
        add(f"| {decision.label} | {'**' + value + '**' if decision.emphasis else value} |")
        if i == 0:
            add(f"| Scope | {_cell(e.scope)} |")
    add(f"| Environments | {_cell(' → '.join(e.environments) or '—')} |")
    if plan.impact is not None:
        add(
            f"| Touches | {len(plan.integration_points)} integration points in {', '.join(plan.impact.repos) or '—'}; {plan.impact.dependents_total} dependents |"
        )
        add(f"| Owners | {_cell(', '.join(plan.impact.owners) or '—')} |")
    if plan.pattern:
        add(f"| Pattern | `{plan.pattern.id}` — {_cell(plan.pattern.title)} |")
    add("")
    summary = plan.prose.get("summary")
    if summary is not None:
        add("## Summary")
        add("")
        add(summary.text)
        add("")
        _drafted_note(add, summary)
    if plan.pattern and plan.pattern.runners_up:
        add(
            "Also considered: "
            + ", ".join(f"`{r.pattern}` ({r.score})" for r in plan.pattern.runners_up)
            + "."
        )
        add("")

    if plan.violations:
        add("## Policy findings")
        add("")
        _table(
            add,
            ["Severity", "Rule", "Where", "Message"],
            [[v.severity, f"`{v.rule}`", v.at, v.message] for v in plan.violations],
        )

    if plan.findings:
        add("## Findings")
        add("")
        for f in plan.findings:
            where = ", ".join(f"`{x}`" for x in f.evidence[:3]) + (
                f" and {len(f.evidence) - 3} more" if len(f.evidence) > 3 else ""
            )
            add(f"- **{f.message}** ({f.expert}, `{f.rule}`){' — ' + where if where else ''}")
        add("")

    add("## Decisions")
    add("")
    rows: list[list[str]] = []
    for dim, decision in d.items():
        if not decision.trace:
            rows.append([dim, "—", "no rule decided this", "", "", ""])
            continue
        for i, t in enumerate(decision.trace):
            label = dim if i == 0 else ""
            value = _value(decision) if i == 0 and not isinstance(decision.value, list) else t.value
            facts = "; ".join(
                sorted(
                    {
                        m.at or f"{m.fields.get('dimension')}={m.fields.get('value')}"
                        for m in t.facts
                        if m.at or m.type == "decision"
                    }
                )
            )[:160]
            rows.append([label, value, t.because, f"`{t.rule}`", t.expert, facts])
    add("| Decision | Value | Why | Rule | Expert | Facts |")
    add("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        add("| " + " | ".join(_cell(c) for c in row) + " |")
    add("")

    add("## Experts")
    add("")
    for x in plan.experts:
        tasks = "; ".join(x.tasks) if x.tasks else "raised: " + ", ".join(f"`{r}`" for r in x.rules)
        add(f"- **{x.id}** — {_cell(tasks)}")
    add("")

    if plan.implementation_phases:
        add("## Implementation phases")
        add("")
        _table(
            add,
            ["#", "Phase", "Task", "Kind", "From"],
            [
                [str(i), p.name, p.task, p.kind, p.source]
                for i, p in enumerate(plan.implementation_phases, 1)
            ],
        )

    if plan.integration_points:
        add("## Integration points")
        add("")
        _table(
            add,
            ["Where", "What", "Found by", "Environments", "Owners"],
            [
                [
                    f"`{p.id}`",
                    p.what,
                    ", ".join(p.probes),
                    ", ".join(p.environments) or ", ".join(p.clusters) or "—",
                    ", ".join(p.owners) or "—",
                ]
                for p in plan.integration_points
            ],
            "Integration points",
        )
    if plan.impact is not None:
        impact = plan.impact
        add("## Impact")
        add("")
        add(f"- Environments: {', '.join(impact.environments) or '—'}")
        add(f"- Clusters: {', '.join(impact.clusters) or '—'}")
        add(f"- Owners: {', '.join(impact.owners) or '—'}")
        add(f"- Repositories: {', '.join(impact.repos) or '—'}")
        add(f"- Dependents (transitive, from the dependency graph): {impact.dependents_total}")
        add(f"- Left out (not live, or kept apart): {describe_left_out(impact.left_out)}")
        add("")
        if impact.dependents:
            _table(
                add,
                ["Dependent", "What", "Owners"],
                [[f"`{x.id}`", x.what, ", ".join(x.owners) or "—"] for x in impact.dependents],
                "Dependents",
            )
        if impact.graph_nodes:
            ids = {n.id: f"n{i}" for i, n in enumerate(impact.graph_nodes)}
            add("```mermaid")
            add("flowchart LR")
            for n in impact.graph_nodes:
                add(f'  {ids[n.id]}["{mermaid_text(n.label)}<br/>{mermaid_text(n.id)}"]')
            for edge in impact.graph_edges:
                add(f"  {ids[edge.source]} -->|{edge.kind}| {ids[edge.target]}")
            points = [ids[n.id] for n in impact.graph_nodes if n.integration_point]
            if points:
                add("  classDef touched fill:#ffe8a3,stroke:#b58900")
                add(f"  class {','.join(points)} touched")
            add("```")
            add("")
    if plan.upgrade_findings:
        add("## Upgrade findings")
        add("")
        _table(
            add,
            ["Where", "Object", "API version", "Status", "Replacement", "Since", "Note"],
            [
                [
                    f"`{u.id}`",
                    f"{u.kind} {u.name}",
                    u.api_version,
                    u.status,
                    u.replacement,
                    u.since,
                    u.note,
                ]
                for u in plan.upgrade_findings
            ],
            "Objects on deprecated or removed API versions",
        )

    for stage in plan.stages:
        add(f"## Stage {stage.number}: {stage.title} ({stage.timebox})")
        add("")
        add(f"Agents: {', '.join(stage.agents)}")
        add("")
        narrative = plan.prose.get(f"stage:{stage.id}")
        if narrative is not None and narrative.drafted_by is not None:
            add(narrative.text)
            add("")
            _drafted_note(add, narrative)
        decided = [f"{dim} **{_value(d[dim])}**" for dim in stage.decisions]
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

    if plan.rollout_steps:
        add("## Rollout")
        add("")
        _table(
            add,
            ["#", "Stage", "Layer", "Action", "Validation", "Rollback"],
            [
                [str(s.order), s.stage, s.layer, s.action, s.validation, s.rollback]
                for s in plan.rollout_steps
            ],
            "Rollout steps",
        )
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
        for step in plan.rollout_steps:
            if step.stage != current:
                current = step.stage
                add(f"  section {_gantt_label('Rollout ' + current)}")
            task_id = f"r{step.order}"
            add(
                f"  {_gantt_label(step.layer + ' - ' + step.action)} :{task_id}, after {previous}, {step.minutes}m"
            )
            previous = task_id
        add("```")
        add("")
    runbook = plan.prose.get("runbook:rollout")
    if runbook is not None and runbook.drafted_by is not None:
        add("### Rollout runbook")
        add("")
        add(runbook.text)
        add("")
        _drafted_note(add, runbook)
    if plan.rollback_steps:
        add("## Rollback (reverse order)")
        add("")
        _table(
            add,
            ["#", "Stage", "Undo", "Rollback"],
            [[str(s.order), s.stage, s.action, s.rollback] for s in plan.rollback_steps],
            "Rollback steps",
        )
    rollback_runbook = plan.prose.get("runbook:rollback")
    if rollback_runbook is not None and rollback_runbook.drafted_by is not None:
        add("### Rollback runbook")
        add("")
        add(rollback_runbook.text)
        add("")
        _drafted_note(add, rollback_runbook)
    if plan.emergency_stop:
        add("## Emergency stop")
        add("")
        for item in plan.emergency_stop:
            add(f"- {item}")
        add("")

    for title, items in (
        ("Risks", plan.risks),
        ("Tests", plan.tests),
        ("Rollback plan", plan.rollback),
        ("Acceptance criteria", plan.acceptance_criteria),
    ):
        if items:
            add(f"## {title}")
            add("")
            for item in items:
                add(f"- {item}")
            add("")

    if plan.probes:
        add("## What infraplan looked for")
        add("")
        _table(
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
