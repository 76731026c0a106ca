"""What extraction reads for estate truth: switches, charts and versions of Terraform blocks
(never other literal values), embedded manifests, template files, commented-out kustomize
entries, Argo CD list elements, and only naming values of ConfigMaps."""

from __future__ import annotations

from engine.estate.extract import extract
from engine.estate.extract.kinds import ArgoApplication, ConfigValues, Kustomize, Workload
from engine.estate.extract.terraform import extract_terraform


def test_terraform_reads_switches_charts_and_versions_but_no_other_literal() -> None:
    blocks, problems = extract_terraform(
        """
module "addon" {
  source        = "aws-ia/eks-blueprints-addon/aws"
  create        = false
  chart         = try(var.addon.chart, "karpenter")
  chart_version = try(var.addon.chart_version, "0.37.0")
  password      = "hunter2-secret"
  providers     = { helm = helm.tools }
}
resource "aws_route53_zone" "z" {
  count = 0
  name  = "legacy.internal"
}
"""
    )
    assert problems == []
    addon, zone = blocks
    assert addon.inputs == {
        "create": "false",
        "chart": "karpenter",
        "chart_version": "0.37.0",
    }
    assert addon.providers == {"helm": "helm.tools"}
    assert "hunter2" not in addon.model_dump_json()
    assert zone.inputs["count"] == "0"


def test_manifests_embedded_in_terraform() -> None:
    blocks, _ = extract_terraform(
        """resource "kubernetes_manifest" "pool" {
  manifest = {
    apiVersion = "karpenter.sh/v1"
    kind       = "NodePool"
    metadata = {
      name = "default"
    }
    spec = { template = { spec = { nodeClassRef = { kind = "EC2NodeClass", name = "x" } } } }
  }
}
resource "kubectl_manifest" "cls" {
  yaml_body = <<-YAML
    apiVersion: karpenter.k8s.aws/v1
    kind: EC2NodeClass
    metadata:
      name: default
    spec:
      role: ${module.karpenter.node_iam_role_name}
  YAML
}
"""
    )
    pool, cls = blocks
    assert [(d.kind, d.name, d.api_version) for d in pool.embedded] == [
        ("NodePool", "default", "karpenter.sh/v1")
    ]
    assert [(d.kind, d.name, d.line) for d in cls.embedded] == [("EC2NodeClass", "default", 13)]


def test_a_template_that_is_not_yaml_is_read_from_its_header_lines() -> None:
    facts = extract(
        "yaml",
        b"apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n"
        b"  name: {{ values.app_name }}\n  namespace: {{ values.namespace }}\n",
        "servicemonitor.yaml",
    )
    (doc,) = facts.objects
    assert (doc.kind, doc.name, doc.template) == ("ServiceMonitor", "{{ values.app_name }}", True)
    assert [p.reason for p in facts.problems] == [
        "a template, not valid YAML: its objects are read from their header lines"
    ]


def test_commented_out_kustomize_entries() -> None:
    facts = extract(
        "yaml",
        b"resources:\n  - ../../base/a\n  # - ../../base/kyverno\n  #- ../../base/gk\n",
        "kustomization.yaml",
    )
    (doc,) = facts.objects
    assert isinstance(doc.detail, Kustomize)
    assert doc.detail.commented == ["../../base/gk", "../../base/kyverno"]


def test_applicationset_list_elements_and_configmap_naming_values_only() -> None:
    facts = extract(
        "yaml",
        b"""apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps}
spec:
  generators:
    - list: {elements: [{cluster: dev, url: "https://dev:6443"}]}
  template:
    spec:
      source: {repoURL: "https://x/y.git", path: "apps/{{.cluster}}"}
      destination: {server: "{{.url}}"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cluster-settings}
data: {CLUSTER_NAME: cluster-00, DB_PASSWORD: hunter2, CLUSTER_TOKEN: abc}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {template: {spec: {containers: [{name: c, image: "ghcr.io/a/b:1.2.3"}]}}}
""",
        "x.yaml",
    )
    appset, config, deployment = facts.objects
    assert isinstance(appset.detail, ArgoApplication)
    assert appset.detail.elements == [{"cluster": "dev", "url": "https://dev:6443"}]
    assert isinstance(config.detail, ConfigValues)
    assert config.detail.values == {"CLUSTER_NAME": "cluster-00"}
    assert isinstance(deployment.detail, Workload)
    assert deployment.detail.images == ["ghcr.io/a/b:1.2.3"]
