"""Requests as platform engineers type them into the CLI (GitOps- and Kubernetes-heavy), written
by us before held-out set 14 was read; each test fails without the change it names."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from tests.spec.plans import category as _category
from tests.spec.plans import plan as _plan
from tests.spec.plans import risk as _risk


def test_a_cluster_critical_controller_to_a_new_major_version_is_high_in_prod(
    kb: KnowledgeBase,
) -> None:
    for verb in ("upgrade", "bump"):
        assert _risk(f"{verb} Karpenter from v0.37 to v1.0 on the prod cluster", kb) == "high"
    assert _risk("upgrade Kyverno from 1.11 to 1.12 in prod", kb) == "medium"


def test_flux_kustomize_and_oci_artifacts_are_delivery(kb: KnowledgeBase) -> None:
    assert _category("switch Flux to OCI artifacts for the infra repo", kb) == "ci-cd"
    assert _category("add a Kustomize overlay for the new eu-west-2 region", kb) == "ci-cd"


def test_an_identity_trust_rotation_is_no_secret_rotation(kb: KnowledgeBase) -> None:
    text = "rotate the external-secrets IAM role's trust policy to the new OIDC provider"
    plan = _plan(text, kb)
    assert plan.decisions["category"].value == "identity-and-access"


def test_owner_labels_on_namespaces_are_tenancy(kb: KnowledgeBase) -> None:
    assert _category("label every namespace with a team owner label", kb) == (
        "developer-experience"
    )
