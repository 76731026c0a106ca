"""Whether an enforcing Kyverno policy can reject what a change deploys: each rule's match and
exclude read against kinds and namespaces (engine/match/policies.py)."""

from __future__ import annotations

from engine.estate.extract.kinds import KyvernoPolicy, PolicyRule, ResourceFilter
from engine.match.policies import may_reject, rule_applies

WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "Pod"]


def _policy(*rules: PolicyRule, action: str = "Enforce") -> KyvernoPolicy:
    kinds = sorted({k for r in rules for f in r.match for k in f.kinds})
    return KyvernoPolicy(
        family="kyverno.io", action=action, rules=len(rules), kinds=kinds, matches=list(rules)
    )


TEAM_LABEL = PolicyRule(
    match=[ResourceFilter(kinds=["Deployment", "StatefulSet", "Secret"])],
    exclude=[ResourceFilter(namespaces=["kube-system", "flux-system", "kyverno"])],
)


def test_an_excluded_namespace_is_not_rejected_and_any_other_is() -> None:
    policy = _policy(TEAM_LABEL)
    assert not may_reject(policy, WORKLOADS, {"flux-system"})
    assert may_reject(policy, WORKLOADS, {"cert-manager"})
    assert may_reject(policy, WORKLOADS, {"flux-system", "cert-manager"})
    # where the change deploys is not known: the policy may reject it
    assert may_reject(policy, WORKLOADS, None)
    # nothing deployed: nothing to reject
    assert not may_reject(policy, WORKLOADS, set())


def test_namespace_patterns_in_match_and_exclude() -> None:
    rule = PolicyRule(
        match=[ResourceFilter(kinds=["Deployment"], namespaces=["team-*"])],
        exclude=[ResourceFilter(namespaces=["team-sandbox-*"])],
    )
    assert rule_applies(rule, "Deployment", "team-a")
    assert not rule_applies(rule, "Deployment", "team-sandbox-1")
    assert not rule_applies(rule, "Deployment", "kube-system")
    assert not rule_applies(rule, "Secret", "team-a")
    assert rule_applies(rule, "Deployment", None)  # may be one of its namespaces


def test_a_kind_only_exclude_leaves_the_kind_out_everywhere() -> None:
    rule = PolicyRule(
        match=[ResourceFilter(kinds=["Pod", "Deployment"])],
        exclude=[ResourceFilter(kinds=["apps/v1/Deployment"])],
    )
    assert not rule_applies(rule, "Deployment", None)
    assert rule_applies(rule, "Pod", None)
    assert may_reject(_policy(rule), ["Deployment", "Pod"], None)
    assert not may_reject(_policy(rule), ["Deployment"], None)


def test_a_selector_never_surely_excludes() -> None:
    narrowed = PolicyRule(
        match=[ResourceFilter(kinds=["Deployment"])],
        exclude=[ResourceFilter(namespaces=["flux-system"], narrowed=True)],
    )
    assert rule_applies(narrowed, "Deployment", "flux-system")


def test_all_filters_of_an_exclude_must_hold() -> None:
    rule = PolicyRule(
        match=[ResourceFilter(kinds=["Deployment"])],
        exclude=[ResourceFilter(namespaces=["infra"]), ResourceFilter(kinds=["Deployment"])],
        exclude_all=True,
    )
    assert not rule_applies(rule, "Deployment", "infra")
    assert rule_applies(rule, "Deployment", "apps")


def test_all_filters_of_a_match_must_hold() -> None:
    rule = PolicyRule(
        match=[ResourceFilter(kinds=["Deployment"]), ResourceFilter(namespaces=["apps"])],
        match_all=True,
    )
    assert rule_applies(rule, "Deployment", "apps")
    assert not rule_applies(rule, "Deployment", "infra")


def test_audit_mutating_and_namespaced_policies() -> None:
    assert not may_reject(_policy(TEAM_LABEL, action="Audit"), WORKLOADS, None)
    # a rule that sets its own failure action overrides the policy's
    own = TEAM_LABEL.model_copy(update={"action": "Audit"})
    assert not may_reject(_policy(own), WORKLOADS, None)
    mutating = TEAM_LABEL.model_copy(update={"validates": False})
    assert not may_reject(_policy(mutating), WORKLOADS, None)
    # a namespaced Policy only applies in its own namespace
    assert may_reject(_policy(TEAM_LABEL), WORKLOADS, {"apps"}, own_namespace="apps")
    assert not may_reject(_policy(TEAM_LABEL), WORKLOADS, {"infra"}, own_namespace="apps")
    assert not may_reject(_policy(TEAM_LABEL), WORKLOADS, None, own_namespace="kube-system")


def test_a_policy_read_without_its_rules_is_judged_by_its_kinds() -> None:
    bare = KyvernoPolicy(family="kyverno.io", action="Enforce", rules=1, kinds=["pods"])
    assert may_reject(bare, ["Pod"], {"anything"})
    assert not may_reject(bare, ["Secret"], None)
