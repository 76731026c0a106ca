"""Argo CD delivery: the units an Application or ApplicationSet declares — one per source path,
and one per element an ApplicationSet's generators yield (engine/estate/argogen.py: list
elements, git directories and files, registered clusters, matrices; its template filled in) —
with the cluster each deploys to."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from engine.estate.argogen import generated
from engine.estate.delivery import Delivery
from engine.estate.extract.kinds import ArgoApplication, ArgoSource
from engine.estate.model import K8sObject
from engine.estate.paths import join
from engine.estate.units import Unit, url_repo


def _host(url: str) -> str:
    try:
        return urlparse(url).hostname or url
    except ValueError:
        return url


_SEGMENT = re.compile(r"\{\{-?\s*index\s+\.path\.segments\s+(\d+)\s*-?\}\}")


def _render(text: str, element: dict[str, str]) -> str:
    """An ApplicationSet template string with one generated element's values filled in (its
    fasttemplate `{{path[1]}}` and Go template `{{index .path.segments 1}}` forms alike)."""
    text = _SEGMENT.sub(lambda m: element.get(f"path[{m.group(1)}]", m.group(0)), text)
    for key, value in element.items():
        for form in ("{{.%s}}", "{{ .%s }}", "{{%s}}", "{{ %s }}"):
            text = text.replace(form % key, value)
    return text


def _argo_cluster(find: Delivery, d: ArgoApplication, element: dict[str, str]) -> tuple[str, str]:
    name = _render(d.destination_name, element)
    url = _render(d.destination_url, element)
    if name and "{{" not in name:
        return name, "its destination name"
    if url in find.reading.in_cluster_servers:
        return find.reading.in_cluster_name, "its destination is the cluster Argo CD runs on"
    key = next((k for k in find.reading.cluster_element_keys if element.get(k)), "")
    if key:
        return element[key], f"its list-generator element {key}={element[key]}"
    if url and "{{" not in url:
        return _host(url), "its destination server"
    return "", ""


def destination_clusters(find: Delivery, o: K8sObject, d: ArgoApplication) -> set[str]:
    """The clusters an application deploys to: its destination, or each one its
    ApplicationSet's generators yield."""
    elements = generated(find, o, d) if o.kind == "ApplicationSet" else [{}]
    return {c for e in elements or [{}] if (c := _argo_cluster(find, d, e)[0]) and "{{" not in c}


def argo_units(find: Delivery) -> list[Unit]:
    units = []
    for o in find.objects:
        d = o.detail
        if not isinstance(d, ArgoApplication) or not find.usable(o):
            continue
        elements = generated(find, o, d) if o.kind == "ApplicationSet" else [{}]
        for element in elements or [{}]:
            for source in d.sources:
                unit = _argo_unit(find, o, d, source, element)
                if unit is not None:
                    units.append(unit)
    return units


def _argo_unit(
    find: Delivery, o: K8sObject, d: ArgoApplication, source: ArgoSource, element: dict[str, str]
) -> Unit | None:
    path = _render(source.path, element)
    if not path or "{{" in path:
        return None
    repo = url_repo(source.repo_url, set(find.repos)) or o.repo
    folder = join("", path)
    if not find.exists(repo, folder):
        return None
    data = find.repos[repo]
    unit = Unit(
        controller="argocd",
        applier=o.where,
        label=f"Argo CD {o.kind} {o.name}"
        + (f" ({', '.join(f'{k}={v}' for k, v in sorted(element.items()))})" if element else "")
        + f" ({o.where})",
        repo=repo,
        files=find.build(repo, folder, source.recurse or folder in data.kustomizations.configs),
    )
    cluster, why = _argo_cluster(find, d, element)
    if cluster:
        unit.clusters, unit.cluster_why = {cluster}, f"{cluster}: {why}"
    env = next(
        (
            e
            for k in find.reading.environment_variables
            if element.get(k) and (e := find.placer.environment_of_name(element[k]))
        ),
        "",
    )
    if env:
        unit.environments, unit.environment_why = {env}, "its list-generator element"
    return unit
