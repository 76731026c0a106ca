"""The typed detail infraplan keeps for the Kubernetes kinds it reasons about (Flux, Argo CD,
Kyverno, Karpenter, External Secrets, monitoring, ...), and the one-document model KubeDoc."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from engine.core.models import Out


class Ref(Out):
    kind: str = ""
    name: str
    namespace: str = ""


class FluxKustomization(Out):
    type: Literal["flux-kustomization"] = "flux-kustomization"
    path: str = ""
    source: Ref | None = None
    depends_on: list[Ref] = Field(default_factory=list)
    prune: bool | None = None
    target_namespace: str = ""
    decryption: str = ""
    # postBuild: literal variables that may name a cluster or environment, and where others come from
    substitute: dict[str, str] = Field(default_factory=dict)
    substitute_from: list[Ref] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)  # kustomize components, relative to path


class FluxSync(Out):
    """What a Flux instance syncs (FluxInstance `spec.sync`, or a flux-instance chart's values)."""

    kind: str = ""
    url: str = ""
    path: str = ""


class HelmRelease(Out):
    type: Literal["helm-release"] = "helm-release"
    chart: str = ""
    version: str = ""
    source: Ref | None = None
    chart_ref: Ref | None = None
    depends_on: list[Ref] = Field(default_factory=list)
    values_keys: list[str] = Field(default_factory=list)
    target_namespace: str = ""
    release_name: str = ""
    sync: FluxSync | None = None  # the flux-instance chart's `instance.sync`


class FluxInstance(Out):
    """The Flux Operator's FluxInstance: the source and path Flux itself syncs from."""

    type: Literal["flux-instance"] = "flux-instance"
    sync: FluxSync | None = None


class FluxSource(Out):
    type: Literal["flux-source"] = "flux-source"
    url: str = ""
    ref: str = ""
    source_type: str = ""


class ArtifactCopy(Out):
    artifact: str
    source: str  # "<repo path>/" the copy reads from (after the source alias)
    target: str  # "<artifact path>/" it lands at


class ArtifactGenerator(Out):
    """Flux's ArtifactGenerator: which repository folders make up each ExternalArtifact."""

    type: Literal["artifact-generator"] = "artifact-generator"
    copies: list[ArtifactCopy] = Field(default_factory=list)


class Kustomize(Out):
    """A kustomize `kustomization.yaml` (not a cluster object)."""

    type: Literal["kustomize"] = "kustomize"
    namespace: str = ""
    resources: list[str] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    patch_paths: list[str] = Field(default_factory=list)
    inline_patches: int = 0
    commented: list[str] = Field(default_factory=list)  # `# - ../base/x` entries switched off


class ArgoSource(Out):
    repo_url: str = ""
    path: str = ""
    chart: str = ""
    target_revision: str = ""
    ref: str = ""  # a multi-source `ref:` other sources name as `$ref/...`
    value_files: list[str] = Field(default_factory=list)
    recurse: bool = False  # directory.recurse


class ArgoGenerator(Out):
    """One ApplicationSet generator, as far as it is literal: a list's elements, a git
    generator's directory and file globs (and excluded directories), a cluster generator's label
    selector, a matrix's or merge's child generators."""

    kind: str  # list, git, clusters, matrix, merge, or another generator's name
    repo_url: str = ""
    directories: list[str] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    selector: dict[str, str] = Field(default_factory=dict)  # matchLabels
    elements: list[dict[str, str]] = Field(default_factory=list)
    children: list[ArgoGenerator] = Field(default_factory=list)


class ArgoApplication(Out):
    type: Literal["argo-application"] = "argo-application"
    project: str = ""
    sources: list[ArgoSource] = Field(default_factory=list)
    destination_server: str = ""
    destination_namespace: str = ""
    destination_name: str = ""
    destination_url: str = ""
    generators: list[str] = Field(default_factory=list)
    # ApplicationSet list generators: the literal elements (string values only)
    elements: list[dict[str, str]] = Field(default_factory=list)
    generator_specs: list[ArgoGenerator] = Field(default_factory=list)


class ArgoRollout(Out):
    """An Argo Rollouts `Rollout` (progressive delivery of a workload)."""

    type: Literal["argo-rollout"] = "argo-rollout"
    strategy: str = ""


class ResourceFilter(Out):
    """One resource filter of a Kyverno rule's `match` or `exclude` (a `resources` block): the
    kinds and namespaces it names (empty: any); `narrowed` when names, selectors, annotations,
    operations or subjects narrow it further (those are not evaluated)."""

    kinds: list[str] = Field(default_factory=list)
    namespaces: list[str] = Field(default_factory=list)
    narrowed: bool = False


class PolicyRule(Out):
    """What a Kyverno rule applies to: `match` filters (any of them, or all with `match_all`)
    minus `exclude` filters (any, or all with `exclude_all`); `validates` when it can reject an
    object (a validate or verifyImages rule), `action` its own failure action when it sets one."""

    match: list[ResourceFilter] = Field(default_factory=list)
    match_all: bool = False
    exclude: list[ResourceFilter] = Field(default_factory=list)
    exclude_all: bool = False
    validates: bool = True
    action: str = ""  # Enforce or Audit, when the rule sets its own


class KyvernoPolicy(Out):
    type: Literal["kyverno-policy"] = "kyverno-policy"
    family: str  # kyverno.io or policies.kyverno.io
    action: str = ""  # Enforce or Audit
    rules: int = 0
    kinds: list[str] = Field(default_factory=list)
    matches: list[PolicyRule] = Field(default_factory=list)  # what each rule applies to


class Karpenter(Out):
    type: Literal["karpenter"] = "karpenter"
    node_class: str = ""
    capacity_types: list[str] = Field(default_factory=list)
    ami_family: str = ""


class ExternalSecret(Out):
    type: Literal["external-secret"] = "external-secret"
    store: Ref | None = None
    target: str = ""
    remote_keys: list[str] = Field(default_factory=list)


class SecretStore(Out):
    type: Literal["secret-store"] = "secret-store"
    provider: str = ""
    service: str = ""


class SecretShape(Out):
    """A Secret or SealedSecret: how many keys it holds, never their values."""

    type: Literal["secret"] = "secret"
    secret_type: str = ""
    keys: int = 0
    # an Argo CD cluster registration: the cluster's name and API server (never its config)
    cluster_name: str = ""
    cluster_server: str = ""


class Monitoring(Out):
    type: Literal["monitoring"] = "monitoring"
    version: str = ""
    rules: int = 0


class ConfigValues(Out):
    """A ConfigMap's values that may name a cluster or an environment (other keys are not read)."""

    type: Literal["config"] = "config"
    values: dict[str, str] = Field(default_factory=dict)


class Workload(Out):
    """A workload (Deployment, StatefulSet, CronJob...): the container images it runs."""

    type: Literal["containers"] = "containers"
    images: list[str] = Field(default_factory=list)


class CRD(Out):
    type: Literal["crd"] = "crd"
    group: str = ""
    defines: str = ""
    versions: list[str] = Field(default_factory=list)


Detail = Annotated[
    FluxKustomization
    | HelmRelease
    | FluxSource
    | ArtifactGenerator
    | Kustomize
    | ArgoApplication
    | ArgoRollout
    | KyvernoPolicy
    | Karpenter
    | ExternalSecret
    | SecretStore
    | SecretShape
    | Monitoring
    | CRD
    | FluxInstance
    | ConfigValues
    | Workload,
    Field(discriminator="type"),
]


class KubeDoc(Out):
    """One YAML document that looks like a Kubernetes object (path-independent)."""

    line: int
    api_version: str
    kind: str
    name: str
    namespace: str = ""
    labels: dict[str, str] = Field(default_factory=dict)
    encrypted: bool = False
    partial: bool = (
        False  # a patch-like fragment: no metadata.name, or an object without its required spec
    )
    template: bool = False  # its identity holds template placeholders (`{{ }}`, `${{ }}`)
    rendered: bool = False  # `helm template` output (a `# Source: chart/templates/...` header)
    detail: Detail | None = None
