"""Liveness of YAML objects: from what delivery reaches (engine/estate/delivery.py) to each
object's `live`, controller, clusters, environments, version, charts and the reasons for them.

    kept apart (example, test, template)       not live
    in an out-of-service folder (archive...)   not live
    applied by a live unit                     live, by that unit's controller, on its clusters
    an entry point (a root)                    live
    not reached, where delivery is declared    not live
    no controller anywhere in the estate       live: plain manifests applied by hand (kubectl)
    otherwise                                  unknown
"""

from __future__ import annotations

from typing import cast

from engine.estate.argo import destination_clusters
from engine.estate.delivery import Delivery
from engine.estate.extract.kinds import (
    ArgoApplication,
    FluxKustomization,
    FluxSource,
    HelmRelease,
    Kustomize,
    Monitoring,
    Workload,
)
from engine.estate.extract.kubernetes import PLACEHOLDER
from engine.estate.model import ChartUse, Delivered, DeliveredBy, K8sObject, Why
from engine.estate.paths import folder_of, join
from engine.estate.units import Reach, Unit

VERSION_LABEL = "app.kubernetes.io/version"


def _ref_version(ref: str) -> str:
    """A Flux source's `ref` as a version: a tag or a semver range, never a branch or digest."""
    kind, _, value = ref.partition(":")
    return value if kind in {"tag", "semver"} else ""


def object_charts(o: K8sObject, find: Delivery) -> list[ChartUse]:
    """The charts a HelmRelease or an Argo CD application installs."""
    d = o.detail
    if isinstance(d, HelmRelease):
        version, repository, name = d.version, "", d.chart.rstrip("/").rsplit("/", 1)[-1]
        if d.chart_ref is not None:
            source = find.find_object(
                o.repo, d.chart_ref.kind or "OCIRepository", d.chart_ref.name, ""
            )
            if source is not None and isinstance(source.detail, FluxSource):
                repository = source.detail.url
                version = version or _ref_version(source.detail.ref)
                name = name or source.detail.url.rstrip("/").rsplit("/", 1)[-1]
        elif d.source is not None:
            source = find.find_object(o.repo, d.source.kind or "HelmRepository", d.source.name, "")
            if source is not None and isinstance(source.detail, FluxSource):
                repository = source.detail.url
        if not name:
            return []
        return [ChartUse(name=name, version=version, repository=repository, installed_by="flux")]
    if isinstance(d, ArgoApplication):  # templated charts (`{{values.chart}}`) name no chart
        refs = {s.ref for s in d.sources if s.ref}
        clusters = sorted(destination_clusters(find, o, d))
        return [
            ChartUse(
                name=s.chart,
                version=s.target_revision,
                repository=s.repo_url,
                installed_by="argocd",
                value_files=[
                    f.split("/", 1)[1]
                    if f.startswith("$") and f[1:].split("/", 1)[0] in refs
                    else f
                    for f in s.value_files
                ],
                clusters=clusters,
            )
            for s in d.sources
            if s.chart and not PLACEHOLDER.search(s.chart)
        ]
    return []


def object_version(o: K8sObject, charts: list[ChartUse]) -> str:
    if charts and charts[0].version:
        return charts[0].version
    if isinstance(o.detail, FluxSource):
        return _ref_version(o.detail.ref)
    if isinstance(o.detail, Monitoring) and o.detail.version:
        return o.detail.version
    return o.labels.get(VERSION_LABEL, "") if isinstance(o.detail, Workload) else ""


def _commented(o: K8sObject, find: Delivery) -> str:
    """The kustomization that lists this object's folder in a commented-out entry."""
    folder = folder_of(o.path)
    for config_folder, config in sorted(find.repos[o.repo].kustomizations.configs.items()):
        assert isinstance(config, Kustomize)
        for entry in config.commented:
            target = join(config_folder, entry)
            if folder == target or folder.startswith(target + "/") or o.path == target:
                return f'the entry "{entry}" is commented out in {config_folder}/kustomization.yaml'
    return ""


def _units_why(units: list[Unit]) -> str:
    first = units[0].label
    more = f" and {len(units) - 1} more" if len(units) > 1 else ""
    return f"applied by {first}{more}"


def deliver_objects(objects: list[K8sObject], find: Delivery, reach: Reach) -> list[K8sObject]:
    """Every YAML object with its delivery, clusters and environments decided."""
    placer = find.placer
    reading = placer.reading
    roots_of: dict[str, list[Unit]] = {}
    for u in reach.roots:
        if not u.sync:
            roots_of.setdefault(u.applier, []).append(u)
    rooted = {u.applier.split("/", 1)[0] for u in reach.roots}  # repositories with entry points
    out = []
    scoped = frozenset(reading.cluster_scoped_kinds)
    unique: dict[str, list[tuple[Unit, set[str]]]] = {}  # what reaches each file:line, once
    for o in objects:
        where = o.where
        if where not in unique:  # objects sharing a file:line (a List on one line) share this
            pairs = reach.by_object.get(where, [])
            unique[where] = list({(id(u), tuple(sorted(c))): (u, c) for u, c in pairs}.values())
        reached = unique[where]
        units = sorted({id(u): u for u, _ in reached}.values(), key=lambda u: u.label)
        own_roots = roots_of.get(where, [])
        kept = find.kept_apart(o)
        archived = placer.out_of_service(o.path)
        charts = object_charts(o, find)
        why = ""
        live: bool | None
        delivered = "unknown"
        if o.role == "not-cluster" and not kept:
            live, why = None, "not a cluster object"
        elif o.role == "kustomize":
            live, why = None, "a kustomize configuration, not a cluster object"
        elif kept:
            live, why = False, f"kept apart ({kept}): {o.path}"
        elif archived:
            live, why = False, f"in the out-of-service folder {archived}/"
        elif units:
            live, delivered = True, units[0].controller
            why = _units_why(units)
        elif where in reach.root_objects:
            # an entry point: Argo CD applications are applied by hand, Flux's by its bootstrap
            live = True
            delivered = "flux" if isinstance(o.detail, FluxKustomization) else "kubectl"
            why = f"an entry point: {reach.root_objects[where]}"
        elif o.repo in reach.repos_delivered or (o.repo in rooted):
            live = False
            why = _commented(o, find) or "no delivery root of the estate applies it"
        elif not reach.controllers:
            live, delivered = True, "kubectl"
            why = "a plain manifest: nothing in the estate delivers it, so it is applied by hand"
        else:
            live = None
            why = "no delivery root of the estate reaches its repository"
        # where it runs: its labels and path, then the units that apply it
        label_cluster = next((o.labels[k] for k in reading.cluster_labels if o.labels.get(k)), "")
        path_cluster = placer.cluster(o.path)
        applying = units or own_roots
        if label_cluster or path_cluster:
            clusters = {label_cluster or path_cluster}
            why_clusters = (
                "its cluster label" if label_cluster else f"{o.path} is in a clusters/ folder"
            )
        elif applying and live:
            clusters = {c for u in applying for c in u.clusters}
            why_clusters = "; ".join(sorted({u.cluster_why for u in applying if u.cluster_why}))
        else:
            clusters, why_clusters = set(), ""
        label_env = next(
            (
                e
                for k in reading.environment_labels
                if o.labels.get(k) and (e := placer.environment_of_name(o.labels[k]))
            ),
            "",
        )
        path_env = (
            placer.environment(o.path, find.repos[o.repo].namespace_folders)
            if o.repo in find.repos
            else ""
        )
        if label_env:
            envs, why_envs = {label_env}, f"its label names {label_env}"
        elif path_env:
            envs, why_envs = {path_env}, f"its path {o.path}"
        elif live and applying:
            envs, reasons = set(), set()
            for unit, chain in reached or [(u, set()) for u in own_roots]:
                if chain:
                    envs |= chain
                    reasons.add("the folders it is built through")
                elif unit.environments:
                    envs |= unit.environments
                    reasons.add(unit.environment_why)
                else:
                    found = {placer.environment_of_cluster(c) for c in unit.clusters} - {""}
                    envs |= found
                    if found:
                        reasons.add("its cluster's name")
            why_envs = "; ".join(sorted(reasons))
        else:
            envs, why_envs = set(), ""
        namespace, namespace_from = o.namespace, o.namespace_from
        targets = {u.target_namespace for u in units if u.controller == "flux"}
        if (
            namespace_from != "metadata"
            and o.role in {"object", "patch"}
            and o.kind not in scoped
            and len(targets) == 1
            and "" not in targets
        ):
            namespace, namespace_from = targets.pop(), "flux-target-namespace"
        environments = placer.ordered(envs)
        cluster_list = sorted(clusters)
        flux_units = [u for u, _ in reached if u.controller == "flux" and u.repo == o.repo]
        out.append(
            o.model_copy(
                update={
                    "namespace": namespace,
                    "namespace_from": namespace_from,
                    "clusters": cluster_list,
                    "cluster": cluster_list[0] if len(cluster_list) == 1 else "",
                    "environments": environments,
                    "environment": environments[0] if len(environments) == 1 else "",
                    "applies": sorted(
                        {f for u in reach.units.get(where, []) if u.repo == o.repo for f in u.files}
                    )
                    if isinstance(o.detail, FluxKustomization)
                    else [],
                    "applied_by": sorted(
                        {u.applier.split(":", 1)[0].split("/", 1)[1] for u in flux_units}
                    ),
                    "delivery": Delivered(
                        live=live,
                        delivered_by=cast(DeliveredBy, delivered),
                        kept_apart=kept,
                        version=object_version(o, charts),
                        charts=charts,
                        why=Why(
                            live=why,
                            environments=why_envs or "no evidence",
                            clusters=why_clusters or "no cluster is named",
                        ),
                    ),
                }
            )
        )
    return out
