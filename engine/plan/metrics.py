"""Success metrics: the seed's five, worded for the plan's pattern (else its category) from
knowledge/metrics.yaml, each with the estate's baseline where the plan's facts hold one.

A baseline is counted from the plan's own probes and current state, never estimated: a probe the
plan did not run, or a current-state attribute it does not list, gives no baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from engine.core.models import Out
from engine.knowledge.evidence import BaselineSource, MetricText
from engine.knowledge.model import Knowledge
from engine.match.current import StateEntry

MAX_AT = 10


class Baseline(Out):
    """The estate's current value of a metric, and the facts it was counted from."""

    value: str
    at: list[str]  # "probe <name>" for a probe's count, then repo/path:line of what it counted


class SuccessMetricPlan(Out):
    id: str
    title: str
    measure: str
    how: str
    target: str = ""
    baseline: Baseline | None = None
    source: str  # "pattern <id>", "category <id>" or "seed"


class ProbeCount(Protocol):
    """What a baseline needs of a probe's answer (the plan's ProbeSummary)."""

    @property
    def name(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def evidence(self) -> list[str]: ...


def success_metrics(
    k: Knowledge,
    pattern: str | None,
    category: str,
    probes: Sequence[ProbeCount],
    state: Sequence[StateEntry],
    reword: Callable[[str], str] = str,
    keeps: Callable[[str], bool] = bool,
) -> list[SuccessMetricPlan]:
    """The five metrics in knowledge order: the pattern's wording, else the category's, else the
    seed's words alone. A `how` naming a tool the plan does not deliver through (`flux get` in
    an estate without Flux) is left out (`keeps`, the stage texts' conditions)."""
    out = []
    for metric in k.metrics:
        text: MetricText | None = None
        source = "seed"
        if pattern and pattern in metric.by_pattern:
            text, source = metric.by_pattern[pattern], f"pattern {pattern}"
        elif category in metric.by_category:
            text, source = metric.by_category[category], f"category {category}"
        if text is None:
            out.append(
                SuccessMetricPlan(
                    id=metric.id, title=metric.title, measure=metric.seed, how="", source=source
                )
            )
            continue
        out.append(
            SuccessMetricPlan(
                id=metric.id,
                title=metric.title,
                measure=reword(text.measure),
                how=how if keeps(how := reword(text.how)) else "",
                target=reword(text.target),
                baseline=baseline(text.baseline, probes, state) if text.baseline else None,
                source=source,
            )
        )
    return out


def baseline(
    source: BaselineSource, probes: Sequence[ProbeCount], state: Sequence[StateEntry]
) -> Baseline | None:
    """The baseline a source describes, counted from the plan's facts; None when they lack it."""
    if source.state:
        entries = [
            e
            for e in state
            if e.attribute == source.state and (not source.subject or e.subject == source.subject)
        ]
        if not entries:
            return None
        matching = [
            e
            for e in entries
            if not source.value or source.value in (v.strip() for v in e.value.split(","))
        ]
        values = "; ".join(f"{e.subject} {e.value}" for e in entries)
        return Baseline(
            value=source.text.format(part=len(matching), whole=len(entries), values=values),
            at=list(dict.fromkeys(e.at for e in entries))[:MAX_AT],
        )
    found = {p.name: p for p in probes}
    part = found.get(source.probe)
    whole = found.get(source.of) if source.of else None
    if part is None or (source.of and (whole is None or whole.count == 0)):
        return None
    at = [f"probe {source.probe}"] + ([f"probe {source.of}"] if whole else [])
    shown = part.evidence if part.count or whole is None else whole.evidence
    return Baseline(
        value=source.text.format(part=part.count, whole=whole.count if whole else "", values=""),
        at=(at + list(shown))[:MAX_AT],
    )
