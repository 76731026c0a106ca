"""`infraplan facts` on a generated organisation monorepo at several sizes: cold, warm and peak
memory, and how they grow.

    python bench/scale_bench.py                      # 1/3 and full size
    python bench/scale_bench.py --sizes 0.1 0.33     # smaller points on a busy machine
    python bench/scale_bench.py --keep /tmp/mono     # keep the generated trees

Full size is ~10,000 Terraform files (`.tf`, every one unique: no content digest repeats) in
modules and live roots, and over 10,000 YAML documents (Flux Kustomizations and HelmReleases,
Deployments, Services, ConfigMaps, kustomizations, values) in a git work tree. Each run is a
fresh `python -m engine facts --format json --jobs N` process; cold has an empty cache folder,
warm runs again over it. Peak memory is the largest resident set of the run's processes.

Targets (issue 15) on two cores at full size: cold ≤ 120 s, warm ≤ 5 s, peak RSS ≤ 300 MB, and
growth no worse than linear (+15%): time per file at full size ≤ 1.15× time per file at 1/3.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from facts_bench import run_once

FULL_TF = 10_000
FULL_DOCS = 10_500

_TF = """terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws", version = "~> 5.{minor}" }}
  }}
}}

variable "name_{i}" {{
  type    = string
  default = "svc-{i}"
}}

resource "aws_security_group" "sg_{i}" {{
  name   = "${{var.name_{i}}}-sg"
  vpc_id = var.vpc_id
  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["10.{a}.{b}.0/24"]
  }}
  tags = {{ team = "team-{team}", service = "svc-{i}" }}
}}

resource "aws_iam_role" "role_{i}" {{
  name               = "svc-{i}-role"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}}

output "sg_{i}" {{
  value = aws_security_group.sg_{i}.id
}}
"""

_ROOT = """terraform {{
  backend "s3" {{
    bucket = "acme-tfstate-{env}"
    key    = "team-{team}/{env}/terraform.tfstate"
    region = "eu-west-1"
  }}
}}

provider "aws" {{
  region = "eu-west-1"
}}

module "service_{i}" {{
  source  = "../../modules/team-{team}/module-{m}"
  vpc_id  = "vpc-{i:08x}"
  enabled = true
}}

resource "helm_release" "agent_{i}" {{
  name       = "agent-{i}"
  chart      = "agent"
  repository = "https://charts.example.com"
  version    = "1.{minor}.{i}"
}}
"""

_DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{team}
  labels: {{app: app-{i}, team: team-{team}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}}}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/team-{team}/app-{i}:1.{i}.0
          ports: [{{containerPort: {port}}}]
---
apiVersion: v1
kind: Service
metadata: {{name: app-{i}, namespace: team-{team}}}
spec:
  selector: {{app: app-{i}}}
  ports: [{{port: 80, targetPort: {port}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: app-{i}-config, namespace: team-{team}}}
data: {{LOG_LEVEL: info, SERVICE: app-{i}}}
"""

_RELEASE = """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: addon-{i}
  namespace: team-{team}
spec:
  interval: 10m
  chart:
    spec:
      chart: addon-{i}
      version: "2.{i}.0"
      sourceRef: {{kind: HelmRepository, name: charts, namespace: flux-system}}
  values:
    replicaCount: {replicas}
"""

_FLUX = """apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: team-{team}-{env}
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/{env}/team-{team}
  prune: true
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""


def generate(root: Path, fraction: float) -> tuple[int, int]:
    """The monorepo at `fraction` of full size; returns (.tf files, YAML documents)."""
    tf_files = docs = 0
    want_tf = int(FULL_TF * fraction)
    want_docs = int(FULL_DOCS * fraction)
    teams = max(2, int(40 * fraction))
    i = 0
    while tf_files < want_tf:
        team, m = i % teams, i // (teams * 8)
        if i % 10 == 9:  # a live root calling a module, with a helm_release
            env = ("dev", "staging", "prod")[i % 3]
            folder = root / "terraform" / "live" / env / f"team-{team}" / f"svc-{i}"
            text = _ROOT.format(i=i, team=team, env=env, m=m, minor=i % 60)
        else:
            folder = root / "terraform" / "modules" / f"team-{team}" / f"module-{m}"
            text = _TF.format(
                i=i, team=team, port=1024 + i % 50000, a=i % 250, b=(i // 250) % 250, minor=i % 60
            )
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"svc-{i}.tf").write_text(text)
        tf_files += 1
        i += 1
    j = 0
    while docs < want_docs:
        team, env = j % teams, ("dev", "staging", "prod")[j % 3]
        folder = root / "clusters" / env / f"team-{team}"
        folder.mkdir(parents=True, exist_ok=True)
        if j % 7 == 6:
            (folder / f"release-{j}.yaml").write_text(
                _RELEASE.format(i=j, team=team, replicas=1 + j % 5)
            )
            docs += 1
        else:
            (folder / f"app-{j}.yaml").write_text(
                _DEPLOY.format(i=j, team=team, replicas=1 + j % 5, port=8000 + j % 1000)
            )
            docs += 3
        j += 1
    flux = root / "clusters" / "flux-system"
    flux.mkdir(parents=True, exist_ok=True)
    for env in ("dev", "staging", "prod"):
        for team in range(teams):
            (flux / f"team-{team}-{env}.yaml").write_text(_FLUX.format(team=team, env=env))
            docs += 1
    subprocess.run(["git", "init", "-q"], cwd=root, check=False)
    return tf_files, docs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=float, nargs="+", default=[1 / 3, 1.0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="Generate under this folder and keep it.")
    opts = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="infraplan-scale-") as tmp:
        base = opts.keep or Path(tmp)
        for fraction in opts.sizes:
            root = base / f"mono-{fraction:.3f}"
            if not root.exists():
                root.mkdir(parents=True)
                counts = generate(root, fraction)
            else:
                counts = (len(list(root.rglob("*.tf"))), -1)
            cache = Path(tmp) / f"cache-{fraction:.3f}"
            args = [f"mono={root}", "--format", "json", "--jobs", str(opts.jobs)]
            cold = run_once([*args, "--cache-dir", str(cache)])
            warm = run_once([*args, "--cache-dir", str(cache)])
            files = counts[0] + len(list(root.rglob("*.yaml")))
            rows.append((fraction, counts, files, cold, warm))
    print(f"generated organisation monorepo; --jobs {opts.jobs}; one run each")
    print()
    print(
        "| size | .tf files | YAML documents | cold (s) | cold CPU (s) | warm (s) | warm CPU (s) "
        "| peak RSS cold (MB) | peak RSS warm (MB) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for fraction, (tf, docs), _, cold, warm in rows:
        print(
            f"| {fraction:.3g} | {tf} | {docs} | {cold[0]:.1f} | {cold[2]:.1f} | {warm[0]:.2f} "
            f"| {warm[2]:.2f} | {cold[1] / 1024:.0f} | {warm[1] / 1024:.0f} |"
        )
    if len(rows) > 1:
        (f0, _, n0, c0, w0), (f1, _, n1, c1, w1) = rows[0], rows[-1]
        print()
        print(
            f"growth {f0:.3g} → {f1:.3g} (per file): cold {c1[0] / n1 / (c0[0] / n0):.2f}×, "
            f"warm {w1[0] / n1 / (w0[0] / n0):.2f}×, peak RSS {c1[1] / c0[1]:.2f}× for "
            f"{n1 / n0:.2f}× the files"
        )
    print()
    print(json.dumps([{"size": r[0], "cold": r[3], "warm": r[4]} for r in rows]))


if __name__ == "__main__":
    main()
