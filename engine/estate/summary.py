"""The estate summary the `facts` command reports: what infraplan found, counted (docs/facts.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from engine.estate.model import Estate
from engine.knowledge.model import Knowledge

FACTS_SCHEMA_VERSION = "1"


def estate_summary(estate: Estate, knowledge: Knowledge) -> dict[str, Any]:
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
