"""How infraplan reads an estate (knowledge/estate.yaml): what is a cluster object, how paths
name environments and clusters, what is out of service or kept apart, how Terraform creates
clusters and installs charts."""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from typing import Protocol

from engine.core.digest import SourceFile, digest_files
from engine.core.modelbase import Field
from engine.core.models import Strict


class ClusterDeclaration(Strict):
    """A Terraform resource type or module source that creates a Kubernetes cluster."""

    resource: str = ""
    module: str = ""  # a module source (no `//sub-module`)
    name: list[str] = Field(default_factory=list)  # arguments naming the cluster
    version: list[str] = Field(default_factory=list)  # arguments holding its Kubernetes version


class EstateReading(Strict):
    """How infraplan reads an estate (knowledge/estate.yaml)."""

    id: str
    not_cluster_api_groups: list[str]
    not_cluster_kinds: list[str]
    cluster_scoped_kinds: list[str]
    secret_resource_types: list[str]
    fixture_dirs: list[str]
    environment_parents: list[str]
    cluster_parents: list[str]
    environment_labels: list[str]
    cluster_labels: list[str]
    out_of_service_dirs: list[str] = Field(
        default_factory=list, description="Folders whose content is out of service (never live)."
    )
    kept_apart_dirs: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Why a folder's content is kept apart (example, test, template) → folder names.",
    )
    template_api_groups: list[str] = Field(
        default_factory=list, description="API groups of template entities (Backstage scaffolder)."
    )
    namespace_parents: list[str] = Field(
        default_factory=list, description="Folders whose sub-folders name namespaces."
    )
    cluster_variables: list[str] = Field(
        default_factory=list, description="Flux substitution variables that name the cluster."
    )
    environment_variables: list[str] = Field(
        default_factory=list,
        description="Variables (Flux substitutions, tfvars) that name the environment.",
    )
    in_cluster_servers: list[str] = Field(
        default_factory=list, description="Argo CD destination servers meaning its own cluster."
    )
    in_cluster_name: str = "in-cluster"
    cluster_element_keys: list[str] = Field(
        default_factory=list, description="ApplicationSet list-element keys that name a cluster."
    )
    terraform_switches: dict[str, str] = Field(
        default_factory=dict,
        description="Module or resource arguments that switch every instance off at this value.",
    )
    cluster_declarations: list[ClusterDeclaration] = Field(default_factory=list)
    helm_wrapper_inputs: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Module inputs naming a chart's `chart`, `version` and `repository`.",
    )
    cluster_providers: dict[str, str] = Field(
        default_factory=dict,
        description="Terraform providers whose resources run on a cluster → the delivery they count as.",
    )


class Environment(Strict):
    id: str
    aliases: list[str] = Field(default_factory=list)
    prod: bool = False
    needs_parent: bool = False
    usual_path: bool = Field(
        default=False,
        description="On the usual path to production, used when nothing names the environments.",
    )


# What reading an estate uses of the knowledge (engine/estate): the environments and how estates
# are read. `facts` and `graph` load these files alone (engine/knowledge/load.py), not the whole
# knowledge base: its patterns and vocabulary are most of the knowledge and none of the estate.
ESTATE_FILES = ("environments.yaml", "estate.yaml")


def estate_files(files: list[SourceFile]) -> list[SourceFile]:
    """The files among a knowledge base's that reading an estate uses (paths are
    `<folder label>/<file>`: engine/knowledge/load.py)."""
    return [f for f in files if f.path.split("/", 1)[-1] in ESTATE_FILES]


class EstateKnowledge(Strict):
    """The knowledge an estate is read with: environments.yaml and estate.yaml, loaded alone."""

    environments: list[Environment]
    estate: list[EstateReading]
    files: list[SourceFile]

    @property
    def reading(self) -> EstateReading:
        return self.estate[-1]

    @property
    def estate_digest(self) -> str:
        return digest_files(self.files)


class ReadsEstate(Protocol):
    """What engine/estate asks of the knowledge: the whole Knowledge or EstateKnowledge."""

    @property
    def environments(self) -> list[Environment]: ...

    @property
    def reading(self) -> EstateReading: ...

    @property
    def estate_digest(self) -> str: ...
