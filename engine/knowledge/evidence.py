"""Knowledge for the evidence a plan leaves behind: the seed's success metrics made concrete per
category and pattern (knowledge/metrics.yaml), and the seed's Task() prompts per stage and agent
(knowledge/briefs.yaml) that `infraplan brief` fills with a plan's facts."""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from collections.abc import Sequence
from typing import Any

from engine.core.errors import Problem, did_you_mean
from engine.core.modelbase import Field
from engine.core.models import Strict
from engine.core.yamlsrc import PathKey, SourceMap


class BaselineSource(Strict):
    """Where the estate's current value of a metric comes from: a probe's count (`probe`), out of
    another probe's (`of`), or the current state's entries of one attribute (`state`, of one
    `subject`), those whose value is `value` out of all of them. Never anything the facts do not hold."""

    probe: str = ""
    of: str = ""
    state: str = ""
    subject: str = ""
    value: str = ""
    text: str = Field(
        description="The baseline in words: {part} (the count), {whole} (out of), {values} "
        "(the current state's subjects and values)."
    )


class MetricText(Strict):
    """One success metric for a category or pattern: what to measure, how, the target."""

    measure: str
    how: str = Field(description="The query, command or dashboard that measures it.")
    target: str = ""
    baseline: BaselineSource | None = None


class SuccessMetric(Strict):
    """One of the seed's success metrics, with its wording per category and per pattern (a
    pattern's wording replaces its category's for that metric)."""

    id: str
    replaces: bool = False
    title: str
    seed: str = Field(description="The seed's words for the metric.")
    by_category: dict[str, MetricText] = Field(default_factory=dict)
    by_pattern: dict[str, MetricText] = Field(default_factory=dict)


class BriefTask(Strict):
    """One Task() of the seed's workflow: its description, the first line of its prompt, the
    stage group (stages.yaml) whose tasks are the prompt's lines, the agents that run it, and
    which parts of a plan ground it."""

    description: str
    intro: str = Field(description="The prompt's first line, as the seed words it.")
    group: str = Field(description="The title of the stage's task group (stages.yaml).")
    agents: list[str] = Field(description="Experts (experts.yaml) this task is for.")
    subagent_type: str = "general-purpose"
    grounding: list[str] = Field(
        description="Plan sections the brief adds: decisions, integration_points, "
        "current_state, findings, rollout, phases, tests, metrics."
    )
    layers: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Agent → the rollout layers whose steps are its part (an agent not listed "
        "gets every step).",
    )


class StageBrief(Strict):
    """The seed's Task() prompts of one stage (stages.yaml)."""

    id: str
    replaces: bool = False
    stage: str
    tasks: list[BriefTask]


GROUNDING = (
    "decisions",
    "integration_points",
    "current_state",
    "findings",
    "rollout",
    "phases",
    "tests",
    "metrics",
)

Entries = Sequence[tuple[Strict, SourceMap, tuple[str | int, ...]]]


def check_evidence(k: object, metrics: Entries, briefs: Entries) -> list[Problem]:
    """Metrics name known categories, patterns and probes, and every category has each metric;
    briefs name known stages, experts and grounding sections. `k` is the Knowledge (read by
    field name: engine/knowledge/model.py imports this module)."""

    def entries(field: str) -> list[Any]:
        return list(getattr(k, field))

    def ids(field: str, key: str = "id") -> set[str]:
        return {str(getattr(x, key)) for x in entries(field)}

    categories, patterns = ids("categories"), ids("patterns")
    stages, experts, probes = ids("stages"), ids("experts"), ids("probes", "name")
    layers = ids("rollout") | ids("strategies", "layer") | ids("feature_flags", "layer")
    groups = {s.id: {g.title for g in s.groups} for s in entries("stages")}
    problems: list[Problem] = []

    def unknown(
        smap: SourceMap, at: PathKey, what: str, names: Sequence[str], known: set[str]
    ) -> None:
        problems.extend(
            smap.problem(at, f'unknown {what} "{n}"{did_you_mean(n, known)}')
            for n in names
            if n and n not in known
        )

    for entry, smap, path in metrics:
        assert isinstance(entry, SuccessMetric)
        for field, known, texts in (
            ("by_category", categories, entry.by_category),
            ("by_pattern", patterns, entry.by_pattern),
        ):
            for name, text in texts.items():
                at = (*path, field, name)
                unknown(smap, at, field[3:], [name], known)
                source = text.baseline
                if source is None:
                    continue
                unknown(smap, (*at, "baseline"), "probe", [source.probe, source.of], probes)
                if not _formats(source.text):
                    problems.append(
                        smap.problem(
                            (*at, "baseline", "text"),
                            "a baseline text names only {part}, {whole} and {values}",
                        )
                    )
                if bool(source.probe) == bool(source.state):
                    problems.append(
                        smap.problem((*at, "baseline"), "a baseline has either probe or state")
                    )
        problems.extend(
            smap.problem((*path, "by_category"), f'no wording for category "{c}"')
            for c in sorted(categories - entry.by_category.keys())
        )
    for entry, smap, path in briefs:
        assert isinstance(entry, StageBrief)
        unknown(smap, (*path, "stage"), "stage", [entry.stage], stages)
        for i, task in enumerate(entry.tasks):
            at = (*path, "tasks", i)
            unknown(smap, (*at, "agents"), "expert", [*task.agents, *task.layers], experts)
            unknown(smap, (*at, "group"), "group", [task.group], groups.get(entry.stage, set()))
            named = [x for xs in task.layers.values() for x in xs]
            unknown(smap, (*at, "layers"), "rollout layer", named, layers)
            unknown(
                smap, (*path, "tasks", i, "grounding"), "section", task.grounding, set(GROUNDING)
            )
    return problems


def _formats(text: str) -> bool:
    try:
        text.format(part=0, whole=0, values="")
    except (KeyError, IndexError, ValueError):
        return False
    return True
