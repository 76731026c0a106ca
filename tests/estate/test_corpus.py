"""Real public GitOps repositories (../shared/corpus): no crash, counts that agree with an
independent count, dependsOn edges, namespaces resolved. Skipped when the corpus is absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.graph import build_graph
from engine.estate.model import Estate
from engine.estate.scan import scan_estate
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
REPOS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not REPOS, reason="../shared/corpus is not here")

_DOC_SPLIT = re.compile(r"(?m)^---\s*$")


def independent_count(root: Path, group: str, kind: str) -> int:
    """Documents of apiVersion group/kind, counted from the raw text, outside patch files."""
    patches: set[Path] = set()
    for k in root.rglob("kustomization.yaml"):
        try:
            data = yaml.safe_load(k.read_text())
        except yaml.YAMLError:
            continue
        for p in (data or {}).get("patches") or []:
            if isinstance(p, dict) and p.get("path"):
                patches.add((k.parent / p["path"]).resolve())
    count = 0
    for path in list(root.rglob("*.yaml")) + list(root.rglob("*.yml")):
        if path.resolve() in patches or any(part in {".git", "templates"} for part in path.parts):
            continue
        for doc in _DOC_SPLIT.split(path.read_text(errors="replace")):
            if re.search(rf"(?m)^apiVersion:\s*{re.escape(group)}/", doc) and re.search(
                rf"(?m)^kind:\s*{kind}\s*$", doc
            ):
                count += 1
    return count


@pytest.fixture(scope="module")
def estates(kb: KnowledgeBase) -> dict[str, Estate]:
    return {name: scan_estate([RepoSpec(name, CORPUS / name)], kb.knowledge) for name in REPOS}


@pytest.mark.parametrize("name", REPOS)
def test_no_crash(estates: dict[str, Estate], name: str) -> None:
    estate = estates[name]
    assert estate.repos[0].files > 0
    assert not [d for d in estate.diagnostics if "extractor failed" in d.reason]


@pytest.mark.parametrize("name", REPOS)
@pytest.mark.parametrize(
    ("group", "kind"),
    [("kustomize.toolkit.fluxcd.io", "Kustomization"), ("helm.toolkit.fluxcd.io", "HelmRelease")],
)
def test_flux_counts_agree_with_an_independent_count(
    estates: dict[str, Estate], name: str, group: str, kind: str
) -> None:
    ours = sum(1 for o in estates[name].cluster_objects() if o.kind == kind and o.group == group)
    assert ours == independent_count(CORPUS / name, group, kind)


@pytest.mark.parametrize("name", REPOS)
def test_depends_on_becomes_edges(kb: KnowledgeBase, estates: dict[str, Estate], name: str) -> None:
    estate = estates[name]
    declared = sum(len(getattr(o.detail, "depends_on", [])) for o in estate.cluster_objects())
    edges = [
        d
        for _, _, d in build_graph(estate, kb.knowledge).edges(data=True)
        if d["kind"] == "dependsOn"
    ]
    if declared:
        assert edges, "dependsOn declared but no edge"
    assert len(edges) <= declared * 3


@pytest.mark.parametrize("name", REPOS)
def test_namespaces_resolved_where_a_parent_kustomization_sets_them(
    estates: dict[str, Estate], name: str
) -> None:
    root = CORPUS / name
    checked = 0
    by_path = {}
    for o in estates[name].cluster_objects():
        by_path.setdefault(o.path, []).append(o)
    for k in root.rglob("kustomization.yaml"):
        data = yaml.safe_load(k.read_text()) or {}
        if not data.get("namespace"):
            continue
        for ref in data.get("resources") or []:
            target = (k.parent / ref).resolve()
            if target.is_file():
                rel = target.relative_to(root.resolve()).as_posix()
                for o in by_path.get(rel, []):
                    if o.kind not in {
                        "Namespace",
                        "ClusterRole",
                        "ClusterRoleBinding",
                        "CustomResourceDefinition",
                        "ClusterPolicy",
                    }:
                        assert o.namespace, o.where
                        checked += 1
    if name in {"home-ops", "flux2-multi-tenancy"}:
        assert checked > 0


PLANS = [
    ("karpenter-provider-aws", "Upgrade Karpenter and use more spot capacity"),
    ("home-ops", "Integrate Grafana Tempo as a new monitoring tool"),
    ("home-ops", "Migrate our secrets to AWS Secrets Manager with External Secrets"),
    ("flux2-multi-tenancy", "Need to enhance security with additional scanning tools"),
    ("flux2-kustomize-helm-example", "Automate TLS certificates with cert-manager"),
    ("flux2-kustomize-helm-example", "Upgrade Flux to the latest version"),
]


@pytest.mark.parametrize(("name", "request_text"), [p for p in PLANS if p[0] in REPOS])
def test_plans_point_at_files_that_exist(
    kb: KnowledgeBase, estates: dict[str, Estate], name: str, request_text: str
) -> None:
    from engine.plan.build import build_plan
    from engine.spec.intake import spec_text
    from engine.spec.load import parse_spec

    text, _ = spec_text(request_text, kb.knowledge, [name])
    plan = build_plan(parse_spec(text, kb.knowledge, "request"), kb, estates[name])
    assert plan.integration_points, "a plan on a real repository should find where the change lands"
    for point in plan.integration_points:
        assert point.repo == name
        path = CORPUS / name / point.path
        assert path.is_file(), point.id
        lines = path.read_text(errors="replace").splitlines()
        assert 1 <= point.line <= len(lines), point.id
        document = "\n".join(lines[point.line - 1 : point.line + 40])
        assert "kind:" in document or point.kind in {"terraform", "chart", "workflow"}, point.id
    for step in plan.rollout_steps:
        for target in step.targets:
            assert target in {p.id for p in plan.integration_points}
    for finding in plan.upgrade_findings:
        assert (CORPUS / name / finding.id.split("/", 1)[1].rsplit(":", 1)[0]).is_file()
