"""The units of delivery: what applies what. A unit is something that applies files to a cluster
(a Flux Kustomization, a Flux sync, an Argo CD application); an instance is one instance of a
Terraform module folder, as reached from a root."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.estate.model import K8sObject, TerraformFact
from engine.estate.resolve import Kustomizations, Layout

Folder = tuple[str, str]  # (repository, folder)


@dataclass
class RepoYaml:
    """One repository's YAML, as delivery needs it."""

    name: str
    layout: Layout
    kustomizations: Kustomizations
    namespace_folders: frozenset[str]
    # ExternalArtifact name → (folder inside the artifact, repository folder it is copied from)
    artifact_paths: dict[str, list[tuple[str, str]]]


@dataclass
class Unit:
    """Something that applies files to a cluster."""

    controller: str  # flux, argocd
    applier: str  # the id of the object that declares it
    label: str
    repo: str  # where the files it applies are
    files: dict[str, set[str]]  # file → environments of the folders it is reached through
    clusters: set[str] = field(default_factory=set)
    cluster_why: str = ""
    environments: set[str] = field(default_factory=set)
    environment_why: str = ""
    root_why: str = ""  # why it is a root ("" when something applies it)
    sync: bool = False  # a Flux instance's own sync
    target_namespace: str = ""


@dataclass
class Reach:
    """The outcome for the YAML objects: who applies each, and which units are live."""

    by_object: dict[str, list[tuple[Unit, set[str]]]] = field(default_factory=dict)
    roots: list[Unit] = field(default_factory=list)
    units: dict[str, list[Unit]] = field(default_factory=dict)  # applier id → its units
    repos_delivered: set[str] = field(default_factory=set)  # repos a live unit applies files of
    controllers: bool = False  # the estate declares Flux or Argo CD delivery at all
    root_objects: dict[str, str] = field(default_factory=dict)  # entry points nothing applies


def url_repo(url: str, repos: set[str]) -> str:
    name = url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    return name if name in repos else ""


@dataclass
class Instance:
    """One instance of a module folder: how it was reached from a root."""

    folder: Folder
    environments: frozenset[str]
    providers: dict[str, frozenset[str]]  # provider configuration (`helm`, `helm.tools`) → clusters
    variables: dict[str, str]  # literal inputs the caller gives
    enabled: bool
    kept: str  # the kept-apart reason of its root ("" for the estate's own roots)
    via: str  # module.a → module.b
    off: str = ""  # why it is switched off
    # where each variable's value is written: (path, line) of the call argument or tfvars entry
    origins: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass
class TerraformDelivery:
    blocks: list[TerraformFact] = field(default_factory=list)
    objects: list[K8sObject] = field(default_factory=list)  # embedded in manifest resources
    # (repository, path) of values found for cluster versions: cluster → (value, path, line)
    cluster_versions: dict[str, tuple[str, str, str, int]] = field(default_factory=dict)
