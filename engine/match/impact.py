"""Integration points and impact: where a change lands (the probes' matches a pattern marks as
integration points, plus objects its upgrade notes flag) and what depends on them (the
dependency graph's descendants, their environments, clusters and owners)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from pydantic import Field

from engine.core.models import Out
from engine.estate.model import Estate
from engine.knowledge.model import Knowledge, Pattern
from engine.match.probes import (
    MAX_LEFT_OUT_IDS,
    Evidence,
    LeftOut,
    ProbeResult,
    considered,
    left_out,
    module_environments,
    object_evidence,
    run_probe,
)
from engine.match.upgrades import UpgradeFinding, upgrade_findings

if TYPE_CHECKING:
    import networkx as nx

MAX_GRAPH_NODES = 40


class IntegrationPoint(Evidence):
    probes: list[str]
    version: str = ""  # the version it runs (its chart's, its source's tag, its app version)


class Dependent(Out):
    id: str
    what: str
    owners: list[str]


class GraphNode(Out):
    id: str
    label: str
    integration_point: bool


class GraphEdge(Out):
    source: str
    target: str
    kind: str


class Impact(Out):
    environments: list[str]
    clusters: list[str]
    owners: list[str]
    repos: list[str]
    dependents: list[Dependent]
    dependents_total: int
    graph_nodes: list[GraphNode] = Field(default_factory=list)
    graph_edges: list[GraphEdge] = Field(default_factory=list)
    # matches left out of the integration points: not live, or kept apart (examples, templates)
    left_out: list[LeftOut] = Field(default_factory=list)


class ProbeReport(Out):
    results: list[ProbeResult]
    upgrades: list[UpgradeFinding]
    integration_points: list[IntegrationPoint]
    impact: Impact


def run_probes(
    estate: Estate,
    knowledge: Knowledge,
    pattern: Pattern | None,
    graph: nx.DiGraph,
    namespaces: set[str] | None = None,
) -> ProbeReport:
    """The pattern's probes, its integration points and their impact. `namespaces`: where the
    request's subjects deploy (None: not known)."""
    envs = module_environments(estate)
    names = pattern.probes if pattern else []
    by_name = {p.name: p for p in knowledge.probes}
    results = [run_probe(by_name[n], estate, pattern, envs, namespaces) for n in names]
    tools = pattern.upgrade_tools if pattern else []
    # upgrade notes apply when the pattern names tools ("*": every tool the notes know)
    found = upgrade_findings(estate, knowledge, [] if "*" in tools else tools) if tools else []
    by_id = {o.where: o for o in estate.objects}
    deliveries = {o.where: o.delivery for o in estate.objects} | {
        b.where: b.delivery for b in estate.terraform
    }
    # not-live objects are never integration points: old API versions in an archive are history
    upgrades = [f for f in found if considered(by_id[f.id].delivery)]
    dropped = {f.id: by_id[f.id].delivery for f in found if not considered(by_id[f.id].delivery)}
    points: dict[str, IntegrationPoint] = {}
    for result in results:
        if pattern is None or result.name not in pattern.integration:
            continue
        for e in result.evidence:
            if e.id in points:
                points[e.id] = points[e.id].model_copy(
                    update={"probes": sorted({*points[e.id].probes, result.name})}
                )
            else:
                points[e.id] = IntegrationPoint(**e.model_dump(), probes=[result.name])
        for group in result.left_out:
            for fact_id in group.ids:
                dropped.setdefault(fact_id, deliveries[fact_id])
    for f in upgrades:
        if f.id not in points:
            obj = by_id[f.id]
            points[f.id] = IntegrationPoint(
                **object_evidence(obj).model_dump(), probes=["upgrade-notes"]
            )
    ordered = sorted(points.values(), key=lambda p: p.id)
    impact = impact_of(ordered, graph, knowledge)
    return ProbeReport(
        results=results,
        upgrades=upgrades,
        integration_points=ordered,
        impact=impact.model_copy(
            update={"left_out": left_out(sorted(dropped.items()), MAX_LEFT_OUT_IDS)}
        ),
    )


def impact_of(points: list[IntegrationPoint], graph: nx.DiGraph, knowledge: Knowledge) -> Impact:
    """What depends on the points (the graph's descendants), their environments, clusters,
    owners and repositories, and the affected part of the graph for diagrams."""
    import networkx as nx

    ids = {p.id for p in points}
    descendants: set[str] = set()
    for node in ids:
        if node in graph:
            descendants |= nx.descendants(graph, node)
    descendants -= ids
    order = [e.id for e in knowledge.environments]
    nodes = graph.nodes
    envs = {e for p in points for e in p.environments} | {
        e for d in descendants for e in nodes[d]["environments"]
    }
    clusters = {c for p in points for c in p.clusters} | {
        c for d in descendants for c in nodes[d]["clusters"]
    }
    owners = {o for p in points for o in p.owners} | {
        o for d in descendants for o in nodes[d]["owners"]
    }
    dependents = [
        Dependent(id=d, what=nodes[d]["label"], owners=list(nodes[d]["owners"]))
        for d in sorted(descendants)
    ]
    # the affected part of the graph, for diagrams: integration points and their nearest dependents
    near = ids & set(graph.nodes)
    for node in sorted(near):
        near = near | set(sorted(graph.successors(node))[:8])
    shown = (sorted(ids & near) + sorted(near - ids))[:MAX_GRAPH_NODES]
    sub = graph.subgraph(shown)
    return Impact(
        environments=sorted(envs, key=lambda e: (order.index(e) if e in order else len(order), e)),
        clusters=sorted(clusters),
        owners=sorted(owners),
        repos=sorted({p.repo for p in points} | {nodes[d]["repo"] for d in descendants}),
        dependents=dependents[:50],
        dependents_total=len(dependents),
        graph_nodes=[
            GraphNode(id=n, label=nodes[n]["label"], integration_point=n in ids)
            for n in sorted(sub.nodes)
        ],
        graph_edges=[
            GraphEdge(source=u, target=v, kind=d["kind"])
            for u, v, d in sorted(sub.edges(data=True), key=lambda e: (e[0], e[1]))
        ],
    )


def clusters_per_environment(points: list[IntegrationPoint], estate: Estate) -> int:
    """The most clusters the change touches within one environment (a cluster counts in its own
    environment; one cluster per environment is a multi-environment change, not cross-cluster)."""
    env_of = {c.name: c.environment for c in estate.clusters}
    per_env: dict[str, set[str]] = defaultdict(set)
    for p in points:
        for c in p.clusters:
            per_env[env_of.get(c, "") or c].add(c)
    return max((len(cs) for cs in per_env.values()), default=0)
