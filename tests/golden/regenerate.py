"""Regenerate the golden plans: `python tests/golden/regenerate.py`.

Golden plans are whole plans, Markdown and JSON, for the seed's five trigger sentences and the
three example specs, planned against the example estate (examples/estate). They are built
in-process, each plan once for both formats, exactly as `infraplan plan ... --no-cache` builds
them from the project folder. Review the diff of a regeneration like any other change: it is
what users will see.
"""

from __future__ import annotations

import os
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
    """The command line that makes a golden plan (for documentation and CLI tests)."""
    return ["plan", request, *REPOS, "--format", fmt, "--no-cache"]


def build_all() -> dict[str, dict[str, str]]:
    """name → {"md": ..., "json": ...}: every golden plan, each built once, from the project root."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from engine.commands.common import read_request
    from engine.decide.base import load_knowledge_base
    from engine.estate.discover import parse_repo_args
    from engine.estate.scan import ScanOptions, scan_estate
    from engine.plan.build import build_plan
    from engine.render import PLAN_RENDERERS

    here = Path.cwd()
    os.chdir(ROOT)
    try:
        kb = load_knowledge_base()
        repos = parse_repo_args(REPOS[1::2])
        estate = scan_estate(repos, kb.knowledge, ScanOptions(cache_dir=None))
        out = {}
        for name, request in REQUESTS.items():
            loaded = read_request(request, kb.knowledge, [r.name for r in repos])
            plan = build_plan(loaded, kb, estate)
            out[name] = {
                "md": PLAN_RENDERERS["markdown"](plan),
                "json": PLAN_RENDERERS["json"](plan),
            }
        return out
    finally:
        os.chdir(here)


def main() -> None:
    for name, texts in build_all().items():
        for suffix, text in texts.items():
            (GOLDEN / f"{name}.{suffix}").write_text(text, encoding="utf-8")
            print(f"wrote tests/golden/{name}.{suffix}")


if __name__ == "__main__":
    main()
