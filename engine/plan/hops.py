"""The hops of each installation an upgrade moves, in the rollout: from the version it runs to
the target — one list per installation, and, where its version differs from one environment or
cluster to another, one per place, so that each stage hops from its own version (a staging
root already on 1.0.6 is not taken through prod's 0.37 → 1.0)."""

from __future__ import annotations

from engine.estate.model import Estate, K8sObject, TerraformFact, VersionRecord
from engine.knowledge.grounding import Tool
from engine.knowledge.model import Knowledge
from engine.match.major import major_checks
from engine.match.probes import considered
from engine.match.subject import Subject, is_installation
from engine.match.upgrade_path import Hop, UpgradePath, installation_hops, tool_version
from engine.plan.rollout import Placed, Target


def _moving(subjects: list[Subject], paths: list[UpgradePath]) -> list[tuple[Subject, UpgradePath]]:
    """The subjects an upgrade moves, with their paths: comparable, and behind somewhere."""
    out = []
    for s in subjects:
        path = next((p for p in paths if p.subject == s.name and p.tool == s.tool), None)
        if path is not None and path.comparable and path.hops:
            out.append((s, path))
    return out


def _with_major(tool: Tool, hops: list[Hop], path: UpgradePath, estate: Estate) -> list[Hop]:
    """Hops to another major version carry what changes with them and what comes before
    (checked from the version the hop starts at)."""
    if not (path.changes or path.checks):
        return hops  # nothing a major hop of this tool needs
    items: list[K8sObject | TerraformFact] = [*estate.cluster_objects(), *estate.terraform]
    installations = [i for i in items if considered(i.delivery) and is_installation(tool, i)]
    out = []
    for hop in hops:
        start, end = hop.text.split(" → ", 1)
        low, high = tool_version(tool, start), tool_version(tool, end)
        if low is not None and high is not None and low[0] < high[0]:
            also = ", ".join(c.said for c in path.changes)
            checks = major_checks(tool, installations, start, path.target)
            hop = hop.model_copy(update={"also": also, "checks": checks})
        out.append(hop)
    return out


def installation_hops_of(
    targets: list[Target],
    subjects: list[Subject],
    paths: list[UpgradePath],
    k: Knowledge,
    estate: Estate,
) -> dict[str, list[Hop]]:
    """The hops of each installation an upgrade moves: from the version it runs (the path's
    lowest installed version when its own is not known) to the target."""
    tools = {t.id: t for t in k.tools}
    out: dict[str, list[Hop]] = {}
    for s, path in _moving(subjects, paths):
        lowest = path.hops[0].split(" → ", 1)[0]
        for t in targets:
            if t.id in s.installs:
                found = installation_hops(tools[s.tool], t.version, path.target)
                found = found or installation_hops(tools[s.tool], lowest, path.target)
                out[t.id] = _with_major(tools[s.tool], found, path, estate)
    return out


def placed_hops(
    targets: list[Target],
    subjects: list[Subject],
    paths: list[UpgradePath],
    k: Knowledge,
    estate: Estate,
) -> dict[str, dict[str, Placed]]:
    """Each installation's version per environment and cluster, and its hops from there: from
    the versions recorded for its block (a module called by the staging root with 1.0.6 and by
    the prod root with 0.37.5), else from the subject's installed versions where they are; an
    installation at the target in one place is done there."""
    tools = {t.id: t for t in k.tools}
    cluster_envs = {c.name: c.environment for c in estate.clusters}
    by_block: dict[str, list[VersionRecord]] = {}
    for r in estate.versions:
        if r.live is not False:
            by_block.setdefault(r.of or r.at, []).append(r)
    out: dict[str, dict[str, Placed]] = {}
    for s, path in _moving(subjects, paths):
        tool = tools[s.tool]
        for t in targets:
            if t.id not in s.installs:
                continue
            own = [
                (r.value, {r.cluster, r.environment})
                for r in by_block.get(t.id, [])
                if r.attribute == tool.version_attribute
            ]
            pairs = own or [(i.value, set(i.where.split(", "))) for i in path.installed]
            lowest: dict[str, str] = {}
            for value, where in pairs:
                version = tool_version(tool, value)
                for place in (where | {cluster_envs.get(w, "") for w in where}) - {""}:
                    known = tool_version(tool, lowest.get(place, ""))
                    if version is not None and (known is None or version < known):
                        lowest[place] = value
            if len(set(lowest.values())) < 2 and not own:
                continue  # one version everywhere: the installation's own hops serve
            out[t.id] = {
                place: Placed(
                    version=value if own else "",  # the subject's version is not the block's
                    hops=(
                        found := _with_major(
                            tool, installation_hops(tool, value, path.target), path, estate
                        )
                    ),
                    done="" if found else f"{value} is at or past the target {path.target} here",
                )
                for place, value in sorted(lowest.items())
            }
    return out
