"""The report across enhancements as Markdown: one row per enhancement, totals by category, risk
and status, and Mermaid pie charts of the totals."""

from __future__ import annotations

from engine.audit.report import Report
from engine.render.markdown_parts import cell, table


def _pie(title: str, counts: dict[str, int]) -> list[str]:
    lines = ["```mermaid", "pie showData", f"  title {title}"]
    lines += [f'  "{cell(k).replace(chr(34), "")}" : {v}' for k, v in counts.items()]
    return [*lines, "```", ""]


def render(report: Report) -> str:
    out: list[str] = ["# Enhancements", ""]
    add = out.append
    n = len(report.enhancements)
    add(
        f"{n} enhancement(s): "
        + ", ".join(f"{v} {k}" for k, v in report.by_status.items())
        + ". Lead time: from the spec's first commit to its plan's first commit."
        if n
        else "No enhancement specs or plans in these folders."
    )
    add("")
    if n:
        table(
            add,
            ["Enhancement", "Category", "Risk", "Strategy", "Status", "Lead time", "Spec", "Plan"],
            [
                [
                    e.name,
                    e.category or "—",
                    e.risk or "—",
                    e.strategy or "—",
                    e.status,
                    e.lead_time or "—",
                    f"`{e.spec}`" if e.spec else "—",
                    f"`{e.plan}`" if e.plan else "—",
                ]
                for e in report.enhancements
            ],
            "Enhancements",
        )
        notes = [e for e in report.enhancements if e.why]
        if notes:
            for e in notes:
                add(f"- **{cell(e.name)}** ({e.status}): {e.why}")
            add("")
    for title, counts in (
        ("By category", report.by_category),
        ("By risk", report.by_risk),
        ("By status", report.by_status),
    ):
        if not counts:
            continue
        add(f"## {title}")
        add("")
        table(
            add,
            [title.removeprefix("By ").capitalize(), "Enhancements"],
            [[k, str(v)] for k, v in counts.items()],
        )
    if report.by_category:
        out += _pie("Enhancements by category", report.by_category)
        out += _pie("Enhancements by status", report.by_status)
    return "\n".join(out)
