"""Where a rollout step goes within its stage: the folder a target is applied from, the order
the dependency graph gives, and — in a stage of several environments one merge reaches
together — whether a target lands once for all of them (a merge delivers it) or once per
environment (a Terraform root each), and in which order those steps go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.plan.stages import Stage, Target, lands_in

if TYPE_CHECKING:
    import networkx as nx


def folder_of_target(target: Target) -> str:
    """The folder a target's file is in (`.` at the top)."""
    return target.path.rsplit("/", 1)[0] if "/" in target.path else "."


def graph_order(ids: list[str], graph: nx.DiGraph | None) -> list[str]:
    """Targets in the dependency graph's order (a lexicographic topological sort), those not in
    the graph after them."""
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


def reach(
    t: Target, stages: list[Stage], cluster_envs: dict[str, str], declared: list[str]
) -> tuple[str, ...]:
    """The environments of the rollout's stages a target lands in, in stage order."""
    return tuple(
        e
        for stage in stages
        for e in stage.environments
        if lands_in(t, Stage("environment", e), cluster_envs, declared)
    )


def spots(
    t: Target, stage: Stage, reached: tuple[str, ...], merging: set[str]
) -> list[tuple[str, ...]]:
    """Where a target lands within its stage: once for every environment it reaches when a
    merge delivers it to several (`reached`); once per environment of a stage of several
    environments (a Terraform root each); else once, in the stage."""
    if t.controller in merging and len(reached) > 1:
        return [reached]
    if not stage.also:
        return [()]
    return [(e,) for e in reached if e in stage.environments]


def spot_rank(spot: tuple[str, ...], order: list[str]) -> int:
    """Within an upgrade position and layer, steps of a stage of several environments go by
    their first environment."""
    return order.index(spot[0]) if spot and spot[0] in order else 0
