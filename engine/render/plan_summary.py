"""A plan's short summary for a terminal, printed by `infraplan plan -o FILE` after writing the
plan: what was planned, the decisions table, what needs attention, the file written and the
command to try next. It goes to stderr, like `check -o`'s summary line, so stdout carries only
what a command was asked to write.
"""

from __future__ import annotations

from engine.plan.model import Plan
from engine.render.text_table import columns


def _value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return "—" if value in (None, "") else str(value)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def render(plan: Plan, written: str, fmt: str) -> str:
    e = plan.enhancement
    what = f"{plan.pattern.title} (pattern {plan.pattern.id})" if plan.pattern else e.category
    source = ("a sentence" if plan.inputs.request else plan.inputs.spec.path or "the spec") + (
        f" and {_count(len(plan.inputs.repositories), 'repository', 'repositories')}"
        f" ({sum(r.files for r in plan.inputs.repositories)} files)"
        if plan.inputs.repositories
        else ", without repositories (add --repo PATH to plan against your estate)"
    )
    lines = [f"Planned {e.name}: {what}", f"from {source}.", ""]
    rows = [["decision", "value"]]
    # a set no rule concluded anything of (nothing already in place) says nothing here
    rows += [
        [dim, _value(decision.value)]
        for dim, decision in plan.decisions.items()
        if decision.trace or decision.value != []
    ]
    lines += columns(rows)
    lines.append("")
    unwaived = [v for v in plan.violations if v.waived_by is None]
    counted = [
        (len(plan.findings), "finding", "findings"),
        (len(plan.upgrade_findings), "upgrade finding", "upgrade findings"),
        (len(unwaived), "policy violation", "policy violations"),
        (len(plan.diagnostics), "unreadable file", "unreadable files"),
    ]
    attention = [_count(n, one, many) for n, one, many in counted if n]
    lines.append(
        f"Needs attention before work starts: {', '.join(attention)}."
        if attention
        else "Nothing needs attention before work starts."
    )
    if plan.impact is not None:
        lines.append(
            f"Touches {_count(len(plan.integration_points), 'integration point', 'integration points')}"
            f" in {', '.join(plan.impact.repos) or 'no repository'}."
        )
    kind = "JSON" if fmt == "json" else "Markdown"
    lines.append(
        f"Wrote {written} ({kind}: six stages, findings, decisions with reasons, rollout steps)."
    )
    lines.append("")
    risk = plan.decisions.get("risk")
    dim = "risk" if risk is not None else next(iter(plan.decisions), "")
    shown = _value(plan.decisions[dim].value) if dim else ""
    if fmt == "json":
        lines.append(f"Next: infraplan explain {_quoted(written)} {dim}")
        lines.append(
            f"  why {dim} is {shown}: the rules that decided it, the facts they matched (file:line)."
        )
    else:
        lines.append(f"Next: why is {dim} {shown}? Write the plan as JSON (-o plan.json), then:")
        lines.append(f"  infraplan explain plan.json {dim}")
    return "\n".join(lines) + "\n"


def _quoted(path: str) -> str:
    return f'"{path}"' if " " in path else path
