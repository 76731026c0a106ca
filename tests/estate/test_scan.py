"""The estate: placement of facts (environments, clusters, namespaces, roles, owners), cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.model import Estate
from engine.estate.scan import ScanOptions, scan_estate
from tests.conftest import EXAMPLES

ESTATE = EXAMPLES / "estate"
REPOS = ["infra-tf", "infra-flux", "deployments"]


def _scan(kb: KnowledgeBase, **options: object) -> Estate:
    return scan_estate(
        [RepoSpec(name, ESTATE / name) for name in REPOS], kb.knowledge, ScanOptions(**options)
    )  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def estate(kb: KnowledgeBase) -> Estate:
    return _scan(kb)


def _obj(estate: Estate, kind: str, name: str, path_part: str = ""):
    return next(
        o for o in estate.objects if o.kind == kind and o.name == name and path_part in o.path
    )


def test_repository_roles_and_digests(estate: Estate) -> None:
    assert [(r.name, r.role) for r in estate.repos] == [
        ("deployments", "charts"),
        ("infra-flux", "gitops"),
        ("infra-tf", "terraform"),
    ]
    assert all(r.digest.startswith("sha256:") for r in estate.repos)
    assert estate.repos[0].skipped == {"helm-template": 2}
    assert estate.diagnostics == []


def test_namespaces_from_kustomization_and_metadata(estate: Estate) -> None:
    release = _obj(estate, "HelmRelease", "orders", "apps/base")
    assert (release.namespace, release.namespace_from) == ("orders", "kustomization")
    karpenter = _obj(estate, "HelmRelease", "karpenter")
    assert (karpenter.namespace, karpenter.namespace_from) == ("karpenter", "metadata")
    assert _obj(estate, "VMCluster", "main").namespace == "monitoring"
    assert _obj(estate, "ClusterPolicy", "require-team-label").namespace == ""


def test_clusters_and_environments(estate: Estate) -> None:
    apps = _obj(estate, "Kustomization", "apps", "workload-prod")
    assert (apps.cluster, apps.environment) == ("workload-prod", "prod")
    release = _obj(estate, "HelmRelease", "orders", "apps/base")
    assert release.clusters == ["workload-dev", "workload-prod", "workload-staging"]
    assert release.cluster == ""  # applied to several clusters
    assert _obj(estate, "VMCluster", "main").clusters == ["monitor"]
    db = next(
        b
        for b in estate.terraform
        if b.block == "module" and b.name == "orders_db" and "prod" in b.path
    )
    assert db.environment == "prod"
    assert {t.environment for t in estate.tfvars} == {"dev", "staging", "prod"}


def test_roles(estate: Estate) -> None:
    patch = _obj(estate, "HelmRelease", "orders", "apps/prod")
    assert patch.role == "patch"
    assert sum(1 for o in estate.objects if o.role == "kustomize") == 12
    assert _obj(estate, "Secret", "payments-api").encrypted


def test_owners_from_codeowners(estate: Estate) -> None:
    assert _obj(estate, "ClusterPolicy", "require-team-label").owners == [
        "@acme/security",
        "@acme/platform",
    ]
    assert _obj(estate, "VMRule", "orders").owners == ["@acme/observability"]
    secret = next(b for b in estate.terraform if b.type == "aws_secretsmanager_secret")
    assert secret.owners == ["@acme/data-platform", "@acme/platform"]
    chart = next(c for c in estate.charts if c.name == "app-compat")
    assert chart.owners == ["@acme/platform"]


def test_environment_aliases_from_repo_config(kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "clusters" / "prd-eu").mkdir(parents=True)
    (tmp_path / "clusters" / "prd-eu" / "ns.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"
    )
    (tmp_path / ".infraplan.yaml").write_text("environments:\n  prd-eu: prod\n")
    estate = scan_estate([RepoSpec("r", tmp_path)], kb.knowledge)
    assert estate.objects[0].environment == "prod" and estate.objects[0].cluster == "prd-eu"
    (tmp_path / ".infraplan.yaml").write_text("environments:\n  prd-eu: production-ish\n")
    estate = scan_estate([RepoSpec("r", tmp_path)], kb.knowledge)
    assert any(
        d.path == ".infraplan.yaml" and "not an environment" in d.reason for d in estate.diagnostics
    )


def test_test_folders_are_not_environments(kb: KnowledgeBase, tmp_path: Path) -> None:
    for rel in ("test/a.yaml", "envs/test/b.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    estate = scan_estate([RepoSpec("r", tmp_path)], kb.knowledge)
    assert {o.path: o.environment for o in estate.objects} == {
        "envs/test/b.yaml": "test",
        "test/a.yaml": "",
    }


def test_cache_is_used_and_results_are_identical(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = _scan(kb, cache_dir=tmp_path / "cache")
    import engine.estate.workers

    def boom(*args: object) -> None:
        raise AssertionError("extracted although cached")

    monkeypatch.setattr(engine.estate.workers, "extract", boom)
    warm = _scan(kb, cache_dir=tmp_path / "cache")
    assert warm == cold


def test_parallel_equals_serial(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.estate.workers

    serial = _scan(kb, jobs=1)
    monkeypatch.setattr(engine.estate.workers, "INLINE_LIMIT", 0)
    assert _scan(kb, jobs=2) == serial


def test_repository_role_can_be_named(kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    assert scan_estate([RepoSpec("r", tmp_path)], kb.knowledge).repos[0].role == "mixed"
    (tmp_path / ".infraplan.yaml").write_text("role: terraform\n")
    assert scan_estate([RepoSpec("r", tmp_path)], kb.knowledge).repos[0].role == "terraform"
