"""A tool installed from plain manifests (an upstream `deploy.yaml`, Flux's gotk-components):
the objects that install it — workloads running its images (knowledge/tools.yaml `images`),
objects its `app.kubernetes.io/name` or `part-of` label names (`labels`) — and the version they
declare: the image tag, the `app.kubernetes.io/version` label, or the `helm.sh/chart` label of
a rendered chart. One version per file: a manifest repeats its version on every object."""

from __future__ import annotations

import re

from engine.estate.extract.kinds import Workload
from engine.estate.model import K8sObject
from engine.estate.versions import APP_VERSION_LABEL, image_tag
from engine.knowledge.grounding import Tool

NAME_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/part-of")
CHART_LABEL = "helm.sh/chart"
_CHART = re.compile(r"^(?P<chart>.+?)-(?P<version>v?\d+\.\d+[0-9A-Za-z.+-]*)$")


def _image_matches(tool: Tool, image: str) -> bool:
    repository = image_tag(image)[0]
    return any(repository == i or repository.endswith("/" + i) for i in tool.images)


def installs_from_manifest(tool: Tool, o: K8sObject) -> bool:
    """The object is part of a plain-manifest installation of the tool."""
    if any(o.labels.get(k) in tool.labels for k in NAME_LABELS if o.labels.get(k)):
        return True
    return isinstance(o.detail, Workload) and any(_image_matches(tool, i) for i in o.detail.images)


def manifest_versions(tool: Tool, o: K8sObject) -> list[tuple[str, str]]:
    """(attribute, value) of the tool's version the object declares: `app_version` from its
    images' tags and its version label, `chart_version` from `helm.sh/chart`."""
    out: list[tuple[str, str]] = []
    if isinstance(o.detail, Workload):
        for image in o.detail.images:
            tag = image_tag(image)[1]
            if tag and _image_matches(tool, image):
                out.append(("app_version", tag))
    if any(o.labels.get(k) in tool.labels for k in NAME_LABELS if o.labels.get(k)):
        if o.labels.get(APP_VERSION_LABEL):
            out.append(("app_version", o.labels[APP_VERSION_LABEL]))
        chart = _CHART.match(o.labels.get(CHART_LABEL, ""))
        if chart and chart.group("chart") in tool.charts:
            out.append(("chart_version", chart.group("version")))
    return out


def _same(a: str, b: str) -> bool:
    return a.removeprefix("v") == b.removeprefix("v")


def file_versions(tool: Tool, objects: list[K8sObject]) -> list[tuple[str, str, K8sObject]]:
    """(attribute, value, object declaring it) per file: each distinct version once, cited at a
    workload when one declares it (`v1.9.4` of the image and `1.9.4` of the label are one)."""
    chosen: dict[tuple[str, str], list[tuple[int, str, str, K8sObject]]] = {}
    for o in objects:
        for attribute, value in manifest_versions(tool, o):
            rank = 0 if isinstance(o.detail, Workload) else 1
            chosen.setdefault((o.repo, o.path), []).append((rank, attribute, value, o))
    out = []
    for found in chosen.values():
        kept: list[tuple[int, str, str, K8sObject]] = []
        for entry in sorted(found, key=lambda e: (e[0], e[3].line, e[1], e[2])):
            if not any(k[1] == entry[1] and _same(k[2], entry[2]) for k in kept):
                kept.append(entry)
        out += [(attribute, value, o) for _, attribute, value, o in kept]
    return out
