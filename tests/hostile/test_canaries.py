"""Canary secrets in every field an extractor reads, in the places secrets really hide: URL
credentials, values beside the keys infraplan reads, heredocs, comments, broken files. None may
reach the facts cache, any output of facts, graph or plan, or a model prompt."""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from pathlib import Path

import pytest

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.scan import ScanOptions, scan_estate
from engine.plan.build import build_plan
from engine.plan.llm import prompts
from engine.spec.load import load_spec
from tests.hostile.build import RDS, hostile, write

FILES = {
    "flux/sources.yaml": """apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: apps, namespace: flux-system}
spec: {url: "https://git:CANARY-01@github.com/acme/apps.git", ref: {branch: main}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: flux-system}
spec: {url: "https://user:CANARY-02@charts.example.com/stable?token=CANARY-03"}
---
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata: {name: oci, namespace: flux-system}
spec: {url: "oci://robot:CANARY-04@ghcr.io/acme/charts"}
""",
    "flux/release.yaml": """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: orders, namespace: orders, annotations: {note: CANARY-05}}
spec:
  chart:
    spec: {chart: "oci://u:CANARY-06@registry.example.com/orders", sourceRef: {kind: HelmRepository, name: charts}}
  values:
    database: {password: CANARY-07, url: "postgres://app:CANARY-08@db:5432/orders"}
""",
    "argo/apps.yaml": """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: root, namespace: argocd}
spec:
  project: default
  source: {repoURL: "https://x:CANARY-09@github.com/acme/apps.git", path: apps, targetRevision: main}
  destination: {server: "https://admin:CANARY-10@kube.example.com", namespace: apps}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: set, namespace: argocd}
spec:
  generators: [{list: {elements: [{token: CANARY-11}]}}]
  template:
    spec:
      sources: [{repoURL: "https://y:CANARY-12@github.com/acme/more.git", path: more}]
      destination: {name: in-cluster, namespace: more}
""",
    "k8s/kustomization.yaml": """resources:
  - "https://u:CANARY-13@github.com/acme/base//deploy?ref=v1"
  - secret.yaml
secretGenerator:
  - name: app
    literals: [password=CANARY-14]
""",
    "k8s/secret.yaml": f"""apiVersion: v1
kind: Secret
metadata: {{name: app, namespace: app}}
data: {{password: {base64.b64encode(b"CANARY-15").decode()}}}
stringData: {{token: CANARY-16}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: cfg, namespace: app}}
data: {{DB_PASSWORD: CANARY-17}}
""",
    "k8s/secret.sops.yaml": """apiVersion: v1
kind: Secret
metadata: {name: sops, namespace: app}
data: {password: "ENC[AES256_GCM,data:CANARY-18,type:str]"}
sops: {mac: "ENC[AES256_GCM,data:CANARY-19]"}
""",
    "tf/main.tf": """module "db" {
  source  = "git::https://u:CANARY-20@github.com/acme/tf-db.git?ref=v1.2.0"
  version = "1.2.0"
}

module "zip" {
  source = "s3::https://b.s3.amazonaws.com/m.zip?X-Amz-Signature=CANARY-21"
}

terraform {
  required_providers {
    aws = { source = "https://u:CANARY-22@registry.example.com/hashicorp/aws", version = "~> 5.0" }
  }
  backend "s3" {
    access_key = "CANARY-23"
  }
}

provider "github" {
  token = "CANARY-24"
}

variable "db_password" {
  default   = "CANARY-25"
  sensitive = true
}

/* aws_s3_bucket.CANARY_26 in a block comment */
# aws_kms_key.CANARY_27 in a comment

resource "aws_iam_policy" "p" {
  name   = <<EOF
CANARY-28
EOF
  policy = <<-POLICY
    {"Resource": "${aws_s3_bucket.logs.arn}", "Note": "aws_iam_role.CANARY_29"}
  POLICY
  description = "password=CANARY-30"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

locals {
  script = <<EOT
aws_lambda_function.CANARY_31
EOT
}
""",
    "tf/prod.tfvars": 'db_password = "CANARY-32"\napi_token = <<EOT\nCANARY-33\nEOT\n',
    "tf/broken.tf": 'resource "aws_db_instance" "x" {\n  password = "CANARY-34"\n  = broken\n',
    "charts/app/Chart.yaml": """apiVersion: v2
name: app
version: 1.0.0
dependencies:
  - {name: redis, version: 17.0.0, repository: "https://u:CANARY-35@charts.example.com/bitnami"}
""",
    "charts/app/values.yaml": "auth: {token: CANARY-36}\nimage: {pullSecret: CANARY-37}\n",
    ".github/workflows/ci.yaml": """name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    env: {TOKEN: CANARY-38}
    steps:
      - uses: actions/checkout@v4
        with: {token: CANARY-39}
      - uses: "docker://u:CANARY-40@registry.example.com/tool:1"
      - run: echo CANARY-41
""",
    "CODEOWNERS": "# CANARY-42 in a comment\n* @acme/platform\n",
    "broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\ndata: {p: CANARY-43}\n",
    "tagged.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tagged}\ndata: {p: !vault CANARY-44}\n",
    ".infraplan.yaml": "environments: {prd: CANARY-45}\nrole: CANARY-46\n",
}
CANARIES = sorted({m for text in FILES.values() for m in re.findall(r"CANARY[-_]\d+", text)})


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("canaries") / "repo"
    for path, text in FILES.items():
        write(root / path, text)
    return root


def test_every_canary_is_planted() -> None:
    assert len(CANARIES) >= 40, CANARIES


def _leaks(text: str) -> list[str]:
    encoded = [base64.b64encode(c.encode()).decode()[:12] for c in CANARIES]
    return (
        [c for c in CANARIES if c in text]
        + [e for e in encoded if e in text]
        + (["CANARY"] if "CANARY" in text else [])
    )


def test_no_canary_in_cache_or_outputs(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    texts = []
    for args in (
        ["facts", f"canary={repo}", "--format", "json"],
        ["facts", f"canary={repo}", "--format", "table"],
        ["graph", f"canary={repo}", "--format", "json"],
        ["graph", f"canary={repo}", "--format", "dot"],
        ["graph", f"canary={repo}", "--format", "mermaid"],
        ["plan", str(RDS), "--repo", f"canary={repo}", "--format", "json"],
        ["plan", str(RDS), "--repo", f"canary={repo}"],
    ):
        ran = hostile(*args, "--cache-dir", str(cache))
        assert ran.returncode == 0, ran.stderr
        texts.append(ran.stdout + ran.stderr)
    facts = json.loads(texts[0])
    # the files were read: their facts are there, without the secrets
    assert (
        "aws_iam_policy" in texts[0]
        and "GitRepository" in texts[0]
        and "@acme/platform" in texts[0]
    )
    assert any("not valid HCL" in d["reason"] for d in facts["diagnostics"])
    for path in cache.rglob("*"):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
            if path.suffix == ".sqlite3":
                with sqlite3.connect(path) as db:
                    texts.extend(v for (v,) in db.execute("SELECT value FROM checked_facts"))
    assert _leaks("\n".join(texts)) == []
    # credentials are stripped from URLs, not the URLs dropped
    assert "https://***@github.com/acme/apps.git" in "\n".join(texts)


def test_no_canary_in_a_prompt(repo: Path, kb: KnowledgeBase) -> None:
    estate = scan_estate([RepoSpec("canary", repo)], kb.knowledge, ScanOptions())
    spec = load_spec(RDS, kb.knowledge)
    plan = build_plan(spec, kb, estate)
    asked = "\n".join(prompts(plan).values())
    assert "Decision risk" in asked
    assert _leaks(asked) == []
