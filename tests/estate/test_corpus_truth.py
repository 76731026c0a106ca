"""Estate truth on real public repositories (../shared/corpus): what roots apply is live and on
their cluster, commented-out and bootstrap-only content is not, no environment is invented,
charts are found wherever they are installed. Skipped when the corpus is absent."""

from __future__ import annotations

from collections import Counter

import pytest

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.records import ObjectRecord, object_records
from engine.estate.scan import scan_estate
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
REPOS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not REPOS, reason="../shared/corpus is not here")


@pytest.fixture(scope="module")
def records(kb: KnowledgeBase) -> dict[str, list[ObjectRecord]]:
    return {
        name: object_records(scan_estate([RepoSpec(name, CORPUS / name)], kb.knowledge))
        for name in REPOS
    }


def _objects(records: list[ObjectRecord]) -> list[ObjectRecord]:
    return [r for r in records if r.role == "object"]


@pytest.mark.parametrize("name", REPOS)
def test_every_object_has_a_controller_and_reasons(
    records: dict[str, list[ObjectRecord]], name: str
) -> None:
    for r in records[name]:
        assert all(r.why.model_dump().values()), r
        if r.live:
            assert r.delivered_by != "unknown", r
        if r.live is False or r.kept_apart:
            assert r.clusters == [] or r.kept_apart is None, r


def test_home_ops_flux_objects_live_and_commented_out_ones_not(
    records: dict[str, list[ObjectRecord]],
) -> None:
    objects = _objects(records["home-ops"])
    live = [r for r in objects if r.live]
    assert len(live) > 300 and all(r.delivered_by == "flux" for r in live)
    commented = [r for r in objects if "runners/home-operations/" in r.path]
    assert commented and all(r.live is False and "commented out" in r.why.live for r in commented)
    bootstrap = [r for r in objects if r.path.startswith("bootstrap/")]
    assert bootstrap and not any(r.live for r in bootstrap)
    assert not {e for r in objects for e in r.environments}, "home-ops names no environment"


def test_flux_example_objects_are_on_the_cluster_their_root_applies(
    records: dict[str, list[ObjectRecord]],
) -> None:
    objects = _objects(records["flux2-kustomize-helm-example"])
    assert all(r.live for r in objects)
    for r in objects:
        for cluster in ("production", "staging"):
            if f"/{cluster}/" in f"/{r.path}":
                assert r.clusters == [cluster], r
        assert r.clusters, r
    assert {e for r in objects for e in r.environments} == {"staging", "prod"}


def test_multi_tenancy_tenant_folder_is_no_environment(
    records: dict[str, list[ObjectRecord]],
) -> None:
    objects = _objects(records["flux2-multi-tenancy"])
    tenant = [r for r in objects if r.path.startswith("tenants/base/dev-team/")]
    assert tenant and all("dev" not in r.environments for r in tenant)
    assert all(sorted(r.environments) == ["prod", "staging"] for r in tenant)


def test_gitops_bridge_argo_roots_and_workspaces(records: dict[str, list[ObjectRecord]]) -> None:
    objects = records["gitops-bridge"]
    appsets = [r for r in objects if r.kind == "ApplicationSet" and "/bootstrap/" in r.path]
    assert appsets and all(r.live and r.delivered_by == "kubectl" for r in appsets)
    spokes = [
        r for r in objects if r.source == "terraform" and "/hub-spoke/spokes/" in r.path and r.live
    ]
    assert spokes and all(r.environments == ["dev", "staging", "prod"] for r in spokes)


def test_eks_blueprints_charts_through_wrapper_modules(
    records: dict[str, list[ObjectRecord]],
) -> None:
    objects = records["eks-blueprints-addons"]
    charts = {c.name: (r, c) for r in objects for c in r.charts}
    assert "karpenter" in charts and charts["karpenter"][1].version
    assert charts["karpenter"][0].delivered_by == "helm"
    tests = [r for r in objects if r.path.startswith("tests/")]
    assert tests and all(r.kept_apart == "test" and r.live is False for r in tests)


def test_charts_are_found_in_all_four_installation_styles(
    records: dict[str, list[ObjectRecord]],
) -> None:
    styles: Counter[str] = Counter()
    for recs in records.values():
        for r in recs:
            for c in r.charts:
                styles[f"{c.installed_by}:{r.kind if r.source == 'kubernetes' else r.block}"] += 1
    assert styles["flux:HelmRelease"] and styles["terraform:module"]
    assert styles["terraform:resource"] or styles["terraform:module"]
