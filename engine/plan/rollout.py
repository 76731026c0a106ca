"""The rollout planner: what a change deploys, as ordered steps, stage by stage.

A target is something the change deploys: an integration point found in the estate, or — when
no repository was read — an implementation phase. Stages are environments in the knowledge's
order (dev → staging → prod), then clusters named only by their objects (a monitor cluster),
then one stage for layers that are not per environment (workflows, documentation). Within a
stage, layers go in knowledge order (knowledge/rollout.yaml) and the dependency graph orders
the targets of a layer (dependencies first, ties by id). The deployment strategy adds steps
around each stage (knowledge/strategies.yaml); a feature flag adds an enablement step
(knowledge/feature-flags.yaml). Every step has a validation and a rollback; the rollback plan
is the steps' rollbacks in reverse order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from engine.core.models import Out
from engine.knowledge.model import Knowledge, RolloutLayer, StepText

if TYPE_CHECKING:
    import networkx as nx


class RolloutStep(Out):
    order: int
    stage: str  # an environment, cluster:<name>, or all
    environment: str
    layer: str
    action: str
    targets: list[str] = Field(default_factory=list)
    validation: str
    rollback: str
    minutes: int = 15


class RolloutPlan(Out):
    steps: list[RolloutStep]
    rollback: list[RolloutStep]
    emergency_stop: list[str]


@dataclass(frozen=True)
class Stage:
    """Where steps run: an environment, a cluster outside any environment, or everywhere."""

    kind: Literal["environment", "cluster", "all"]
    name: str = ""

    @property
    def key(self) -> str:
        """How plans name the stage."""
        return {"environment": self.name, "cluster": f"cluster:{self.name}", "all": "all"}[
            self.kind
        ]

    @property
    def environment(self) -> str:
        return self.name if self.kind == "environment" else ""

    @property
    def label(self) -> str:
        """How step texts name the stage."""
        return self.name if self.kind != "all" else "all environments"


class Target(Out):
    """Something the change deploys."""

    id: str
    what: str
    repo: str
    path: str
    layer: str  # a rollout layer id
    environments: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    step: str = ""  # targets with the same step key (and repository, folder) share a step

    def lands_in(self, stage: Stage) -> bool:
        if stage.kind == "cluster":
            return not self.environments and stage.name in self.clusters
        if stage.kind == "environment":
            return stage.name in self.environments or (not self.environments and not self.clusters)
        return True


# Where a target is applied in an environment (a Terraform root folder), when it is not its own.
ApplyFolder = Callable[[Target, str], str]


def _folder(target: Target) -> str:
    return target.path.rsplit("/", 1)[0] if "/" in target.path else "."


def _graph_order(ids: list[str], graph: nx.DiGraph | None) -> list[str]:
    if graph is None:
        return ids
    import networkx as nx

    present = [i for i in ids if i in graph]
    sub = graph.subgraph(present)
    try:
        ordered = list(nx.lexicographical_topological_sort(sub))
    except nx.NetworkXUnfeasible:  # a cycle: fall back to ids
        ordered = sorted(present)
    return ordered + sorted(i for i in ids if i not in graph)


def _flag_name(feature_flag: str | bool | None, pattern_flag: bool, unnamed: str) -> str:
    if isinstance(feature_flag, str):
        return feature_flag
    if feature_flag or (feature_flag is None and pattern_flag):
        return unnamed
    return ""


def plan_rollout(
    targets: list[Target],
    knowledge: Knowledge,
    *,
    environments: list[str],
    strategy: str,
    deployment: str,
    feature_flag: str | bool | None,
    pattern_flag: bool = False,
    graph: nx.DiGraph | None = None,
    apply_folder: ApplyFolder | None = None,
) -> RolloutPlan:
    layers = sorted(knowledge.rollout, key=lambda layer: layer.order)
    by_layer: dict[str, list[Target]] = defaultdict(list)
    for t in targets:
        by_layer[t.layer].append(t)
    order = [e.id for e in knowledge.environments]
    env_stages = [
        e for e in order if e in environments or any(e in t.environments for t in targets)
    ]
    strategy_value = knowledge.dimension_value("implementation_strategy", strategy)
    if strategy_value is not None and strategy_value.skips_lower_environments and env_stages:
        env_stages = env_stages[-1:]
    stages = [Stage("environment", e) for e in env_stages] + [
        Stage("cluster", c)
        for c in sorted({c for t in targets if not t.environments for c in t.clusters})
    ]
    strategy_steps = knowledge.strategy_steps(deployment)
    flags = knowledge.feature_flag
    flag = _flag_name(feature_flag, pattern_flag, flags.unnamed)
    after = (
        []
        if strategy_steps is None or (flag and strategy_steps.replaced_by_feature_flag)
        else strategy_steps.after
    )
    steps: list[RolloutStep] = []

    def add(stage: Stage, layer: str, text: StepText, ids: list[str], **fmt: str) -> None:
        fmt = {"env": stage.label, "flag": flag, **fmt}
        steps.append(
            RolloutStep(
                order=len(steps) + 1,
                stage=stage.key,
                environment=stage.environment,
                layer=layer,
                action=text.action.format(**fmt),
                targets=ids,
                validation=text.validation.format(**fmt),
                rollback=text.rollback.format(**fmt),
                minutes=text.minutes,
            )
        )

    def layer_steps(stage: Stage, layer: RolloutLayer, chosen: list[Target]) -> None:
        by_id = {t.id: t for t in chosen}
        groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for tid in _graph_order([t.id for t in chosen], graph):
            t = by_id[tid]
            folder = (
                apply_folder(t, stage.environment)
                if apply_folder is not None and layer.matches.terraform and stage.environment
                else _folder(t)
            )
            repo = t.repo if stage.kind != "all" else ""
            groups[(repo, folder if layer.matches.terraform else "", t.step)].append(tid)
        for (repo, module, _), ids in groups.items():
            described = ", ".join(by_id[i].what for i in ids[:6]) + (
                f" and {len(ids) - 6} more" if len(ids) > 6 else ""
            )
            repos = repo or ", ".join(sorted({by_id[i].repo for i in ids}))
            text = StepText(
                action=layer.action,
                validation=layer.validation,
                rollback=layer.rollback,
                minutes=layer.minutes,
            )
            add(stage, layer.id, text, ids, repo=repos, module=module or ".", targets=described)

    for stage in stages:
        per_stage = [
            (layer, [t for t in by_layer.get(layer.id, []) if t.lands_in(stage)])
            for layer in layers
            if layer.per_environment
        ]
        if not any(chosen for _, chosen in per_stage):
            continue  # nothing of this change lands here: no stage, no strategy steps around it
        for text in strategy_steps.before if strategy_steps else []:
            add(stage, strategy_steps.layer if strategy_steps else "", text, [])
        for layer, chosen in per_stage:
            if chosen:
                layer_steps(stage, layer, chosen)
        for text in after:
            add(stage, strategy_steps.layer if strategy_steps else "", text, [])
        if flag:
            add(stage, flags.layer, flags.step, [])
    everywhere = Stage("all")
    for layer in layers:
        if not layer.per_environment and by_layer.get(layer.id):
            layer_steps(everywhere, layer, by_layer[layer.id])
    rollback = [s.model_copy(update={"order": i + 1}) for i, s in enumerate(reversed(steps))]
    stop = list(strategy_steps.emergency_stop) if strategy_steps else []
    used = {s.layer for s in steps}
    stop.extend(
        dict.fromkeys(
            layer.emergency_stop for layer in layers if layer.id in used and layer.emergency_stop
        )
    )
    if flag:
        stop.append(flags.emergency_stop.format(flag=flag))
    return RolloutPlan(steps=steps, rollback=rollback, emergency_stop=stop)
