"""The estate summary the `facts` command reports: what infraplan found, counted (docs/facts.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from engine.estate.model import Estate
from engine.knowledge.reading import ReadsEstate

FACTS_SCHEMA_VERSION = "1"


def estate_summary(estate: Estate, knowledge: ReadsEstate) -> dict[str, Any]:
    objects = estate.cluster_objects()
    env_order = [e.id for e in knowledge.environments]
    live = estate.live_objects()
    blocks = [
        b
        for b in estate.terraform
        if b.block in {"resource", "data", "module"}
        and b.delivery.live is not False
        and not b.delivery.kept_apart
    ]
    environments = {e for o in live for e in o.environments} | {
        e for b in blocks for e in b.environments
    }
    clusters = {c.name for c in estate.clusters}
    delivered = [o.delivery for o in estate.objects if o.role == "object"] + [
        b.delivery for b in estate.terraform if b.block in {"resource", "data", "module"}
    ]
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
            "live": dict(
                sorted(
                    Counter(
                        {True: "true", False: "false", None: "null"}[d.live] for d in delivered
                    ).items()
                )
            ),
            "kept_apart": dict(
                sorted(Counter(d.kept_apart for d in delivered if d.kept_apart).items())
            ),
            "delivered_by": dict(sorted(Counter(d.delivered_by for d in delivered).items())),
        },
        "environments": sorted(
            environments,
            key=lambda e: (env_order.index(e) if e in env_order else len(env_order), e),
        ),
        "clusters": sorted(clusters),
        "owners": sorted(owners),
        "diagnostics": [d.model_dump(mode="json") for d in estate.diagnostics],
    }
