"""Versions the estate declares, each `{subject, attribute, value}` at a place: installed charts
(whichever way they are installed), app versions and image tags of workloads, Kubernetes
versions of clusters (literal, or through the variable and tfvars feeding them), Terraform's
`required_version`, provider constraints and the provider versions lock files record, module
versions, `*_version` arguments per Terraform root, and the API versions in use per kind."""

from __future__ import annotations

from typing import Any

from engine.estate.extract.kinds import Workload
from engine.estate.model import ChartUse, Estate, TerraformFact, VersionRecord

APP_VERSION_LABEL = "app.kubernetes.io/version"
# a `required_providers` entry constrains a provider; a lock file records the one installed
PROVIDER_ATTRIBUTES = {
    "required_provider": "version_constraint",
    "locked_provider": "locked_version",
}


def image_tag(image: str) -> tuple[str, str]:
    """(repository, tag) of an image reference; no tag for a digest-only reference."""
    ref = image.split("@", 1)[0]
    name, sep, tag = ref.rpartition(":")
    if not sep or "/" in tag:
        return ref, ""
    return name, tag


def _charts(
    charts: list[ChartUse], clusters: list[str], where: dict[str, Any]
) -> list[VersionRecord]:
    cluster = clusters[0] if len(clusters) == 1 else ""
    return [
        VersionRecord(
            subject=c.name, attribute="chart_version", value=c.version, cluster=on, **where
        )
        for c in charts
        if c.version
        for on in (c.clusters or [cluster])  # an Argo CD chart: where it deploys
    ]


def _instance_versions(b: TerraformFact) -> list[VersionRecord]:
    """Versions per instance of a block, each where its value is written (engine/estate/
    tfversions.py)."""
    out = []
    for v in b.versions:
        one = {
            "cluster": v.clusters[0] if len(v.clusters) == 1 else "",
            "environment": v.environments[0] if len(v.environments) == 1 else "",
        }
        fields = v.model_dump(include={"subject", "attribute", "value", "path", "line"})
        out.append(VersionRecord(repo=b.repo, live=b.delivery.live, of=b.where, **fields, **one))
    return out


def version_records(
    estate: Estate, cluster_versions: dict[str, tuple[str, str, str, int]]
) -> list[VersionRecord]:
    out: list[VersionRecord] = []
    api_seen: dict[tuple[str, str], VersionRecord] = {}
    # live objects first, so the API version in use per kind is located at a live one
    for o in sorted(estate.objects, key=lambda o: o.delivery.live is not True):
        if o.role != "object" or o.delivery.kept_apart:
            continue
        where = {"repo": o.repo, "path": o.path, "line": o.line, "live": o.delivery.live}
        cluster = o.clusters[0] if len(o.clusters) == 1 else ""
        out.extend(_charts(o.delivery.charts, o.clusters, where))
        if o.labels.get(APP_VERSION_LABEL):
            out.append(
                VersionRecord(
                    subject=f"{o.kind} {o.namespace + '/' if o.namespace else ''}{o.name}",
                    attribute="app_version",
                    value=o.labels[APP_VERSION_LABEL],
                    cluster=cluster,
                    **where,
                )
            )
        if isinstance(o.detail, Workload):
            for image in o.detail.images:
                name, tag = image_tag(image)
                if tag:
                    out.append(
                        VersionRecord(
                            subject=name, attribute="image_tag", value=tag, cluster=cluster, **where
                        )
                    )
        key = (o.kind, o.api_version)
        if key not in api_seen:
            api_seen[key] = VersionRecord(
                subject=o.kind, attribute="api_version", value=o.api_version, **where
            )
    out.extend(api_seen.values())
    for b in estate.terraform:
        where = {"repo": b.repo, "path": b.path, "line": b.line, "live": b.delivery.live}
        scope = f"module {b.module}: " if b.module else ""
        if b.block == "terraform" and b.version:
            subject = f"{scope}terraform"
            out.append(
                VersionRecord(
                    subject=subject, attribute="required_version", value=b.version, **where
                )
            )
        elif b.block in PROVIDER_ATTRIBUTES and b.version:
            attribute = PROVIDER_ATTRIBUTES[b.block]
            out.append(
                VersionRecord(
                    subject=f"{scope}provider.{b.type}",
                    attribute=attribute,
                    value=b.version,
                    **where,
                )
            )
        elif b.block == "module" and b.version:
            out.append(
                VersionRecord(
                    subject=f"module.{b.name}", attribute="module_version", value=b.version, **where
                )
            )
        if any(v.attribute == "chart_version" for v in b.versions):
            out.extend(_instance_versions(b))
        else:
            out.extend(_charts(b.delivery.charts, b.clusters, where))
            out.extend(_instance_versions(b))
    for cluster, (value, repo, path, line) in sorted(cluster_versions.items()):
        out.append(
            VersionRecord(
                subject=cluster,
                attribute="kubernetes_version",
                value=value,
                repo=repo,
                path=path,
                line=line,
                cluster=cluster,
                live=True,
            )
        )
    for chart in estate.charts:
        for attribute, value in (
            ("chart_version", chart.version),
            ("app_version", chart.app_version),
        ):
            if value:
                out.append(
                    VersionRecord(
                        subject=chart.name,
                        attribute=attribute,
                        value=value,
                        repo=chart.repo,
                        path=chart.path,
                        line=chart.line,
                    )
                )
    return sorted(out, key=lambda r: (r.attribute, r.subject, r.value, r.repo, r.path, r.line))
