"""Typed detail of Argo CD (Application, ApplicationSet, Rollout), Kyverno policies and
Karpenter node objects."""

from __future__ import annotations

import base64
import re
from typing import Any

from engine.core.redact import secret_key, strip_userinfo
from engine.estate.extract.kinds import (
    ArgoApplication,
    ArgoGenerator,
    ArgoRollout,
    ArgoSource,
    Karpenter,
    KyvernoPolicy,
    PolicyRule,
    ResourceFilter,
)
from engine.estate.extract.readers import items as _list
from engine.estate.extract.readers import mapping as _dict
from engine.estate.extract.readers import text as _str

_MAX_GENERATOR_DEPTH = 3


def _elements(generator: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            str(k): strip_userinfo(str(v))
            for k, v in e.items()
            if isinstance(v, str | int | float) and not secret_key(str(k))
        }
        for e in _list(_dict(generator.get("list")).get("elements"))
        if isinstance(e, dict)
    ]


def argo_generator(generator: dict[str, Any], depth: int = 0) -> ArgoGenerator:
    """What one ApplicationSet generator selects, where it is literal."""
    name = next((str(k) for k in generator if k not in {"selector", "values"}), "")
    body = _dict(generator.get(name))
    if name == "git":
        directories = [_dict(d) for d in _list(body.get("directories"))]
        return ArgoGenerator(
            kind="git",
            repo_url=strip_userinfo(_str(body.get("repoURL"))),
            directories=[_str(d.get("path")) for d in directories if d.get("exclude") is not True],
            excludes=[_str(d.get("path")) for d in directories if d.get("exclude") is True],
            files=[_str(_dict(f).get("path")) for f in _list(body.get("files"))],
        )
    if name == "clusters":
        labels = _dict(_dict(body.get("selector")).get("matchLabels"))
        return ArgoGenerator(kind="clusters", selector={str(k): _str(v) for k, v in labels.items()})
    if name == "list":
        return ArgoGenerator(kind="list", elements=_elements(generator))
    if name in {"matrix", "merge"} and depth < _MAX_GENERATOR_DEPTH:
        return ArgoGenerator(
            kind=name,
            children=[argo_generator(_dict(g), depth + 1) for g in _list(body.get("generators"))],
        )
    return ArgoGenerator(kind=name)


def argo_detail(kind: str, spec: dict[str, Any]) -> ArgoApplication | ArgoRollout | None:
    """Argo CD's sources, destination and list-generator elements; Argo Rollouts' strategy."""
    if kind in {"Application", "ApplicationSet"}:
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
                    chart=_str(s.get("chart")),
                    target_revision=_str(s.get("targetRevision")),
                    ref=_str(s.get("ref")),
                    value_files=[
                        _str(f) for f in _list(_dict(s.get("helm")).get("valueFiles")) if _str(f)
                    ],
                    recurse=_dict(s.get("directory")).get("recurse") is True,
                )
                for s in sources
            ],
            destination_server=strip_userinfo(_str(dest.get("server"))) or _str(dest.get("name")),
            destination_namespace=_str(dest.get("namespace")),
            destination_name=_str(dest.get("name")),
            destination_url=strip_userinfo(_str(dest.get("server"))),
            generators=sorted({str(k) for g in _list(spec.get("generators")) for k in _dict(g)})
            if kind == "ApplicationSet"
            else [],
            elements=[e for g in _list(spec.get("generators")) for e in _elements(_dict(g))]
            if kind == "ApplicationSet"
            else [],
            generator_specs=[argo_generator(_dict(g)) for g in _list(spec.get("generators"))]
            if kind == "ApplicationSet"
            else [],
        )
    if kind == "Rollout":
        strategy = _dict(spec.get("strategy"))
        return ArgoRollout(strategy=next((k for k in ("canary", "blueGreen") if k in strategy), ""))
    return None


# what narrows a Kyverno resource filter beyond its kinds and namespaces (not evaluated)
_NARROWING = ("name", "names", "selector", "namespaceSelector", "annotations", "operations")


def _resource_filter(block: dict[str, Any], narrowed: bool = False) -> ResourceFilter:
    """A `resources` block (with the subjects or roles beside it)."""
    return ResourceFilter(
        kinds=sorted({_str(k) for k in _list(block.get("kinds")) if _str(k)}),
        namespaces=sorted({_str(n) for n in _list(block.get("namespaces")) if _str(n)}),
        narrowed=narrowed or any(block.get(k) for k in _NARROWING),
    )


def _filters(clause: dict[str, Any]) -> tuple[list[ResourceFilter], bool]:
    """A rule's `match` or `exclude`: its filters (`any` or `all`, or the legacy `resources`
    block) and whether all of them must hold."""
    if "any" in clause or "all" in clause:
        every = bool(_list(clause.get("all"))) and not _list(clause.get("any"))
        return [
            _resource_filter(
                _dict(_dict(f).get("resources")),
                any(_dict(f).get(k) for k in ("subjects", "roles", "clusterRoles")),
            )
            for f in _list(clause.get("all" if every else "any"))
        ], every
    if not clause:
        return [], False
    narrowed = any(clause.get(k) for k in ("subjects", "roles", "clusterRoles"))
    return [_resource_filter(_dict(clause.get("resources")), narrowed)], True


def _kyverno_rule(rule: dict[str, Any]) -> PolicyRule:
    match, match_all = _filters(_dict(rule.get("match")))
    exclude, exclude_all = _filters(_dict(rule.get("exclude")))
    action = _str(_dict(rule.get("validate")).get("failureAction"))
    return PolicyRule(
        match=match,
        match_all=match_all,
        exclude=exclude,
        exclude_all=exclude_all,
        # a rule that only mutates or generates never rejects an object
        validates=bool(rule.get("validate") or rule.get("verifyImages"))
        or not (rule.get("mutate") or rule.get("generate")),
        action=action.capitalize() if action else "",
    )


def kyverno_detail(group: str, spec: dict[str, Any]) -> KyvernoPolicy:
    if group == "kyverno.io":
        action = _str(spec.get("validationFailureAction"))
        rules = [_kyverno_rule(_dict(r)) for r in _list(spec.get("rules"))]
        if not action:
            action = next((r.action for r in rules if r.action), "")
        kinds = {k for r in rules for f in r.match for k in f.kinds}
        return KyvernoPolicy(
            family=group,
            action=action.capitalize() if action else "Audit",
            rules=len(rules),
            kinds=sorted(kinds),
            matches=rules,
        )
    actions = [_str(a) for a in _list(spec.get("validationActions"))]
    constraints = _dict(spec.get("matchConstraints"))

    def resources(key: str) -> list[ResourceFilter]:
        return [
            ResourceFilter(
                kinds=sorted({_str(r) for r in _list(_dict(rule).get("resources")) if _str(r)}),
                narrowed=bool(_dict(rule).get("resourceNames") or _dict(rule).get("operations")),
            )
            for rule in _list(constraints.get(key))
        ]

    match = resources("resourceRules")
    selected = bool(constraints.get("namespaceSelector") or constraints.get("objectSelector"))
    match = [f.model_copy(update={"narrowed": f.narrowed or selected}) for f in match]
    return KyvernoPolicy(
        family=group,
        action="Enforce" if "Deny" in actions or not actions else "Audit",
        rules=1,
        kinds=sorted({k for f in match for k in f.kinds}),
        matches=[PolicyRule(match=match, exclude=resources("excludeResourceRules"))],
    )


def karpenter_detail(spec: dict[str, Any]) -> Karpenter:
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


ARGO_SECRET_TYPE = "argocd.argoproj.io/secret-type"


def argo_cluster(data: dict[str, Any]) -> dict[str, str]:
    """An Argo CD cluster Secret's `name` and `server` (a registration, not a credential: its
    `config` is never read), from `stringData` or base64 `data`."""
    labels = _dict(_dict(data.get("metadata")).get("labels"))
    if labels.get(ARGO_SECRET_TYPE) != "cluster":
        return {}
    out = {}
    for key, field in (("name", "cluster_name"), ("server", "cluster_server")):
        value = _str(_dict(data.get("stringData")).get(key))
        if not value and _str(_dict(data.get("data")).get(key)):
            try:
                value = base64.b64decode(_str(_dict(data.get("data")).get(key))).decode()
            except (ValueError, UnicodeDecodeError):
                value = ""
        if _CLUSTER_VALUE.match(value):
            out[field] = strip_userinfo(value)
    return out


_CLUSTER_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,253}$")
