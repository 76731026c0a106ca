"""Kubernetes YAML: every document's apiVersion, kind, name, namespace, labels and line, with
typed detail for the kinds infraplan reasons about (Flux, Argo, Kyverno, Karpenter, External
Secrets, monitoring, ...). Secret values and SOPS payloads are never read into facts.
"""

from __future__ import annotations

from typing import Any

from engine.core.redact import strip_userinfo
from engine.estate.extract.kinds import (
    CRD,
    ArgoApplication,
    ArgoRollout,
    ArgoSource,
    ArtifactCopy,
    ArtifactGenerator,
    ExternalSecret,
    FluxKustomization,
    FluxSource,
    HelmRelease,
    Karpenter,
    KubeDoc,
    Kustomize,
    KyvernoPolicy,
    Monitoring,
    Ref,
    SecretShape,
    SecretStore,
)

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


def _str(v: Any) -> str:
    if v is None or isinstance(v, dict | list):
        return ""
    return str(v)


def _dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _ref(v: Any, default_kind: str = "") -> Ref | None:
    d = _dict(v)
    name = _str(d.get("name"))
    if not name:
        return None
    return Ref(
        kind=_str(d.get("kind")) or default_kind, name=name, namespace=_str(d.get("namespace"))
    )


def _refs(v: Any, default_kind: str) -> list[Ref]:
    out = []
    for item in _list(v):
        ref = (
            _ref(item, default_kind)
            if isinstance(item, dict)
            else Ref(kind=default_kind, name=_str(item))
            if _str(item)
            else None
        )
        if ref is not None:
            out.append(ref)
    return out


def is_sops(data: dict[str, Any]) -> bool:
    return isinstance(data.get("sops"), dict) and (
        "mac" in data["sops"] or "lastmodified" in data["sops"] or "version" in data["sops"]
    )


def kustomize_doc(line: int, data: dict[str, Any]) -> KubeDoc:
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
    return KubeDoc(**base, partial=partial, detail=detail)


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
        )
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
    if group == "argoproj.io" and kind in {"Application", "ApplicationSet"}:
        template = (
            _dict(_dict(spec.get("template")).get("spec")) if kind == "ApplicationSet" else spec
        )
        sources = [_dict(template.get("source"))] if template.get("source") else []
        sources += [_dict(s) for s in _list(template.get("sources"))]
        dest = _dict(template.get("destination"))
        return ArgoApplication(
            project=_str(template.get("project")),
            sources=[
                ArgoSource(
                    repo_url=strip_userinfo(_str(s.get("repoURL"))),
                    path=_str(s.get("path")),
                    chart=strip_userinfo(_str(s.get("chart"))),
                    target_revision=_str(s.get("targetRevision")),
                )
                for s in sources
            ],
            destination_server=strip_userinfo(_str(dest.get("server")) or _str(dest.get("name"))),
            destination_namespace=_str(dest.get("namespace")),
            generators=sorted({str(k) for g in _list(spec.get("generators")) for k in _dict(g)})
            if kind == "ApplicationSet"
            else [],
        )
    if group == "argoproj.io" and kind == "Rollout":
        strategy = _dict(spec.get("strategy"))
        return ArgoRollout(strategy=next((k for k in ("canary", "blueGreen") if k in strategy), ""))
    if group in {"kyverno.io", "policies.kyverno.io"} and kind.endswith("Policy"):
        return _kyverno(group, spec)
    if group in {"karpenter.sh", "karpenter.k8s.aws"} and kind in KARPENTER_KINDS:
        return _karpenter(spec)
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
        )
    if group == "bitnami.com" and kind == "SealedSecret":
        return SecretShape(secret_type="sealed", keys=len(_dict(spec.get("encryptedData"))))
    if kind in MONITORING_KINDS:
        groups = _list(spec.get("groups"))
        version = _str(spec.get("clusterVersion")) or _str(_dict(spec.get("image")).get("tag"))
        return Monitoring(
            version=version, rules=sum(len(_list(_dict(g).get("rules"))) for g in groups)
        )
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


def _kyverno(group: str, spec: dict[str, Any]) -> KyvernoPolicy:
    kinds: set[str] = set()
    if group == "kyverno.io":
        action = _str(spec.get("validationFailureAction"))
        rules = _list(spec.get("rules"))
        for rule in rules:
            rule = _dict(rule)
            match = _dict(rule.get("match"))
            blocks = [_dict(match.get("resources"))] + [
                _dict(_dict(m).get("resources"))
                for m in _list(match.get("any")) + _list(match.get("all"))
            ]
            for block in blocks:
                kinds.update(_str(k) for k in _list(block.get("kinds")) if _str(k))
            rule_action = _str(_dict(rule.get("validate")).get("failureAction"))
            if rule_action and not action:
                action = rule_action
        action = action.capitalize() if action else "Audit"
        return KyvernoPolicy(family=group, action=action, rules=len(rules), kinds=sorted(kinds))
    actions = [_str(a) for a in _list(spec.get("validationActions"))]
    for rule in _list(_dict(spec.get("matchConstraints")).get("resourceRules")):
        kinds.update(_str(r) for r in _list(_dict(rule).get("resources")) if _str(r))
    return KyvernoPolicy(
        family=group,
        action="Enforce" if "Deny" in actions or not actions else "Audit",
        rules=1,
        kinds=sorted(kinds),
    )


def _karpenter(spec: dict[str, Any]) -> Karpenter:
    template = _dict(_dict(spec.get("template")).get("spec"))
    requirements = _list(template.get("requirements")) + _list(spec.get("requirements"))
    capacity: set[str] = set()
    for req in requirements:
        req = _dict(req)
        if _str(req.get("key")) == "karpenter.sh/capacity-type":
            capacity.update(_str(v) for v in _list(req.get("values")) if _str(v))
    node_class = (
        _dict(template.get("nodeClassRef"))
        or _dict(spec.get("providerRef"))
        or _dict(spec.get("nodeClassRef"))
    )
    alias = next(
        (
            _str(_dict(t).get("alias"))
            for t in _list(spec.get("amiSelectorTerms"))
            if _str(_dict(t).get("alias"))
        ),
        "",
    )
    return Karpenter(
        node_class=_str(node_class.get("name")),
        capacity_types=sorted(capacity),
        ami_family=_str(spec.get("amiFamily")) or alias,
    )
