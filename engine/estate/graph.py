"""The dependency graph of an estate (networkx).

Edges point from a dependency to what depends on it (u → v: u must exist before v), so a
topological order is a rollout order and the descendants of a node are what a change to it
can affect. Edge kinds:

- reference   Terraform block → block that references it (also through locals)
- module      resource inside a local module folder → the module call
- dependsOn   Flux Kustomization or HelmRelease → the one that dependsOn it
- sourceRef   Flux source (GitRepository, OCIRepository, HelmRepository) → Kustomization/HelmRelease
- applies     Flux Kustomization → each object in the folder its `path` applies (any repository)
- chart       Helm chart (Chart.yaml in a charts repository) → HelmRelease installing it
- secret      Terraform Secrets Manager secret → ExternalSecret whose remote key names it
- store       (Cluster)SecretStore → ExternalSecret using it
- app-of-apps Argo CD Application → Application found under the path it deploys
- embeds      Terraform manifest resource (kubernetes_manifest, kubectl_manifest) → the object it holds
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from engine.estate.extract.kinds import (
    ArgoApplication,
    ExternalSecret,
    FluxKustomization,
    HelmRelease,
    Ref,
)
from engine.estate.globs import matches_template
from engine.estate.model import Estate, K8sObject, TerraformFact
from engine.estate.paths import join
from engine.knowledge.reading import ReadsEstate

if TYPE_CHECKING:
    import networkx as nx


def k8s_id(o: K8sObject) -> str:
    return o.where


def tf_id(b: TerraformFact) -> str:
    return b.where


def build_graph(estate: Estate, knowledge: ReadsEstate) -> nx.DiGraph:
    """The graph of what may run: objects and blocks that are not known dead (not live, kept
    apart) are left out, so nothing links to an archived twin or an example."""
    import networkx as nx

    g = nx.DiGraph()
    objects = estate.live_objects()
    for o in objects:
        g.add_node(
            k8s_id(o),
            type="k8s",
            kind=o.kind,
            name=o.name,
            namespace=o.namespace,
            repo=o.repo,
            path=o.path,
            line=o.line,
            environment=o.environment,
            cluster=o.cluster,
            environments=o.environments,
            clusters=o.clusters,
            live=o.delivery.live,
            delivered_by=o.delivery.delivered_by,
            owners=o.owners,
            label=f"{o.kind} {o.namespace + '/' if o.namespace else ''}{o.name}",
        )
    blocks = [
        b
        for b in estate.terraform
        if b.block in {"resource", "data", "module"}
        and b.delivery.live is not False
        and not b.delivery.kept_apart
    ]
    for b in blocks:
        g.add_node(
            tf_id(b),
            type="terraform",
            kind=b.block,
            name=b.address,
            namespace="",
            repo=b.repo,
            path=b.path,
            line=b.line,
            environment=b.environment,
            cluster=b.clusters[0] if len(b.clusters) == 1 else "",
            environments=b.environments,
            clusters=b.clusters,
            live=b.delivery.live,
            delivered_by=b.delivery.delivered_by,
            owners=b.owners,
            label=f"{b.address} ({b.module or '.'})",
        )
    for c in estate.charts:
        g.add_node(
            f"{c.repo}/{c.path}:{c.line}",
            type="chart",
            kind="Chart",
            name=c.name,
            namespace="",
            repo=c.repo,
            path=c.path,
            line=c.line,
            environment="",
            cluster="",
            environments=[],
            clusters=[],
            live=None,
            delivered_by="unknown",
            owners=c.owners,
            label=f"chart {c.name}",
        )

    _terraform_edges(g, estate)
    by_address = {(b.repo, b.path, b.address): tf_id(b) for b in blocks}
    for o in objects:  # a manifest resource applies the object it holds
        if o.embedded_in:
            _edge(g, by_address.get((o.repo, o.path, o.embedded_in), ""), k8s_id(o), "embeds")
    _flux_edges(g, objects, estate)
    _secret_edges(g, objects, blocks, knowledge.reading.secret_resource_types)
    _argo_edges(g, objects)
    return g


def _edge(g: nx.DiGraph, u: str, v: str, kind: str) -> None:
    if u != v and u in g and v in g:
        g.add_edge(u, v, kind=kind)


def _terraform_edges(g: nx.DiGraph, estate: Estate) -> None:
    by_module: dict[tuple[str, str], dict[str, TerraformFact]] = defaultdict(dict)
    locals_: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(dict)
    for b in estate.terraform:
        if b.block in {"resource", "data", "module"}:
            by_module[(b.repo, b.module)][b.address] = b
        elif b.block == "local":
            locals_[(b.repo, b.module)][b.address] = b.references
    for b in estate.terraform:
        if b.block not in {"resource", "data", "module", "output"}:
            continue
        scope = (b.repo, b.module)
        seen: set[str] = set()
        pending = list(b.references)
        while pending:
            ref = pending.pop()
            if ref in seen:
                continue
            seen.add(ref)
            if ref.startswith("local."):
                pending.extend(locals_[scope].get(ref, []))
                continue
            target = by_module[scope].get(ref)
            if target is not None and b.block != "output":
                _edge(g, tf_id(target), tf_id(b), "reference")
        if b.block == "module" and b.source.startswith(("./", "../")):
            folder = join(b.module, b.source)
            for inner in by_module.get((b.repo, folder), {}).values():
                _edge(g, tf_id(inner), tf_id(b), "module")


def _lookup(objects: list[K8sObject]) -> dict[tuple[str, str], list[K8sObject]]:
    index: dict[tuple[str, str], list[K8sObject]] = defaultdict(list)
    for o in objects:
        index[(o.kind, o.name)].append(o)
    return index


def _resolve(
    index: dict[tuple[str, str], list[K8sObject]], ref: Ref, kind: str, near: K8sObject
) -> list[K8sObject]:
    """Objects a reference names: same namespace (or the one given), same cluster when known."""
    candidates = index.get((ref.kind or kind, ref.name), [])
    namespace = ref.namespace or near.namespace
    matches = [
        c for c in candidates if not namespace or not c.namespace or c.namespace == namespace
    ]
    same_cluster = [c for c in matches if c.cluster == near.cluster and c.repo == near.repo]
    return same_cluster or [c for c in matches if c.repo == near.repo] or matches


def _flux_edges(g: nx.DiGraph, objects: list[K8sObject], estate: Estate) -> None:
    index = _lookup(objects)
    by_folder: dict[str, list[K8sObject]] = defaultdict(list)
    by_file: dict[tuple[str, str], list[K8sObject]] = defaultdict(list)
    for o in objects:
        by_folder[o.path.rsplit("/", 1)[0] if "/" in o.path else ""].append(o)
        by_file[(o.repo, o.path)].append(o)
    charts = defaultdict(list)
    for c in estate.charts:
        charts[c.name].append(f"{c.repo}/{c.path}:{c.line}")
    for o in objects:
        detail = o.detail
        if isinstance(detail, FluxKustomization):
            for dep in detail.depends_on:
                for target in _resolve(index, dep, "Kustomization", o):
                    if target.group == o.group:
                        _edge(g, k8s_id(target), k8s_id(o), "dependsOn")
            if detail.source is not None:
                for target in _resolve(index, detail.source, "GitRepository", o):
                    _edge(g, k8s_id(target), k8s_id(o), "sourceRef")
            if o.applies:
                for path in o.applies:
                    for target in by_file.get((o.repo, path), []):
                        _edge(g, k8s_id(o), k8s_id(target), "applies")
            elif detail.path:  # the folder is not in this repository: look in the others
                folder = join("", detail.path)
                for f, xs in sorted(by_folder.items()):
                    if f == folder or f.startswith(folder + "/"):
                        for target in xs:
                            if target.repo != o.repo:
                                _edge(g, k8s_id(o), k8s_id(target), "applies")
        elif isinstance(detail, HelmRelease):
            for dep in detail.depends_on:
                for target in _resolve(index, dep, "HelmRelease", o):
                    _edge(g, k8s_id(target), k8s_id(o), "dependsOn")
            for ref, default in (
                (detail.source, "HelmRepository"),
                (detail.chart_ref, "OCIRepository"),
            ):
                if ref is not None:
                    for target in _resolve(index, ref, default, o):
                        _edge(g, k8s_id(target), k8s_id(o), "sourceRef")
            chart_name = detail.chart.rstrip("/").rsplit("/", 1)[-1] if detail.chart else ""
            if not chart_name and detail.chart_ref is not None:
                source = next(iter(_resolve(index, detail.chart_ref, "OCIRepository", o)), None)
                url = getattr(source.detail, "url", "") if source is not None else ""
                chart_name = url.rstrip("/").rsplit("/", 1)[-1] if url else ""
            for chart in charts.get(chart_name, []):
                _edge(g, chart, k8s_id(o), "chart")


def _key_parts(name: str) -> list[str]:
    """A secret's name as literal parts around its `${...}` interpolations (matched in linear
    time, never as a regex built from repository text)."""
    return re.split(r"\$\{[^}]*\}", name)


def _secret_edges(
    g: nx.DiGraph, objects: list[K8sObject], blocks: list[TerraformFact], secret_types: list[str]
) -> None:
    secrets = [
        (b, _key_parts(n))
        for b in blocks
        if b.block == "resource" and b.type in secret_types
        for n in b.names
    ]
    index = _lookup(objects)
    for o in objects:
        if not isinstance(o.detail, ExternalSecret):
            continue
        for key in o.detail.remote_keys:
            for block, parts in secrets:
                if matches_template(parts, key):
                    _edge(g, tf_id(block), k8s_id(o), "secret")
        if o.detail.store is not None:
            for store in _resolve(index, o.detail.store, "SecretStore", o):
                _edge(g, k8s_id(store), k8s_id(o), "store")


def _argo_edges(g: nx.DiGraph, objects: list[K8sObject]) -> None:
    apps = [o for o in objects if isinstance(o.detail, ArgoApplication) and o.kind == "Application"]
    for parent in apps:
        assert isinstance(parent.detail, ArgoApplication)
        for source in parent.detail.sources:
            if not source.path:
                continue
            repo_name = source.repo_url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
            folder = join("", source.path)
            for child in apps:
                if child is parent:
                    continue
                in_repo = child.repo == repo_name or (
                    child.repo == parent.repo and repo_name not in {a.repo for a in apps}
                )
                if in_repo and (child.path.startswith(folder + "/") or folder == ""):
                    _edge(g, k8s_id(parent), k8s_id(child), "app-of-apps")


# -- queries ----------------------------------------------------------------------------------


def find_nodes(g: nx.DiGraph, query: str) -> list[str]:
    """Nodes a user means by `query`: an exact id, `Kind/name`, a Terraform address, or a name."""
    if query in g:
        return [query]
    kind, _, name = query.partition("/")
    hits = [n for n, d in g.nodes(data=True) if name and d["kind"] == kind and d["name"] == name]
    hits = hits or [n for n, d in g.nodes(data=True) if d["name"] == query]
    hits = hits or [
        n for n, d in g.nodes(data=True) if query.lower() in d["label"].lower() or query in n
    ]
    return sorted(hits)


def focus(g: nx.DiGraph, nodes: list[str], depth: int) -> nx.DiGraph:
    """The nodes within `depth` edges of `nodes`, in either direction."""
    keep = set(nodes)
    frontier = set(nodes)
    undirected = g.to_undirected(as_view=True)
    for _ in range(depth):
        frontier = {m for n in frontier for m in undirected.neighbors(n)} - keep
        if not frontier:  # nothing further: a huge --depth costs nothing
            break
        keep |= frontier
    return g.subgraph(keep).copy()
