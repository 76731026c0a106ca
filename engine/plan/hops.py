"""The hops of each installation an upgrade moves, in the rollout: from the version it runs to
the target — one list per installation, and, where its version differs from one environment or
cluster to another, one per place, so that each stage hops from its own version (a staging
root already on 1.0.6 is not taken through prod's 0.37 → 1.0)."""

from __future__ import annotations

from engine.estate.model import Estate
from engine.knowledge.model import Knowledge
from engine.match.subject import Subject
from engine.match.upgrade_path import Hop, UpgradePath, installation_hops, parse_version
from engine.plan.rollout import Placed, Target


def _moving(subjects: list[Subject], paths: list[UpgradePath]) -> list[tuple[Subject, UpgradePath]]:
    """The subjects an upgrade moves, with their paths: comparable, and behind somewhere."""
    out = []
    for s in subjects:
        path = next((p for p in paths if p.subject == s.name and p.tool == s.tool), None)
        if path is not None and path.comparable and path.hops:
            out.append((s, path))
    return out


def installation_hops_of(
    targets: list[Target], subjects: list[Subject], paths: list[UpgradePath], k: Knowledge
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
                out[t.id] = found or installation_hops(tools[s.tool], lowest, path.target)
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
    out: dict[str, dict[str, Placed]] = {}
    for s, path in _moving(subjects, paths):
        tool = tools[s.tool]
        for t in targets:
            if t.id not in s.installs:
                continue
            own = [
                (r.value, {r.cluster, r.environment})
                for r in estate.versions
                if r.attribute == tool.version_attribute
                and r.live is not False
                and (r.of or r.at) == t.id
            ]
            pairs = own or [(i.value, set(i.where.split(", "))) for i in path.installed]
            lowest: dict[str, str] = {}
            for value, where in pairs:
                version = parse_version(value)
                for place in (where | {cluster_envs.get(w, "") for w in where}) - {""}:
                    known = parse_version(lowest.get(place, ""))
                    if version is not None and (known is None or version < known):
                        lowest[place] = value
            if len(set(lowest.values())) < 2 and not own:
                continue  # one version everywhere: the installation's own hops serve
            out[t.id] = {
                place: Placed(
                    version=value if own else "",  # the subject's version is not the block's
                    hops=(found := installation_hops(tool, value, path.target)),
                    done="" if found else f"{value} is at or past the target {path.target} here",
                )
                for place, value in sorted(lowest.items())
            }
    return out
