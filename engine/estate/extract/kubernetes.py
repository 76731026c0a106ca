"""Kubernetes YAML: every document's apiVersion, kind, name, namespace, labels and line, with
typed detail for the kinds infraplan reasons about (Flux, Argo, Kyverno, Karpenter, External
Secrets, monitoring, ...). Secret values and SOPS payloads are never read into facts.
"""

from __future__ import annotations

import re
from typing import Any

from engine.core.redact import strip_userinfo
from engine.estate.extract.controllers import (
    argo_cluster,
    argo_detail,
    karpenter_detail,
    kyverno_detail,
)
from engine.estate.extract.kinds import (
    CRD,
    ArtifactCopy,
    ArtifactGenerator,
    ConfigValues,
    ExternalSecret,
    FluxInstance,
    FluxKustomization,
    FluxSource,
    FluxSync,
    HelmRelease,
    KubeDoc,
    Kustomize,
    Monitoring,
    SecretShape,
    SecretStore,
    Workload,
)
from engine.estate.extract.readers import items as _list
from engine.estate.extract.readers import mapping as _dict
from engine.estate.extract.readers import ref as _ref
from engine.estate.extract.readers import refs as _refs
from engine.estate.extract.readers import text as _str

MONITORING_KINDS = {
    "ServiceMonitor",
    "PodMonitor",
    "PrometheusRule",
    "VMRule",
    "VMServiceScrape",
    "VMPodScrape",
    "VMCluster",
    "VMSingle",
    "VMAgent",
    "VMAlert",
    "VMAlertmanager",
    "GrafanaDashboard",
    "Probe",
    "VMProbe",
}
FLUX_SOURCE_KINDS = {
    "GitRepository",
    "OCIRepository",
    "HelmRepository",
    "HelmChart",
    "Bucket",
    "ExternalArtifact",
}
KARPENTER_KINDS = {
    "NodePool",
    "EC2NodeClass",
    "Provisioner",
    "AWSNodeTemplate",
    "NodeClaim",
    "Machine",
}


WORKLOAD_KINDS = {
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
}
# template placeholders: Go/Helm `{{ }}`, Backstage `${{ }}`, Jinja `{% %}`
PLACEHOLDER = re.compile(r"\$\{\{|\{\{|\{%")
# Only values that may name a cluster or an environment are kept from ConfigMaps and Flux
# substitutions, and only when they look like a name: never anything that could be a secret.
_NAMING_KEY = re.compile(r"(?i)cluster|env|stage")
_SECRETISH_KEY = re.compile(r"(?i)pass|secret|token|key|cred|auth|cert")
_NAME_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


def naming_values(data: Any) -> dict[str, str]:
    """The entries of a mapping that may name a cluster or an environment."""
    return {
        str(k): str(v)
        for k, v in _dict(data).items()
        if isinstance(v, str)
        and _NAMING_KEY.search(str(k))
        and not _SECRETISH_KEY.search(str(k))
        and _NAME_VALUE.match(v)
    }


def is_sops(data: dict[str, Any]) -> bool:
    return isinstance(data.get("sops"), dict) and (
        "mac" in data["sops"] or "lastmodified" in data["sops"] or "version" in data["sops"]
    )


_COMMENTED_ENTRY = re.compile(r"(?m)^\s*#\s*-\s*(\S+)\s*$")


def commented_entries(text: str) -> list[str]:
    """`# - ../base/x` lines: list entries someone switched off."""
    return sorted({m.group(1) for m in _COMMENTED_ENTRY.finditer(text) if "/" in m.group(1)})


def kustomize_doc(line: int, data: dict[str, Any], commented: list[str] | None = None) -> KubeDoc:
    patches = []
    inline = 0
    for p in _list(data.get("patches")) + _list(data.get("patchesJson6902")):
        if isinstance(p, dict) and _str(p.get("path")):
            patches.append(_str(p.get("path")))
        elif isinstance(p, dict):
            inline += 1
        elif isinstance(p, str):
            patches.append(p)
    patches += [
        _str(p) for p in _list(data.get("patchesStrategicMerge")) if _str(p) and "\n" not in _str(p)
    ]
    resources = [
        strip_userinfo(_str(r))
        for r in _list(data.get("resources")) + _list(data.get("bases"))
        if _str(r)
    ]
    return KubeDoc(
        line=line,
        api_version=_str(data.get("apiVersion")) or "kustomize.config.k8s.io/v1beta1",
        kind=_str(data.get("kind")) or "Kustomization",
        name="",
        namespace=_str(data.get("namespace")),
        detail=Kustomize(
            namespace=_str(data.get("namespace")),
            resources=resources,
            components=[strip_userinfo(_str(c)) for c in _list(data.get("components")) if _str(c)],
            patch_paths=patches,
            inline_patches=inline,
            commented=commented or [],
        ),
    )


def object_doc(line: int, data: dict[str, Any]) -> KubeDoc | None:
    """A KubeDoc for a document with apiVersion and kind, else None."""
    api_version, kind = _str(data.get("apiVersion")), _str(data.get("kind"))
    if not api_version or not kind:
        return None
    group = api_version.split("/")[0] if "/" in api_version else ""
    meta = _dict(data.get("metadata"))
    encrypted = is_sops(data)
    labels = {str(k): _str(v) for k, v in _dict(meta.get("labels")).items() if not encrypted}
    base = {
        "line": line,
        "api_version": api_version,
        "kind": kind,
        "name": _str(meta.get("name")),
        "namespace": _str(meta.get("namespace")),
        "labels": labels,
        "encrypted": encrypted,
    }
    if group == "kustomize.config.k8s.io":
        return kustomize_doc(line, data)
    if encrypted:
        # values of a SOPS file are never read: kind and name only
        return KubeDoc(
            **base, detail=SecretShape(secret_type="sops", keys=0) if kind == "Secret" else None
        )
    spec = _dict(data.get("spec"))
    detail = _detail(group, kind, spec, data)
    partial = not base["name"] or _is_partial(group, kind, spec)
    template = any(
        PLACEHOLDER.search(str(base[k])) for k in ("name", "namespace", "api_version", "kind")
    )
    return KubeDoc(**base, partial=partial, template=template, detail=detail)


_HEADER = re.compile(r"^(apiVersion|kind):\s*(\S.*?)\s*$")
_META_NAME = re.compile(r"^\s+(name|namespace):\s*(\S.*?)\s*$")


def header_docs(text: str) -> list[KubeDoc]:
    """Objects of a template file that is not YAML, from its `apiVersion`, `kind` and
    `metadata` lines; each marked as a template."""
    docs: list[KubeDoc] = []
    fields: dict[str, str] = {}
    start, in_meta = 1, False

    def flush() -> None:
        if fields.get("apiVersion") and fields.get("kind"):
            docs.append(
                KubeDoc(
                    line=start,
                    api_version=fields["apiVersion"],
                    kind=fields["kind"],
                    name=fields.get("name", ""),
                    namespace=fields.get("namespace", ""),
                    template=True,
                )
            )

    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("---"):
            flush()
            fields, start, in_meta = {}, number + 1, False
            continue
        top = _HEADER.match(line)
        if top:
            fields.setdefault(top.group(1), top.group(2).strip("'\""))
        if line and not line[0].isspace():
            in_meta = line.rstrip() == "metadata:"
            continue
        meta = _META_NAME.match(line) if in_meta else None
        if meta and len(line) - len(line.lstrip()) <= 4:
            fields.setdefault(meta.group(1), meta.group(2).strip("'\""))
    flush()
    return docs


def _sync(v: Any) -> FluxSync | None:
    sync = _dict(v)
    if not sync:
        return None
    return FluxSync(
        kind=_str(sync.get("kind")), url=_str(sync.get("url")), path=_str(sync.get("path"))
    )


def _images(spec: dict[str, Any], kind: str) -> list[str]:
    pod = spec
    if kind == "CronJob":
        pod = _dict(
            _dict(_dict(_dict(spec.get("jobTemplate")).get("spec")).get("template")).get("spec")
        )
    elif kind != "Pod":
        pod = _dict(_dict(spec.get("template")).get("spec"))
    containers = _list(pod.get("containers")) + _list(pod.get("initContainers"))
    return sorted({_str(_dict(c).get("image")) for c in containers if _str(_dict(c).get("image"))})


def _is_partial(group: str, kind: str, spec: dict[str, Any]) -> bool:
    """Objects missing what the API requires are patch fragments, not real objects."""
    if group == "helm.toolkit.fluxcd.io" and kind == "HelmRelease":
        return not (_dict(spec.get("chart")) or _dict(spec.get("chartRef")))
    if group == "kustomize.toolkit.fluxcd.io" and kind == "Kustomization":
        return not _dict(spec.get("sourceRef"))
    return False


def _detail(group: str, kind: str, spec: dict[str, Any], data: dict[str, Any]) -> Any:
    if group == "kustomize.toolkit.fluxcd.io" and kind == "Kustomization":
        return FluxKustomization(
            path=_str(spec.get("path")),
            source=_ref(spec.get("sourceRef")),
            depends_on=_refs(spec.get("dependsOn"), "Kustomization"),
            prune=spec.get("prune") if isinstance(spec.get("prune"), bool) else None,
            target_namespace=_str(spec.get("targetNamespace")),
            decryption=_str(_dict(spec.get("decryption")).get("provider")),
            substitute=naming_values(_dict(spec.get("postBuild")).get("substitute")),
            substitute_from=_refs(_dict(spec.get("postBuild")).get("substituteFrom"), "ConfigMap"),
            components=[_str(c) for c in _list(spec.get("components")) if _str(c)],
        )
    if group == "helm.toolkit.fluxcd.io" and kind == "HelmRelease":
        chart_spec = _dict(_dict(spec.get("chart")).get("spec"))
        values = spec.get("values")
        return HelmRelease(
            chart=strip_userinfo(_str(chart_spec.get("chart"))),
            version=_str(chart_spec.get("version")),
            source=_ref(chart_spec.get("sourceRef")),
            chart_ref=_ref(spec.get("chartRef")),
            depends_on=_refs(spec.get("dependsOn"), "HelmRelease"),
            values_keys=sorted(str(k) for k in _dict(values)),
            target_namespace=_str(spec.get("targetNamespace")),
            release_name=_str(spec.get("releaseName")),
            sync=_sync(_dict(_dict(values).get("instance")).get("sync")),
        )
    if group == "fluxcd.controlplane.io" and kind == "FluxInstance":
        return FluxInstance(sync=_sync(spec.get("sync")))
    if group == "source.extensions.fluxcd.io" and kind == "ArtifactGenerator":
        copies = []
        for artifact in _list(spec.get("artifacts")):
            artifact = _dict(artifact)
            for copy in _list(artifact.get("copy")):
                copy = _dict(copy)
                source, target = _str(copy.get("from")), _str(copy.get("to"))
                if source.startswith("@") and target.startswith("@artifact"):
                    source_path = source.split("/", 1)[1] if "/" in source else ""
                    source_path = source_path.split("*", 1)[0]
                    target_path = target.split("/", 1)[1] if "/" in target else ""
                    copies.append(
                        ArtifactCopy(
                            artifact=_str(artifact.get("name")),
                            source=source_path,
                            target=target_path,
                        )
                    )
        return ArtifactGenerator(copies=copies)
    if group.endswith("toolkit.fluxcd.io") and kind in FLUX_SOURCE_KINDS:
        ref = _dict(spec.get("ref"))
        ref_text = next(
            (
                f"{k}:{_str(ref[k])}"
                for k in ("tag", "semver", "branch", "digest", "commit", "name")
                if _str(ref.get(k))
            ),
            "",
        )
        return FluxSource(
            url=strip_userinfo(_str(spec.get("url"))),
            ref=ref_text or _str(spec.get("version")),
            source_type=_str(spec.get("type")),
        )
    if group == "argoproj.io":
        return argo_detail(kind, spec)
    if group in {"kyverno.io", "policies.kyverno.io"} and kind.endswith("Policy"):
        return kyverno_detail(group, spec)
    if group in {"karpenter.sh", "karpenter.k8s.aws"} and kind in KARPENTER_KINDS:
        return karpenter_detail(spec)
    if group == "external-secrets.io" and kind == "ExternalSecret":
        keys = [
            _str(_dict(d.get("remoteRef")).get("key"))
            for d in _list(spec.get("data"))
            if isinstance(d, dict)
        ]
        for d in _list(spec.get("dataFrom")):
            d = _dict(d)
            keys.append(_str(_dict(d.get("extract")).get("key")) or _str(d.get("key")))
            keys.append(_str(_dict(_dict(d.get("find")).get("name")).get("regexp")))
        return ExternalSecret(
            store=_ref(spec.get("secretStoreRef"), "SecretStore"),
            target=_str(_dict(spec.get("target")).get("name")),
            remote_keys=sorted({k for k in keys if k}),
        )
    if group == "external-secrets.io" and kind in {"SecretStore", "ClusterSecretStore"}:
        provider = _dict(spec.get("provider"))
        name = sorted(provider)[0] if provider else ""
        return SecretStore(
            provider=name, service=_str(_dict(provider.get(name)).get("service")) if name else ""
        )
    if kind == "Secret" and group == "":
        return SecretShape(
            secret_type=_str(data.get("type")),
            keys=len(_dict(data.get("data"))) + len(_dict(data.get("stringData"))),
            **argo_cluster(data),
        )
    if group == "bitnami.com" and kind == "SealedSecret":
        return SecretShape(secret_type="sealed", keys=len(_dict(spec.get("encryptedData"))))
    if kind in MONITORING_KINDS:
        groups = _list(spec.get("groups"))
        version = _str(spec.get("clusterVersion")) or _str(_dict(spec.get("image")).get("tag"))
        return Monitoring(
            version=version, rules=sum(len(_list(_dict(g).get("rules"))) for g in groups)
        )
    if kind == "ConfigMap" and group == "":
        values = naming_values(data.get("data"))
        return ConfigValues(values=values) if values else None
    if kind in WORKLOAD_KINDS:
        return Workload(images=_images(spec, kind))
    if group == "postgresql.cnpg.io" and kind == "Cluster":  # its pods run imageName
        return Workload(images=[_str(spec.get("imageName"))] if spec.get("imageName") else [])
    if group == "apiextensions.k8s.io" and kind == "CustomResourceDefinition":
        return CRD(
            group=_str(spec.get("group")),
            defines=_str(_dict(spec.get("names")).get("kind")),
            versions=[
                _str(_dict(v).get("name"))
                for v in _list(spec.get("versions"))
                if _str(_dict(v).get("name"))
            ],
        )
    return None
