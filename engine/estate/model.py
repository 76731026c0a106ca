"""The estate model: every repository's objects, Terraform blocks, charts, workflows and owners,
placed (environment, cluster, namespace, role). Built by engine/estate/scan.py."""

from __future__ import annotations

from typing import Literal, get_origin

from pydantic import Field

from engine.core.models import EMPTY_DICT, EMPTY_LIST, Out, fields_set_of
from engine.estate.discover import Diagnostic
from engine.estate.extract.files import ChartInfo, OwnerRule, WorkflowInfo
from engine.estate.extract.kinds import Detail
from engine.estate.extract.terraform import TerraformBlock

Role = Literal["object", "patch", "kustomize", "fixture", "not-cluster"]
# who applies an object: a controller, Terraform (or a Helm release it installs), or a person
DeliveredBy = Literal["flux", "argocd", "terraform", "helm", "kubectl", "unknown"]


class Why(Out):
    """Why an object is (not) live, and got its environments and clusters: short reasons."""

    live: str = ""
    environments: str = ""
    clusters: str = ""


class ChartUse(Out):
    """A Helm chart installed, whichever way: Flux, Argo CD, Terraform `helm_release` or a
    wrapper module."""

    name: str
    version: str = ""
    repository: str = ""
    installed_by: str  # flux, argocd, terraform
    value_files: list[str] = Field(default_factory=list)
    via: str = ""  # the Terraform block that passes the chart down, when not this one
    # where an Argo CD application deploys it (its destination, or each generated one): not
    # where the application object itself lives
    clusters: list[str] = Field(default_factory=list)


class Delivered(Out):
    """What the estate's delivery says of one object or block (engine/estate/delivery.py)."""

    live: bool | None = None
    delivered_by: DeliveredBy = "unknown"
    kept_apart: str = ""  # example, test, template, rendered; "" when it is part of the estate
    version: str = ""
    charts: list[ChartUse] = Field(default_factory=list)
    why: Why = Field(default_factory=Why)


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
    template: bool = False  # its name holds template placeholders
    rendered: bool = False  # `helm template` output
    delivery: Delivered = Field(default_factory=Delivered)
    embedded_in: str = ""  # the Terraform resource (address) whose manifest holds it

    @property
    def group(self) -> str:
        return self.api_version.split("/")[0] if "/" in self.api_version else ""

    @property
    def where(self) -> str:
        return f"{self.repo}/{self.path}:{self.line}"


class InstanceVersion(Out):
    """A version one instance of a Terraform module folder gets, and where the value is written
    (the root's module call, its tfvars, a variable default): a module called by two roots with
    two versions has two."""

    subject: str  # a chart name, or the block's address (`aws_db_instance.this`)
    attribute: str  # chart_version, engine_version, ...
    value: str
    path: str
    line: int = 0
    clusters: list[str] = Field(default_factory=list)
    environments: list[str] = Field(default_factory=list)


class TerraformFact(TerraformBlock):
    repo: str
    path: str
    module: str  # the folder (Terraform module) the block belongs to
    environment: str = ""
    owners: list[str] = Field(default_factory=list)
    environments: list[str] = Field(default_factory=list)  # of the roots that instantiate it
    clusters: list[str] = Field(default_factory=list)  # where it applies Kubernetes objects
    delivery: Delivered = Field(default_factory=Delivered)
    versions: list[InstanceVersion] = Field(default_factory=list)  # per instance, where set

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


# a block's lists and dicts: (name, is a list)
_CONTAINERS = tuple(
    (name, get_origin(field.annotation) is list)
    for name, field in TerraformBlock.model_fields.items()
    if get_origin(field.annotation) in (list, dict)
)
# the fields a TerraformFact is given when built from its block (terraform_fact): pydantic
# records these as set, the rest (delivery's) as defaults
_PLACE = ("repo", "path", "module", "environment", "owners")
_GIVEN = frozenset(TerraformBlock.model_fields) | frozenset(_PLACE)


def terraform_fact(
    block: TerraformBlock,
    repo: str,
    path: str,
    module: str,
    environment: str,
    owners: list[str],
    delivered: Delivered,
) -> TerraformFact:
    """The fact of a placed block, equal to `TerraformFact(repo=..., **block.__dict__)` but
    built without validation: pydantic would copy every list and dict of a block it validated
    already (tens of megabytes across an organisation's estate, held twice while it is built).
    The fact holds the block's containers (its empty ones: the shared empties), the facts of a
    file hold one list of its owners, and `delivered` (frozen: the default record) stands for
    many until delivery replaces it."""
    fact = TerraformFact.__new__(TerraformFact)
    values = {
        **block.__dict__,
        "repo": repo,
        "path": path,
        "module": module,
        "environment": environment,
        "owners": owners,
        "environments": EMPTY_LIST,
        "clusters": EMPTY_LIST,
        "delivery": delivered,
        "versions": EMPTY_LIST,
    }
    for name, is_list in _CONTAINERS:  # the block's empties let go with its file's facts
        if not values[name]:
            values[name] = EMPTY_LIST if is_list else EMPTY_DICT
    set_ = object.__setattr__
    set_(fact, "__dict__", values)
    set_(fact, "__pydantic_fields_set__", fields_set_of(_GIVEN))
    set_(fact, "__pydantic_extra__", None)
    set_(fact, "__pydantic_private__", None)
    return fact


class TfvarsFact(Out):
    repo: str
    path: str
    environment: str = ""
    variables: list[str]
    values: dict[str, str] = Field(default_factory=dict)  # versions, switches, environments only
    lines: dict[str, int] = Field(default_factory=dict)  # the line each value is set on


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


class VersionRecord(Out):
    """A version the estate declares: `{subject, attribute, value}` at a place."""

    subject: str  # a chart, cluster, `terraform`, `provider.aws`, `module.eks`, a kind, an image
    attribute: str  # chart_version, app_version, kubernetes_version, required_version, ...
    value: str
    repo: str
    path: str
    line: int = 0
    cluster: str = ""
    environment: str = ""  # the environment of the root that sets it, when one
    of: str = ""  # the block it is a version of, when written elsewhere (repo/path:line)
    live: bool | None = None

    @property
    def at(self) -> str:
        return f"{self.repo}/{self.path}:{self.line}"


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
    versions: list[VersionRecord] = Field(default_factory=list)

    def cluster_objects(self) -> list[K8sObject]:
        return [o for o in self.objects if o.role == "object"]

    def live_objects(self) -> list[K8sObject]:
        """Cluster objects that may run: live or unknown, and not kept apart."""
        return [
            o
            for o in self.objects
            if o.role == "object" and o.delivery.live is not False and not o.delivery.kept_apart
        ]
