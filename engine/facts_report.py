"""The `facts` report: what infraplan found in an estate, counted (docs/facts-json.md)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from engine.estate import Estate
from engine.knowledge import Knowledge

FACTS_SCHEMA_VERSION = "1"


def facts_summary(estate: Estate, knowledge: Knowledge) -> dict[str, Any]:
    objects = estate.cluster_objects()
    env_order = [e.id for e in knowledge.environments]
    environments = (
        {o.environment for o in objects if o.environment}
        | {b.environment for b in estate.terraform if b.environment}
        | {t.environment for t in estate.tfvars if t.environment}
    )
    clusters = {c for o in objects for c in o.clusters}
    owners = {owner for rule in estate.codeowners for owner in rule.owners}
    return {
        "schema_version": FACTS_SCHEMA_VERSION,
        "repos": [r.model_dump(mode="json") for r in estate.repos],
        "counts": {
            "kinds": dict(sorted(Counter(o.kind for o in objects).items())),
            "terraform_resources": dict(
                sorted(Counter(b.type for b in estate.terraform if b.block == "resource").items())
            ),
            "terraform_data_sources": dict(
                sorted(Counter(b.type for b in estate.terraform if b.block == "data").items())
            ),
            "terraform_modules": sum(1 for b in estate.terraform if b.block == "module"),
            "terraform_variables": sum(1 for b in estate.terraform if b.block == "variable"),
            "roles": dict(sorted(Counter(o.role for o in estate.objects).items())),
            "charts": len(estate.charts),
            "workflows": len(estate.workflows),
            "skipped": dict(
                sorted(sum((Counter(r.skipped) for r in estate.repos), Counter()).items())
            ),
        },
        "environments": sorted(
            environments,
            key=lambda e: (env_order.index(e) if e in env_order else len(env_order), e),
        ),
        "clusters": sorted(clusters),
        "owners": sorted(owners),
        "diagnostics": [d.model_dump(mode="json") for d in estate.diagnostics],
    }


def render_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"


def render_table(summary: dict[str, Any]) -> str:
    lines: list[str] = []
    lines.append("repository                     role       files  digest")
    for r in summary["repos"]:
        lines.append(f"{r['name']:<30} {r['role']:<10} {r['files']:>5}  {r['digest'][:19]}")
    counts = summary["counts"]
    for title, table in (
        ("kind", counts["kinds"]),
        ("terraform resource", counts["terraform_resources"]),
    ):
        if table:
            lines.append("")
            width = max(len(title), *(len(k) for k in table))
            lines.append(f"{title:<{width}}  count")
            lines.extend(f"{k:<{width}}  {v:>5}" for k, v in table.items())
    lines.append("")
    lines.append(f"environments: {', '.join(summary['environments']) or '—'}")
    lines.append(f"clusters:     {', '.join(summary['clusters']) or '—'}")
    lines.append(f"owners:       {', '.join(summary['owners']) or '—'}")
    roles = ", ".join(f"{k} {v}" for k, v in counts["roles"].items())
    lines.append(
        f"objects:      {roles or '—'}; modules {counts['terraform_modules']}, charts {counts['charts']}, workflows {counts['workflows']}"
    )
    if counts["skipped"]:
        lines.append("skipped:      " + ", ".join(f"{k} {v}" for k, v in counts["skipped"].items()))
    diags = summary["diagnostics"]
    lines.append(f"diagnostics:  {len(diags)}")
    for d in diags:
        where = f"{d['repo']}/{d['path']}" + (f":{d['line']}" if d["line"] else "")
        lines.append(f"  {where}: {d['reason']}")
    return "\n".join(lines) + "\n"
