"""Rollout: the change's integration points as ordered steps, environment by environment.

Within an environment, layers go in knowledge order (knowledge/rollout.yaml: cloud resources,
then platform GitOps objects, then workload configuration, then application charts); within a
layer, the dependency graph orders the targets (dependencies first, ties by id). Environments
go in the vocabulary's order (dev → staging → prod); objects only on named clusters (a monitor
cluster) form their own stages after them. The deployment strategy adds steps around each
stage (knowledge/strategies.yaml); a feature flag adds an enablement step. Every step has a
validation and a rollback; the rollback plan is the steps' rollbacks in reverse order.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from pydantic import Field

from engine.estate import Estate
from engine.knowledge import Knowledge, Pattern, RolloutLayer
from engine.models import Out
from engine.probe import IntegrationPoint

if TYPE_CHECKING:
    import networkx as nx


class RolloutStep(Out):
    order: int
    stage: str  # an environment, or cluster:<name>, or "all"
    environment: str
    layer: str
    action: str
    targets: list[str] = Field(default_factory=list)
    validation: str
    rollback: str


class Rollout(Out):
    steps: list[RolloutStep]
    rollback: list[RolloutStep]
    emergency_stop: list[str]


def layer_of(point: IntegrationPoint, layers: list[RolloutLayer]) -> RolloutLayer:
    for layer in sorted(layers, key=lambda item: item.order):
        m = layer.matches
        if (
            (m.terraform and point.kind == "terraform")
            or (m.charts and point.kind == "chart")
            or (m.workflows and point.kind == "workflow")
        ):
            return layer
        if point.kind not in {"terraform", "chart", "workflow"} and (
            point.kind in m.kinds or "*" in m.kinds
        ):
            return layer
    return sorted(layers, key=lambda item: item.order)[-1]


def _graph_order(ids: list[str], graph: nx.DiGraph) -> list[str]:
    import networkx as nx

    present = [i for i in ids if i in graph]
    sub = graph.subgraph(present)
    try:
        ordered = list(nx.lexicographical_topological_sort(sub))
    except nx.NetworkXUnfeasible:  # a cycle: fall back to ids
        ordered = sorted(present)
    return ordered + sorted(i for i in ids if i not in graph)


def _apply_folders(point: IntegrationPoint, env: str, estate: Estate) -> list[str]:
    """Where Terraform is applied for a block in `env`: the env's root modules calling its folder."""
    from engine.graph import _join

    folder = point.path.rsplit("/", 1)[0] if "/" in point.path else ""
    own = [
        b
        for b in estate.terraform
        if b.repo == point.repo and b.module == folder and b.environment == env
    ]
    if own:
        return [folder]
    callers = {
        b.module
        for b in estate.terraform
        if b.repo == point.repo
        and b.block == "module"
        and b.environment == env
        and b.source.startswith(("./", "../"))
        and _join(b.module, b.source) == folder
    }
    return sorted(callers) or [folder]


def plan_rollout(
    points: list[IntegrationPoint],
    estate: Estate,
    knowledge: Knowledge,
    graph: nx.DiGraph,
    strategy: str,
    deployment: str,
    pattern: Pattern | None,
    feature_flag: str | bool | None,
    environments: list[str],
) -> Rollout:
    order = [e.id for e in knowledge.environments]
    layers = knowledge.rollout
    env_stages = [e for e in order if e in environments or any(e in p.environments for p in points)]
    if strategy == "direct" and env_stages:
        env_stages = env_stages[-1:]
    cluster_stages = sorted({c for p in points if not p.environments for c in p.clusters})
    steps: list[RolloutStep] = []
    strategy_steps = next((s for s in knowledge.strategies if s.id == deployment), None)
    flag = (
        feature_flag
        if isinstance(feature_flag, str)
        else "the feature flag"
        if (feature_flag or (feature_flag is None and pattern and pattern.feature_flag))
        else ""
    )
    # with a feature flag, the flag's step is the gradual enablement of some strategies
    after_steps = (
        []
        if strategy_steps is None or (flag and strategy_steps.replaced_by_feature_flag)
        else strategy_steps.after
    )

    def add(
        stage: str,
        env: str,
        layer: str,
        action: str,
        targets: list[str],
        validation: str,
        rollback: str,
    ) -> None:
        steps.append(
            RolloutStep(
                order=len(steps) + 1,
                stage=stage,
                environment=env,
                layer=layer,
                action=action,
                targets=targets,
                validation=validation,
                rollback=rollback,
            )
        )

    by_layer: dict[str, list[IntegrationPoint]] = defaultdict(list)
    for p in points:
        by_layer[layer_of(p, layers).id].append(p)
    ordered_layers = sorted(layers, key=lambda item: item.order)

    def stage_points(stage: str, layer: RolloutLayer) -> list[IntegrationPoint]:
        chosen = []
        for p in by_layer.get(layer.id, []):
            if stage.startswith("cluster:"):
                if not p.environments and stage[8:] in p.clusters:
                    chosen.append(p)
            elif stage in p.environments or (not p.environments and not p.clusters):
                chosen.append(p)
        return chosen

    for stage in [*env_stages, *(f"cluster:{c}" for c in cluster_stages)]:
        if not any(stage_points(stage, layer) for layer in ordered_layers if layer.per_environment):
            continue  # nothing of this change lands here: no stage, no strategy steps around it
        env = "" if stage.startswith("cluster:") else stage
        label = env or stage[8:]
        for text in strategy_steps.before if strategy_steps else []:
            add(
                stage,
                env,
                "strategy",
                text.format(env=label),
                [],
                "Signals of the canary or new version match the baseline",
                "Stop here and roll back this stage",
            )
        for layer in ordered_layers:
            if not layer.per_environment:
                continue
            chosen = stage_points(stage, layer)
            if not chosen:
                continue
            ids = _graph_order([p.id for p in chosen], graph)
            by_id = {p.id: p for p in chosen}
            groups: dict[tuple[str, str], list[str]] = defaultdict(list)
            for pid in ids:
                p = by_id[pid]
                folders = (
                    _apply_folders(p, env, estate)
                    if p.kind == "terraform" and env
                    else [p.path.rsplit("/", 1)[0] if "/" in p.path else "."]
                )
                groups[(p.repo, folders[0] if layer.matches.terraform else "")].append(pid)
            for (repo, module), targets in groups.items():
                described = ", ".join(by_id[t].what for t in targets[:6]) + (
                    f" and {len(targets) - 6} more" if len(targets) > 6 else ""
                )
                fmt = {"repo": repo, "module": module or ".", "env": label, "targets": described}
                add(
                    stage,
                    env,
                    layer.id,
                    layer.action.format(**fmt),
                    targets,
                    layer.validation,
                    layer.rollback.format(**fmt),
                )
        for text in after_steps:
            add(
                stage,
                env,
                "strategy",
                text.format(env=label),
                [],
                "Validation signals stay within the baseline after the switch",
                "Switch back and roll back this stage",
            )
        if flag:
            add(
                stage,
                env,
                "feature-flag",
                f"Enable {flag} in {label}, gradually",
                [],
                "Rotation or feature success rate and application error rates within baseline",
                f"Turn {flag} off in {label}",
            )
    for layer in ordered_layers:
        if layer.per_environment or not by_layer.get(layer.id):
            continue
        targets = _graph_order([p.id for p in by_layer[layer.id]], graph)
        whats = {p.id: p.what for p in by_layer[layer.id]}
        fmt = {
            "repo": ", ".join(sorted({p.repo for p in by_layer[layer.id]})),
            "module": ".",
            "env": "all environments",
            "targets": ", ".join(whats[t] for t in targets),
        }
        add(
            "all",
            "",
            layer.id,
            layer.action.format(**fmt),
            targets,
            layer.validation,
            layer.rollback.format(**fmt),
        )
    rollback = [s.model_copy(update={"order": i + 1}) for i, s in enumerate(reversed(steps))]
    stop = list(strategy_steps.emergency_stop) if strategy_steps else []
    used = {s.layer for s in steps}
    for text in dict.fromkeys(
        layer.emergency_stop
        for layer in ordered_layers
        if layer.id in used and layer.emergency_stop
    ):
        stop.append(text)
    if flag:
        stop.append(f"Turn {flag} off everywhere")
    return Rollout(steps=steps, rollback=rollback, emergency_stop=stop)


def plan_phase_rollout(
    phases: list[tuple[str, str, str]],
    knowledge: Knowledge,
    environments: list[str],
    strategy: str,
    deployment: str,
    pattern: Pattern | None,
    feature_flag: str | bool | None,
) -> Rollout:
    """Rollout steps from implementation phases `(name, task, layer)`, when no repository is read."""
    layers = {layer.id: layer for layer in knowledge.rollout}
    if strategy == "direct" and environments:
        environments = environments[-1:]
    strategy_steps = next((s for s in knowledge.strategies if s.id == deployment), None)
    flag = (
        feature_flag
        if isinstance(feature_flag, str)
        else "the feature flag"
        if (feature_flag or (feature_flag is None and pattern and pattern.feature_flag))
        else ""
    )
    # with a feature flag, the flag's step is the gradual enablement of some strategies
    after_steps = (
        []
        if strategy_steps is None or (flag and strategy_steps.replaced_by_feature_flag)
        else strategy_steps.after
    )

    steps: list[RolloutStep] = []

    def add(stage: str, layer: str, action: str, validation: str, rollback: str) -> None:
        steps.append(
            RolloutStep(
                order=len(steps) + 1,
                stage=stage,
                environment="" if stage == "all" else stage,
                layer=layer,
                action=action,
                validation=validation,
                rollback=rollback,
            )
        )

    def ordered(per_env: bool) -> list[tuple[str, str, RolloutLayer]]:
        chosen = [(n, t, layers.get(layer) or layers["workload"]) for n, t, layer in phases]
        chosen = [c for c in chosen if c[2].per_environment == per_env]
        return sorted(chosen, key=lambda c: c[2].order)  # stable: phase order within a layer

    for env in environments:
        for text in strategy_steps.before if strategy_steps else []:
            add(
                env,
                "strategy",
                text.format(env=env),
                "Signals match the baseline",
                "Stop here and roll back this stage",
            )
        for name, task, layer in ordered(True):
            fmt = {
                "repo": "the repository",
                "module": ".",
                "env": env,
                "targets": f"{name} ({task})" if task else name,
            }
            add(
                env,
                layer.id,
                layer.action.format(**fmt),
                layer.validation,
                layer.rollback.format(**fmt),
            )
        for text in after_steps:
            add(
                env,
                "strategy",
                text.format(env=env),
                "Validation signals stay within the baseline",
                "Switch back and roll back this stage",
            )
        if flag:
            add(
                env,
                "feature-flag",
                f"Enable {flag} in {env}, gradually",
                "Feature success rate and error rates within baseline",
                f"Turn {flag} off in {env}",
            )
    for name, task, layer in ordered(False):
        fmt = {
            "repo": "the repository",
            "module": ".",
            "env": "all environments",
            "targets": f"{name} ({task})" if task else name,
        }
        add(
            "all",
            layer.id,
            layer.action.format(**fmt),
            layer.validation,
            layer.rollback.format(**fmt),
        )
    rollback = [s.model_copy(update={"order": i + 1}) for i, s in enumerate(reversed(steps))]
    stop = list(strategy_steps.emergency_stop) if strategy_steps else []
    if flag:
        stop.append(f"Turn {flag} off everywhere")
    return Rollout(steps=steps, rollback=rollback, emergency_stop=stop)
