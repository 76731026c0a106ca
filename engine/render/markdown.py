"""The plan as Markdown, for people reading it in a pull request."""

from __future__ import annotations

from engine.decide import Decision
from engine.plan import Plan


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _value(decision: Decision) -> str:
    if isinstance(decision.value, list):
        return ", ".join(decision.value) if decision.value else "—"
    return decision.value or "—"


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
    add(f"| Category | {_cell(_value(d['category']))} |")
    add(f"| Scope | {_cell(e.scope)} |")
    add(f"| Risk | **{_cell(_value(d['risk']))}** |")
    add(f"| Implementation strategy | {_cell(_value(d['implementation_strategy']))} |")
    add(f"| Deployment strategy | {_cell(_value(d['deployment_strategy']))} |")
    add(f"| Assessment | {_cell(_value(d['assessment']))} |")
    add(f"| Reviews | {_cell(_value(d['reviews']))} |")
    add(f"| Environments | {_cell(' → '.join(e.environments) or '—')} |")
    if plan.pattern:
        add(f"| Pattern | `{plan.pattern.id}` — {_cell(plan.pattern.title)} |")
    add("")
    if plan.violations:
        add("## Policy findings")
        add("")
        add("| Severity | Rule | Where | Message |")
        add("| --- | --- | --- | --- |")
        for v in plan.violations:
            add(f"| {v.severity} | `{v.rule}` | {_cell(v.at)} | {_cell(v.message)} |")
        add("")

    add("## Decisions")
    add("")
    add("| Decision | Value | Why | Rule | Expert |")
    add("| --- | --- | --- | --- | --- |")
    for dim, decision in d.items():
        if not decision.trace:
            add(f"| {dim} | — | no rule decided this | | |")
            continue
        for i, t in enumerate(decision.trace):
            label = dim if i == 0 else ""
            value = _value(decision) if i == 0 and not isinstance(decision.value, list) else t.value
            add(f"| {label} | {_cell(value)} | {_cell(t.because)} | `{t.rule}` | {t.expert} |")
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
        add("| # | Phase | Task | Kind | From |")
        add("| --- | --- | --- | --- | --- |")
        for i, p in enumerate(plan.implementation_phases, 1):
            add(f"| {i} | {_cell(p.name)} | {_cell(p.task)} | {p.kind} | {_cell(p.source)} |")
        add("")

    for stage in plan.stages:
        add(f"## Stage {stage.number}: {stage.title} ({stage.timebox})")
        add("")
        add(f"Agents: {', '.join(stage.agents)}")
        add("")
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
        add("| # | Environment | Action | Validation | Rollback |")
        add("| --- | --- | --- | --- | --- |")
        for s in plan.rollout_steps:
            add(
                f"| {s.order} | {s.environment} | {_cell(s.action)} | {_cell(s.validation)} | {_cell(s.rollback)} |"
            )
        add("")

    for title, items in (
        ("Risks", plan.risks),
        ("Tests", plan.tests),
        ("Rollback", plan.rollback),
        ("Acceptance criteria", plan.acceptance_criteria),
    ):
        if items:
            add(f"## {title}")
            add("")
            for item in items:
                add(f"- {item}")
            add("")

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
    add(f"- spec `{plan.inputs.spec.path}` sha256:{plan.inputs.spec.sha256[:16]}")
    add(f"- rules {plan.inputs.rules[:23]}")
    add(f"- knowledge {plan.inputs.knowledge[:23]}")
    for repo in plan.inputs.repositories:
        add(f"- repository `{repo.name}` ({repo.role}, {repo.files} files) {repo.digest[:23]}")
    add(f"- {plan.tool.name} {plan.tool.version}, plan schema {plan.schema_version}")
    add("")
    return "\n".join(out)
