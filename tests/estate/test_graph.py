"""The dependency graph: every edge kind, focus, deterministic renderings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.graph import build_graph, find_nodes, focus
from engine.estate.model import Estate
from engine.estate.scan import scan_estate
from engine.render.graph_dot import render as to_dot
from engine.render.graph_json import graph_data as to_json
from engine.render.graph_mermaid import render as to_mermaid
from tests.conftest import EXAMPLES, run_cli, run_entry_point

ESTATE = EXAMPLES / "estate"


@pytest.fixture(scope="module")
def estate(kb: KnowledgeBase) -> Estate:
    return scan_estate(
        [RepoSpec(n, ESTATE / n) for n in ("infra-tf", "infra-flux", "deployments")], kb.knowledge
    )


@pytest.fixture(scope="module")
def graph(kb: KnowledgeBase, estate: Estate) -> nx.DiGraph:
    return build_graph(estate, kb.knowledge)


def _edges(g: nx.DiGraph, kind: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, d in g.edges(data=True) if d["kind"] == kind}


def test_terraform_references_and_module_calls(graph: nx.DiGraph) -> None:
    refs = _edges(graph, "reference")
    assert (
        "infra-tf/modules/rds/main.tf:3",
        "infra-tf/modules/rds/main.tf:28",
    ) in refs  # subnet group → db
    assert (
        "infra-tf/modules/rds/main.tf:23",
        "infra-tf/modules/rds/main.tf:28",
    ) in refs  # password → db
    assert (
        "infra-tf/modules/eks/main.tf:3",
        "infra-tf/modules/eks/main.tf:13",
    ) in refs  # module.eks → module.karpenter
    modules = _edges(graph, "module")
    assert ("infra-tf/modules/rds/main.tf:44", "infra-tf/envs/prod/main.tf:37") in modules


def test_flux_edges(graph: nx.DiGraph) -> None:
    depends = _edges(graph, "dependsOn")
    assert (
        "infra-flux/clusters/workload-prod/infrastructure.yaml:2",
        "infra-flux/clusters/workload-prod/infrastructure.yaml:16",
    ) in depends
    assert (
        "infra-flux/infrastructure/controllers/external-secrets.yaml:16",
        "infra-flux/infrastructure/controllers/kyverno.yaml:16",
    ) in depends
    sources = _edges(graph, "sourceRef")
    assert (
        "infra-flux/infrastructure/controllers/karpenter.yaml:7",
        "infra-flux/infrastructure/controllers/karpenter.yaml:18",
    ) in sources
    applies = _edges(graph, "applies")
    # apps/prod has a kustomization.yaml pulling in ../base/orders: the base release is applied
    assert (
        "infra-flux/clusters/workload-prod/apps.yaml:2",
        "infra-flux/apps/base/orders/release.yaml:1",
    ) in applies


def test_cross_repository_edges(graph: nx.DiGraph) -> None:
    assert (
        "infra-tf/modules/rds/main.tf:44",
        "infra-flux/apps/base/orders/externalsecret.yaml:1",
    ) in _edges(graph, "secret")
    assert (
        "deployments/charts/orders/Chart.yaml:1",
        "infra-flux/apps/base/orders/release.yaml:1",
    ) in _edges(graph, "chart")
    assert (
        "infra-flux/infrastructure/configs/cluster-secret-store.yaml:1",
        "infra-flux/apps/base/orders/externalsecret.yaml:1",
    ) in _edges(graph, "store")


def test_owners_on_every_node(graph: nx.DiGraph) -> None:
    assert all(d["owners"] for _, d in graph.nodes(data=True))


def test_app_of_apps(kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "apps").mkdir()
    (tmp_path / "root.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: root}\nspec:\n  source: {repoURL: https://git.example/org/gitops.git, path: apps}\n"
    )
    (tmp_path / "apps" / "child.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: child}\nspec:\n  source: {repoURL: https://git.example/org/gitops.git, path: child}\n"
    )
    g = build_graph(scan_estate([RepoSpec("gitops", tmp_path)], kb.knowledge), kb.knowledge)
    assert _edges(g, "app-of-apps") == {("gitops/root.yaml:1", "gitops/apps/child.yaml:1")}


def test_focus_and_find(graph: nx.DiGraph) -> None:
    assert find_nodes(graph, "ExternalSecret/orders-db") == [
        "infra-flux/apps/base/orders/externalsecret.yaml:1"
    ]
    assert find_nodes(graph, "aws_secretsmanager_secret.master") == [
        "infra-tf/modules/rds/main.tf:44"
    ]
    near = focus(graph, find_nodes(graph, "ExternalSecret/orders-db"), 1)
    assert "infra-tf/modules/rds/main.tf:44" in near and len(near) < len(graph)


def test_renderings_are_well_formed(graph: nx.DiGraph) -> None:
    mermaid = to_mermaid(graph)
    assert mermaid.startswith("flowchart LR\n")
    for line in mermaid.splitlines()[1:]:
        assert re.fullmatch(r'  n\d+\["[^"]*"\]|  n\d+ -->\|[a-zA-Z-]+\| n\d+', line), line
    dot = to_dot(graph)
    assert dot.startswith("digraph estate {") and dot.rstrip().endswith("}")
    data = to_json(graph)
    assert {e["kind"] for e in data["edges"]} >= {
        "reference",
        "module",
        "dependsOn",
        "sourceRef",
        "applies",
        "chart",
        "secret",
        "store",
    }


def test_graph_cli_is_deterministic(tmp_path: Path) -> None:
    args = [
        "graph",
        *(f"{n}={ESTATE / n}" for n in ("infra-tf", "infra-flux", "deployments")),
        "--format",
        "json",
        "--no-cache",
    ]
    first = run_entry_point(*args, env={"PYTHONHASHSEED": "1"})
    second = run_entry_point(*args, cwd=tmp_path, env={"PYTHONHASHSEED": "99"})
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert str(ESTATE) not in first.stdout
    json.loads(first.stdout)
    focused = run_cli(
        "graph",
        f"infra-flux={ESTATE / 'infra-flux'}",
        "--focus",
        "HelmRelease/orders",
        "--depth",
        "1",
        "--no-cache",
    )
    assert focused.returncode == 0 and "HelmRelease orders/orders" in focused.stdout
    missing = run_cli(
        "graph", f"infra-flux={ESTATE / 'infra-flux'}", "--focus", "Nothing/here", "--no-cache"
    )
    assert missing.returncode == 2 and "matches no node" in missing.stderr
