"""Upgrade notes applied to an estate: objects on API versions a known upgrade deprecates or
removes (knowledge/upgrades.yaml)."""

from __future__ import annotations

from engine.core.models import Out
from engine.estate.model import Estate
from engine.knowledge.model import Knowledge


class UpgradeFinding(Out):
    """An object on an API version that a known upgrade deprecates or removes."""

    id: str
    tool: str
    kind: str
    name: str
    api_version: str
    replacement: str
    status: str
    since: str
    note: str
    environments: list[str]
    owners: list[str]


def upgrade_findings(
    estate: Estate, knowledge: Knowledge, tools: list[str]
) -> list[UpgradeFinding]:
    """Objects on API versions the known upgrades of `tools` deprecate or remove (all tools if empty)."""
    notes = [u for u in knowledge.upgrades if not tools or u.tool in tools]
    out = []
    for o in estate.objects:
        if o.role not in {"object", "patch"}:
            continue
        for u in notes:
            if o.api_version == u.api_version and u.kind in {o.kind, "*"}:
                out.append(
                    UpgradeFinding(
                        id=o.where,
                        tool=u.tool,
                        kind=o.kind,
                        name=o.name,
                        api_version=o.api_version,
                        replacement=u.replacement,
                        status=u.status,
                        since=u.since,
                        note=u.note,
                        environments=o.environments,
                        owners=o.owners,
                    )
                )
                break
    return sorted(out, key=lambda f: (f.status != "removed", f.tool, f.id))
