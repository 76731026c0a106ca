"""Regenerate the golden plans: `python tests/golden/regenerate.py`.

Golden plans are whole plans, Markdown and JSON, for the seed's five trigger sentences and the
three example specs, planned against the example estate (examples/estate). Review the diff of
a regeneration like any other change: it is what users will see.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
ESTATE = ROOT / "examples" / "estate"
REPOS = [
    arg
    for name in ("infra-tf", "infra-flux", "deployments")
    for arg in ("--repo", f"{name}={ESTATE / name}")
]

REQUESTS = {
    "trigger-rds-rotation": "I want to add RDS rotation to my secret management system",
    "trigger-database-backup": "Need to implement automated backup solution for databases",
    "trigger-cost-optimization": "Want to add cost optimization features to our infrastructure",
    "trigger-monitoring-tools": "Plan to integrate new monitoring tools into our stack",
    "trigger-security-scanning": "Need to enhance security with additional scanning tools",
    "spec-rds-rotation": "examples/specs/rds-rotation.yaml",
    "spec-karpenter-upgrade": "examples/specs/karpenter-upgrade.yaml",
    "spec-victoriametrics-upgrade": "examples/specs/victoriametrics-upgrade.yaml",
}


def command(request: str, fmt: str) -> list[str]:
    return ["plan", request, *REPOS, "--format", fmt, "--no-cache"]


def main() -> None:
    for name, request in REQUESTS.items():
        for fmt, suffix in (("markdown", "md"), ("json", "json")):
            out = subprocess.run(
                [sys.executable, "-m", "engine", *command(request, fmt)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            (GOLDEN / f"{name}.{suffix}").write_text(out.stdout, encoding="utf-8")
            print(f"wrote tests/golden/{name}.{suffix}")


if __name__ == "__main__":
    main()
