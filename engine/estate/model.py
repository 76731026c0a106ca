"""The estate model: every repository's objects, Terraform blocks, charts, workflows and owners,
placed (environment, cluster, namespace, role). Built by engine/estate/scan.py."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from engine.core.models import Out
from engine.estate.discover import Diagnostic
from engine.estate.extract.files import ChartInfo, OwnerRule, WorkflowInfo
from engine.estate.extract.kinds import Detail
from engine.estate.extract.terraform import TerraformBlock

Role = Literal["object", "patch", "kustomize", "fixture", "not-cluster"]


class K8sObject(Out):
    repo: str
    path: str
    line: int
    api_version: str
    kind: str
    name: str
    namespace: str = ""
    namespace_from: str = ""  # metadata, kustomization, flux-target-namespace
    labels: dict[str, str] = Field(default_factory=dict)
    role: Role = "object"
    encrypted: bool = False
    environment: str = ""  # the environment, when the object is in exactly one
    cluster: str = ""  # the cluster, when the object is applied to exactly one
    clusters: list[str] = Field(default_factory=list)  # every cluster it is applied to
    environments: list[str] = Field(default_factory=list)  # every environment it reaches
    owners: list[str] = Field(default_factory=list)
    detail: Detail | None = None
    applies: list[str] = Field(
        default_factory=list
    )  # Flux Kustomization: the files its path builds
    applied_by: list[str] = Field(
        default_factory=list
    )  # files of the Flux Kustomizations that apply it

    @property
    def group(self) -> str:
        return self.api_version.split("/")[0] if "/" in self.api_version else ""

    @property
    def where(self) -> str:
        return f"{self.repo}/{self.path}:{self.line}"


class TerraformFact(TerraformBlock):
    repo: str
    path: str
    module: str  # the folder (Terraform module) the block belongs to
    environment: str = ""
    owners: list[str] = Field(default_factory=list)

    @property
    def address(self) -> str:
        if self.block == "resource":
            return f"{self.type}.{self.name}"
        if self.block == "data":
            return f"data.{self.type}.{self.name}"
        if self.block == "module":
            return f"module.{self.name}"
        if self.block == "variable":
            return f"var.{self.name}"
        if self.block == "local":
            return f"local.{self.name}"
        return f"{self.block}.{self.type or self.name}"

    @property
    def where(self) -> str:
        return f"{self.repo}/{self.path}:{self.line}"


class TfvarsFact(Out):
    repo: str
    path: str
    environment: str = ""
    variables: list[str]


class ChartFact(ChartInfo):
    repo: str
    path: str
    owners: list[str] = Field(default_factory=list)


class ValuesFact(Out):
    repo: str
    path: str
    keys: list[str]


class WorkflowFact(WorkflowInfo):
    repo: str
    path: str
    owners: list[str] = Field(default_factory=list)


class OwnerFact(OwnerRule):
    repo: str
    path: str


class RepoSummary(Out):
    name: str
    role: str
    files: int
    digest: str
    skipped: dict[str, int] = Field(default_factory=dict)


class ClusterInfo(Out):
    name: str
    environment: str  # from the cluster's name or folder; "" when unknown


class Estate(Out):
    repos: list[RepoSummary] = Field(default_factory=list)
    clusters: list[ClusterInfo] = Field(default_factory=list)
    objects: list[K8sObject] = Field(default_factory=list)
    terraform: list[TerraformFact] = Field(default_factory=list)
    tfvars: list[TfvarsFact] = Field(default_factory=list)
    charts: list[ChartFact] = Field(default_factory=list)
    values: list[ValuesFact] = Field(default_factory=list)
    workflows: list[WorkflowFact] = Field(default_factory=list)
    codeowners: list[OwnerFact] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    def cluster_objects(self) -> list[K8sObject]:
        return [o for o in self.objects if o.role == "object"]
