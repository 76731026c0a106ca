"""ApplicationSet generators: a git directory generator's folders (path globs, excludes) are
live, delivered by Argo CD, on the cluster its template names; a cluster generator deploys to
the clusters registered as Argo CD cluster Secrets its selector picks (their names are read,
never their credentials), and a chart it installs is versioned on each of them."""

from __future__ import annotations

from pathlib import Path

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.scan import ScanOptions, scan_estate


def _appset(name: str, spec: str) -> str:
    return (
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\n"
        f"metadata: {{name: {name}, namespace: argocd}}\nspec:\n{spec}"
    )


ROOT = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: root, namespace: argocd}
spec:
  source: {repoURL: https://git.example.com/org/gitops.git, path: appsets}
  destination: {server: https://kubernetes.default.svc, namespace: argocd}
"""
NODEPOOLS = _appset(
    "nodepools",
    """\
  generators:
    - git:
        repoURL: https://git.example.com/org/gitops.git
        directories:
          - path: clusters/*/karpenter
          - path: clusters/lab-*/karpenter
            exclude: true
  template:
    metadata: {name: 'nodepools-{{path[1]}}'}
    spec:
      source: {repoURL: https://git.example.com/org/gitops.git, path: '{{path}}'}
      destination: {name: '{{path[1]}}', namespace: karpenter}
""",
)
ADDONS = _appset(
    "addons",
    """\
  goTemplate: true
  generators:
    - clusters:
        selector:
          matchLabels: {tier: workload}
  template:
    metadata: {name: 'addons-{{.name}}'}
    spec:
      source: {repoURL: https://git.example.com/org/gitops.git, path: 'addons/{{.name}}'}
      destination: {server: '{{.server}}', namespace: addons}
""",
)
CHART = _appset(
    "ingress",
    """\
  generators:
    - clusters:
        selector:
          matchLabels: {tier: workload}
  template:
    metadata: {name: 'ingress-{{name}}'}
    spec:
      source: {repoURL: https://kubernetes.github.io/ingress-nginx, chart: ingress-nginx,
               targetRevision: 4.11.2}
      destination: {server: '{{server}}', namespace: ingress-nginx}
""",
)


def _secret(name: str, tier: str) -> str:
    return (
        "apiVersion: v1\nkind: Secret\nmetadata:\n"
        f"  name: cluster-{name}\n  namespace: argocd\n  labels:\n"
        f"    argocd.argoproj.io/secret-type: cluster\n    tier: {tier}\n"
        f"stringData:\n  name: {name}\n  server: https://{name}.example.com\n"
        '  config: \'{"bearerToken": "very-secret-token"}\'\n'
    )


def _pool(name: str) -> str:
    return f"apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata:\n  name: {name}\n"


def test_generators_select_folders_and_clusters(kb: KnowledgeBase, tmp_path: Path) -> None:
    files = {
        "bootstrap/root.yaml": ROOT,
        "appsets/nodepools.yaml": NODEPOOLS,
        "appsets/addons.yaml": ADDONS,
        "appsets/ingress.yaml": CHART,
        "clusters/staging-eu/karpenter/pool.yaml": _pool("a"),
        "clusters/prod-us/karpenter/pool.yaml": _pool("b"),
        "clusters/lab-1/karpenter/pool.yaml": _pool("c"),
        "registrations/staging-eu.yaml": _secret("staging-eu", "workload"),
        "registrations/prod-us.yaml": _secret("prod-us", "workload"),
        "registrations/tools.yaml": _secret("tools", "management"),
        "addons/prod-us/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        "addons/tools/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    estate = scan_estate(
        [RepoSpec(name="gitops", root=tmp_path)], kb.knowledge, ScanOptions(jobs=1)
    )
    pools = {o.path: o for o in estate.objects if o.kind == "NodePool"}
    staging = pools["clusters/staging-eu/karpenter/pool.yaml"]
    assert staging.delivery.live and staging.delivery.delivered_by == "argocd"
    assert staging.clusters == ["staging-eu"] and staging.environments == ["staging"]
    assert pools["clusters/prod-us/karpenter/pool.yaml"].clusters == ["prod-us"]
    assert pools["clusters/lab-1/karpenter/pool.yaml"].delivery.live is False  # excluded
    maps = {o.path: o for o in estate.objects if o.kind == "ConfigMap"}
    assert maps["addons/prod-us/cm.yaml"].delivery.live
    assert maps["addons/prod-us/cm.yaml"].clusters == ["prod-us"]
    assert maps["addons/tools/cm.yaml"].delivery.live is False  # not selected
    assert {"staging-eu", "prod-us"} <= {c.name for c in estate.clusters}
    # a chart an ApplicationSet installs is versioned on each cluster it deploys to
    charts = sorted(
        (r.subject, r.value, r.cluster) for r in estate.versions if r.attribute == "chart_version"
    )
    assert charts == [
        ("ingress-nginx", "4.11.2", "prod-us"),
        ("ingress-nginx", "4.11.2", "staging-eu"),
    ]
    assert "very-secret-token" not in estate.model_dump_json()
