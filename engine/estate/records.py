"""One record per extracted object — every Kubernetes object (also those a Terraform manifest
resource embeds) and every Terraform resource, data source and module call — as `infraplan
facts --format jsonl` prints them (docs/facts.md; schema docs/schema/facts-object.schema.json).

Records hold names, places, versions and reasons; never a secret value (Secret data, tfvars and
variable values other than versions, SOPS payloads are not read in the first place) and never
URL user-info."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from engine.core.models import Out
from engine.estate.model import ChartUse, Estate, K8sObject, TerraformFact

RECORD_SCHEMA_VERSION = "1"
_USER_INFO = re.compile(r"(?<=://)[^/@\s]+@")


class WhyRecord(Out):
    live: str
    environments: str
    clusters: str


class ChartRecord(Out):
    name: str
    version: str | None
    repository: str | None
    installed_by: str
    value_files: list[str] = Field(default_factory=list)
    via: str | None = None


class ObjectRecord(Out):
    """One extracted object, where it runs, who delivers it, at which version, and why."""

    repo: str
    path: str = Field(description="relative to the repository")
    line: int
    source: Literal["kubernetes", "terraform"]
    kind: str = Field(
        description="the Kubernetes kind, or the Terraform resource or data source type, or `module`"
    )
    api_version: str | None = Field(description="Kubernetes objects only")
    block: str | None = Field(description="Terraform only: resource, data or module")
    name: str
    namespace: str | None
    role: str = Field(
        description="object, patch, kustomize, fixture or not-cluster (Terraform: object)"
    )
    environments: list[str]
    clusters: list[str]
    live: bool | None = Field(description="true, false, or null when unknown")
    delivered_by: Literal["flux", "argocd", "terraform", "helm", "kubectl", "unknown"]
    kept_apart: str | None = Field(
        description="example, test or template; null when part of the estate"
    )
    version: str | None
    charts: list[ChartRecord] = Field(default_factory=list)
    embedded_in: str | None = Field(
        default=None, description="the Terraform resource whose manifest holds this object"
    )
    why: WhyRecord


def _clean(url: str) -> str:
    return _USER_INFO.sub("", url)


def _charts(charts: list[ChartUse]) -> list[ChartRecord]:
    return [
        ChartRecord(
            name=c.name,
            version=c.version or None,
            repository=_clean(c.repository) or None,
            installed_by=c.installed_by,
            value_files=c.value_files,
            via=c.via or None,
        )
        for c in charts
    ]


def object_record(o: K8sObject) -> ObjectRecord:
    d = o.delivery
    return ObjectRecord(
        repo=o.repo,
        path=o.path,
        line=o.line,
        source="kubernetes",
        kind=o.kind,
        api_version=o.api_version,
        block=None,
        name=o.name,
        namespace=o.namespace or None,
        role=o.role,
        environments=o.environments,
        clusters=o.clusters,
        live=d.live,
        delivered_by=d.delivered_by,
        kept_apart=d.kept_apart or None,
        version=d.version or None,
        charts=_charts(d.charts),
        embedded_in=o.embedded_in or None,
        why=WhyRecord(**d.why.model_dump()),
    )


def terraform_record(b: TerraformFact) -> ObjectRecord:
    d = b.delivery
    return ObjectRecord(
        repo=b.repo,
        path=b.path,
        line=b.line,
        source="terraform",
        kind="module" if b.block == "module" else b.type,
        api_version=None,
        block=b.block,
        name=b.name,
        namespace=None,
        role="object",
        environments=b.environments,
        clusters=b.clusters,
        live=d.live,
        delivered_by=d.delivered_by,
        kept_apart=d.kept_apart or None,
        version=d.version or None,
        charts=_charts(d.charts),
        why=WhyRecord(**d.why.model_dump()),
    )


def object_records(estate: Estate) -> list[ObjectRecord]:
    """Every record, sorted by repository, path, line, kind and name."""
    records = [object_record(o) for o in estate.objects] + [
        terraform_record(b) for b in estate.terraform if b.block in {"resource", "data", "module"}
    ]
    return sorted(records, key=lambda r: (r.repo, r.path, r.line, r.source, r.kind, r.name))
