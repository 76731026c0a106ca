"""Admission policies against what a change deploys: whether a Kyverno policy in Enforce mode can
reject objects of some kinds in some namespaces, reading each rule's `match` and `exclude`
(kinds, namespaces; a selector is not evaluated, so a filter it narrows may match but never
surely excludes)."""

from __future__ import annotations

from fnmatch import fnmatchcase

from engine.estate.extract.kinds import KyvernoPolicy, PolicyRule, ResourceFilter

# Kubernetes kinds that live outside namespaces: a filter's namespaces do not narrow them
_CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}


def _kind(written: str) -> str:
    """`apps/v1/Deployment` or `Deployment/scale` → `Deployment`; `pods` stays `pods`."""
    parts = written.split("/")
    return next((p for p in reversed(parts) if p[:1].isupper()), parts[-1])


def _kind_in(kind: str, kinds: list[str]) -> bool:
    """Whether a filter's kinds name `kind` (none named: every kind; `pods` names Pod)."""
    if not kinds:
        return True
    wanted = {kind.lower(), kind.lower() + "s"}
    return any(k == "*" or _kind(k).lower() in wanted for k in kinds)


def _namespace_in(namespace: str | None, patterns: list[str], kind: str) -> bool | None:
    """True or False when known, None when the namespace is not."""
    if not patterns or kind in _CLUSTER_SCOPED:
        return True
    if namespace is None:
        return None
    return any(fnmatchcase(namespace, p) for p in patterns)


def _may_match(f: ResourceFilter, kind: str, namespace: str | None) -> bool:
    return _kind_in(kind, f.kinds) and _namespace_in(namespace, f.namespaces, kind) is not False


def _surely_matches(f: ResourceFilter, kind: str, namespace: str | None) -> bool:
    if f.narrowed or (not f.kinds and not f.namespaces):
        return False  # a selector may leave the object out; an empty filter names nothing
    return _kind_in(kind, f.kinds) and _namespace_in(namespace, f.namespaces, kind) is True


def rule_applies(rule: PolicyRule, kind: str, namespace: str | None) -> bool:
    """Whether a rule may apply to an object of `kind` in `namespace` (None: not known): one of
    its match filters (all, with `match_all`) may match and no exclude surely leaves it out."""
    if not rule.match:
        return False
    matched = (all if rule.match_all else any)(_may_match(f, kind, namespace) for f in rule.match)
    if not matched:
        return False
    if not rule.exclude:
        return True
    excluded = (all if rule.exclude_all else any)(
        _surely_matches(f, kind, namespace) for f in rule.exclude
    )
    return not excluded


def may_reject(
    policy: KyvernoPolicy,
    kinds: list[str],
    namespaces: set[str] | None = None,
    own_namespace: str = "",
) -> bool:
    """Whether an enforcing policy can reject an object of one of `kinds` in one of `namespaces`
    (None: any namespace; empty: nothing is deployed). A namespaced Policy (`own_namespace`)
    applies only in its own namespace."""
    if policy.action != "Enforce" or (namespaces is not None and not namespaces):
        return False
    if own_namespace:
        if namespaces is not None and own_namespace not in namespaces:
            return False
        namespaces = {own_namespace}
    places: list[str | None] = [*sorted(namespaces)] if namespaces is not None else [None]
    if not policy.matches:  # read before rules were kept: by its kinds alone
        return any(_kind_in(k, policy.kinds) for k in kinds)
    return any(
        rule.validates
        and (rule.action or policy.action) == "Enforce"
        and rule_applies(rule, kind, ns)
        for rule in policy.matches
        for kind in kinds
        for ns in places
    )
