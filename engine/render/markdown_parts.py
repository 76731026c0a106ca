"""Building blocks of the Markdown plan: escaped cells, tables that fold when long, text cut at
a word boundary (never mid-word), the drafted-by note."""

from __future__ import annotations

from collections.abc import Callable

from engine.core.digest import short
from engine.plan.metrics import SuccessMetricPlan
from engine.plan.prose import ProseSection

FOLD_AFTER = 10

Add = Callable[[str], None]


def cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a whole word (with "…"), never inside one."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:-") + "…"


def table(add: Add, header: list[str], rows: list[list[str]], fold_title: str = "") -> None:
    """A table, folded into <details> when long."""
    fold = len(rows) > FOLD_AFTER
    if fold:
        add("<details>")
        add(f"<summary>{fold_title or 'Show'} ({len(rows)})</summary>")
        add("")
    add("| " + " | ".join(header) + " |")
    add("| " + " | ".join("---" for _ in header) + " |")
    for row in rows:
        add("| " + " | ".join(cell(c) for c in row) + " |")
    add("")
    if fold:
        add("</details>")
        add("")


def drafted_note(add: Add, section: ProseSection) -> None:
    if section.drafted_by is not None:
        add(
            f"<sub>✎ Drafted by the model `{section.drafted_by.model}` (prompt {short(section.drafted_by.prompt_sha256)}); the rules decided everything else.</sub>"
        )
        add("")


def success_metrics(add: Add, metrics: list[SuccessMetricPlan]) -> None:
    """The seed's five success metrics: what to measure, how, the target, the estate's baseline
    with where it was counted (or that the facts hold none)."""
    if not metrics:
        return
    add("## Success metrics")
    add("")
    for m in metrics:
        add(f"- **{m.title}** ({m.source}): {m.measure}")
        if m.how:
            add(f"  - how: {m.how}")
        if m.target:
            add(f"  - target: {m.target}")
        if m.baseline is None:
            add("  - baseline: none in this estate's facts")
        else:
            add(f"  - baseline: {m.baseline.value} — at {', '.join(m.baseline.at)}")
    add("")
