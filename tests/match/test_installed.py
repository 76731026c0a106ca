"""What an estate actually runs, in every installation style: a tool installed from plain
manifests (an upstream static manifest, Flux's gotk-components) is present at the version its
images and labels declare; a Terraform module called by two roots with two versions has both,
each on its root's environment and cited where the value is written; a provider constraint is a
constraint, and only a lock file says which version is installed."""

from __future__ import annotations

from pathlib import Path

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.model import Estate
from engine.estate.scan import ScanOptions, scan_estate
from engine.match.subject import Subject, find_subjects
from engine.match.upgrade_path import upgrade_path
from engine.spec.intake import spec_from_request

INGRESS = """\
apiVersion: v1
kind: Namespace
metadata:
  name: ingress-nginx
  labels:
    app.kubernetes.io/name: ingress-nginx
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
  labels:
    app.kubernetes.io/name: ingress-nginx
    app.kubernetes.io/version: 1.9.4
spec:
  template:
    spec:
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.9.4@sha256:0123
"""

CERT_MANAGER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cert-manager-webhook
  namespace: cert-manager
spec:
  template:
    spec:
      containers:
        - name: webhook
          image: "quay.io/jetstack/cert-manager-webhook:v1.13.3"
"""

GOTK = """\
# Flux Version: v2.3.0
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kustomize-controller
  namespace: flux-system
  labels:
    app.kubernetes.io/part-of: flux
    app.kubernetes.io/version: v2.3.0
spec:
  template:
    spec:
      containers:
        - name: manager
          image: ghcr.io/fluxcd/kustomize-controller:v1.3.0
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _scan(kb: KnowledgeBase, root: Path) -> Estate:
    return scan_estate([RepoSpec(name="estate", root=root)], kb.knowledge, ScanOptions(jobs=1))


def _subject(kb: KnowledgeBase, estate: Estate, request: str) -> Subject:
    loaded = spec_from_request(request, kb.knowledge, [])
    (subject,) = find_subjects(loaded, kb.knowledge, estate)
    return subject


def test_a_static_install_manifest_is_an_installation_at_its_version(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    _write(
        tmp_path,
        {"ingress-nginx/deploy.yaml": INGRESS, "cert-manager/cert-manager.yaml": CERT_MANAGER},
    )
    estate = _scan(kb, tmp_path)
    ingress = _subject(kb, estate, "Upgrade ingress-nginx to 1.11")
    assert ingress.present
    # one version per file (the label's 1.9.4 and the image's v1.9.4 are one), at the workload
    assert [(i.value, i.at, i.attribute) for i in ingress.installed] == [
        ("1.9.4", "estate/ingress-nginx/deploy.yaml:8", "app_version")
    ]
    assert "estate/ingress-nginx/deploy.yaml:8" in ingress.installs
    tool = next(t for t in kb.knowledge.tools if t.id == "ingress-nginx")
    path = upgrade_path(ingress, tool, "1.11", estate, kb.knowledge)
    # the chart is numbered apart, but a manifest declares the tool's own version
    assert path.comparable and not path.chart_numbered
    assert path.hops == ["1.9.4 → 1.10", "1.10 → 1.11"]
    cert = _subject(kb, estate, "Upgrade cert-manager to 1.13")
    assert [(i.value, i.at) for i in cert.installed] == [
        ("v1.13.3", "estate/cert-manager/cert-manager.yaml:1")
    ]


def test_flux_version_from_its_gotk_components_per_cluster(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    _write(
        tmp_path,
        {
            "clusters/staging/flux-system/gotk-components.yaml": GOTK,
            "clusters/production/flux-system/gotk-components.yaml": GOTK.replace(
                "v2.3.0", "v2.2.3"
            ),
        },
    )
    flux = _subject(kb, _scan(kb, tmp_path), "Upgrade Flux to 2.4")
    # the controller image tags (v1.3.0) are the components' versions, not Flux's
    assert sorted((i.value, i.at) for i in flux.installed) == [
        ("v2.2.3", "estate/clusters/production/flux-system/gotk-components.yaml:2"),
        ("v2.3.0", "estate/clusters/staging/flux-system/gotk-components.yaml:2"),
    ]


KARPENTER_MODULE = """\
variable "karpenter_version" { type = string }
resource "helm_release" "karpenter" {
  name       = "karpenter"
  chart      = "karpenter"
  repository = "oci://public.ecr.aws/karpenter"
  version    = var.karpenter_version
}
"""


def _root(env_version: str) -> str:
    return (
        'terraform {\n  backend "s3" {}\n}\n'
        'module "karpenter" {\n  source = "../../modules/karpenter"\n'
        f'  karpenter_version = "{env_version}"\n}}\n'
    )


def test_a_module_called_by_two_roots_has_both_versions_each_on_its_environment(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    _write(
        tmp_path,
        {
            "modules/karpenter/main.tf": KARPENTER_MODULE,
            "live/staging/main.tf": _root("1.0.6"),
            "live/prod/main.tf": _root("0.37.5"),
        },
    )
    karpenter = _subject(kb, _scan(kb, tmp_path), "Upgrade Karpenter to 1.1")
    assert [(i.value, i.at, i.where) for i in karpenter.installed] == [
        ("0.37.5", "estate/live/prod/main.tf:6", "prod"),
        ("1.0.6", "estate/live/staging/main.tf:6", "staging"),
    ]


POSTGRES_MODULE = """\
variable "engine_version" { type = string }
variable "master_password" { default = "changeme-not-read" }
resource "aws_db_instance" "this" {
  engine         = "postgres"
  engine_version = var.engine_version
  password       = var.master_password
}
"""


def test_versions_through_tfvars_and_eks_arguments_per_environment(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    db_root = (
        'variable "ledger_engine_version" { type = string }\n'
        'module "db" {\n  source = "../../modules/postgres"\n'
        "  engine_version = var.ledger_engine_version\n}\n"
    )
    eks_root = (
        'module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n  version = "20.24.2"\n'
        '  cluster_name    = "dev-eu"\n  cluster_version = var.cluster_version\n}\n'
        'variable "cluster_version" { type = string }\n'
    )
    _write(
        tmp_path,
        {
            "modules/postgres/main.tf": POSTGRES_MODULE,
            "envs/dev/main.tf": db_root,
            "envs/dev/terraform.tfvars": 'ledger_engine_version = "15.7"\n',
            "envs/prod/main.tf": db_root,
            "envs/prod/prod.auto.tfvars": 'ledger_engine_version = "15.5"\n',
            "eks/dev/main.tf": eks_root,
            "eks/dev/terraform.tfvars": 'region = "eu-west-1"\ncluster_version = "1.29"\n',
        },
    )
    estate = _scan(kb, tmp_path)
    engines = sorted(
        (r.value, r.at, r.environment) for r in estate.versions if r.attribute == "engine_version"
    )
    assert engines == [
        ("15.5", "estate/envs/prod/prod.auto.tfvars:1", "prod"),
        ("15.7", "estate/envs/dev/terraform.tfvars:1", "dev"),
    ]
    clusters = [
        (r.subject, r.value, r.at) for r in estate.versions if r.attribute == "kubernetes_version"
    ]
    assert clusters == [("dev-eu", "1.29", "estate/eks/dev/terraform.tfvars:2")]
    # a secret-like variable's default is never read
    assert "changeme" not in estate.model_dump_json()


LOCK = """\
provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.46.0"
  constraints = "~> 5.46.0"
  hashes = [
    "h1:abc=",
  ]
}
"""
VERSIONS = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.46.0"
    }
  }
}
"""


def test_a_constraint_is_not_a_version_a_lock_file_is(kb: KnowledgeBase, tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "envs/dev/versions.tf": VERSIONS,
            "envs/dev/.terraform.lock.hcl": LOCK,
            "envs/prod/versions.tf": VERSIONS,
        },
    )
    estate = _scan(kb, tmp_path)
    aws = _subject(kb, estate, "Upgrade the AWS provider to 5.80")
    assert [(c.value, c.at) for c in aws.constraints] == [
        ("~> 5.46.0", "estate/envs/dev/versions.tf:3"),
        ("~> 5.46.0", "estate/envs/prod/versions.tf:3"),
    ]
    # installed: only what the lock file of envs/dev records; envs/prod's is unknown
    assert [(i.value, i.at) for i in aws.installed] == [
        ("5.46.0", "estate/envs/dev/.terraform.lock.hcl:1")
    ]


def test_constraints_admit_or_exclude_a_target() -> None:
    from engine.match.constraints import admits

    assert admits("~> 5.46.0", (5, 80, 0)) is False
    assert admits("~> 5.46.0", (5, 46, 9)) is True
    assert admits("~> 5.46", (5, 80, 0)) is True and admits("~> 5.46", (6, 0, 0)) is False
    assert admits(">= 5.40, < 6.0", (5, 80, 0)) is True
    assert admits("3.6.2", (3, 7, 0)) is False
    assert admits("latest", (1, 0, 0)) is None


def test_a_chart_lands_on_the_cluster_a_local_wrapper_module_declares(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    wrapper = (
        'variable "cluster_name" { type = string }\n'
        'module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n  version = "20.24.2"\n'
        "  cluster_name = var.cluster_name\n}\n"
        'output "endpoint" { value = module.eks.cluster_endpoint }\n'
    )
    root = (
        'terraform {\n  backend "s3" {}\n}\n'
        'module "cluster" {\n  source = "../../modules/eks-cluster"\n'
        '  cluster_name = "staging-eu"\n}\n'
        'provider "helm" {\n  kubernetes {\n    host = module.cluster.endpoint\n  }\n}\n'
        'module "karpenter" {\n  source = "../../modules/karpenter"\n'
        '  karpenter_version = "1.0.6"\n}\n'
    )
    _write(
        tmp_path,
        {
            "modules/eks-cluster/main.tf": wrapper,
            "modules/karpenter/main.tf": KARPENTER_MODULE,
            "live/staging/main.tf": root,
        },
    )
    estate = _scan(kb, tmp_path)
    charts = [
        (r.value, r.cluster, r.environment)
        for r in estate.versions
        if r.attribute == "chart_version" and r.subject == "karpenter"
    ]
    assert charts == [("1.0.6", "staging-eu", "staging")]
