"""Upgrade paths from knowledge: for each subject the estate runs, its installed versions, the
target the request names, the hops between them (one minor at a time for Kubernetes, through the
stop versions of knowledge/tools.yaml for the others), the notes of every version crossed, its
objects on deprecated or removed API versions, and the order the upgrade goes in."""

from __future__ import annotations

import itertools
import re

from pydantic import Field

from engine.core.models import Out
from engine.estate.model import Estate, K8sObject, TerraformFact
from engine.knowledge.grounding import Tool
from engine.knowledge.model import Knowledge
from engine.match.constraints import admits
from engine.match.major import InputChange, crosses_major, input_changes, major_checks
from engine.match.probes import considered
from engine.match.reach import Reach
from engine.match.subject import InstalledVersion, Subject, is_installation
from engine.match.upgrades import upgrade_findings

_VERSION = re.compile(r"v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+))?")


class VersionNote(Out):
    version: str
    note: str


class UpgradePath(Out):
    """How one subject gets from what the estate runs to the version the request names."""

    subject: str
    tool: str
    installed: list[InstalledVersion] = Field(default_factory=list)
    target: str = ""
    comparable: bool = Field(
        default=False,
        description="installed and target versions are both known and of the same numbering",
    )
    chart_numbered: bool = False  # installed versions are of a chart numbered apart from the tool
    at_target: bool = False  # every installed version is at or past the target
    behind: int = 0  # installations below the target
    hops: list[str] = Field(default_factory=list)  # "1.29 → 1.30"
    notes: list[VersionNote] = Field(default_factory=list)
    objects: int = 0  # the subject's cluster objects
    old_apis: list[str] = Field(default_factory=list)  # its objects on deprecated/removed APIs
    order: list[str] = Field(default_factory=list)  # the sequence the upgrade goes in
    excluded_by: list[str] = Field(
        default_factory=list,
        description="version constraints (repo/path:line) that do not admit the target: "
        "their edit is a step of the upgrade",
    )
    changes: list[InputChange] = Field(
        default_factory=list,
        description="Terraform inputs a hop to another major version changes with it, where "
        "the estate writes them",
    )
    checks: list[str] = Field(
        default_factory=list, description="what to do before a hop to another major version"
    )


def parse_version(value: str, major: bool = False) -> tuple[int, int, int] | None:
    """(major, minor, patch) of a version or a constraint's first bound; None when the value
    names no minor version (`1.x`, `latest`) — unless `major`: a bare number names a major
    version (PostgreSQL 16)."""
    found = _VERSION.search(value)
    if not found or found.group(2) in {"x", "*"}:
        return None
    if found.group(2) is None:
        return (int(found.group(1)), 0, 0) if major and not found.group(3) else None
    return int(found.group(1)), int(found.group(2)), int(found.group(3) or 0)


def tool_version(tool: Tool, value: str) -> tuple[int, int, int] | None:
    """A version of a tool, numbered its way (a bare major for a tool that hops by majors)."""
    return parse_version(value, major=tool.hop == "major")


def _short(v: tuple[int, int, int]) -> str:
    return f"{v[0]}.{v[1]}" + (f".{v[2]}" if v[2] else "")


def _hops(
    tool: Tool,
    low: tuple[int, int, int],
    low_text: str,
    target: tuple[int, int, int],
    target_text: str,
) -> list[str]:
    if low[:2] >= target[:2]:
        return []
    stops: list[tuple[tuple[int, int, int], str]] = []
    if tool.hop == "minor" and low[0] == target[0]:
        stops = [((low[0], m, 0), f"{low[0]}.{m}") for m in range(low[1] + 1, target[1])]
    else:
        for note in tool.notes:
            v = tool_version(tool, note.version)
            if note.stop and v is not None and low[:2] < v[:2] < target[:2]:
                stops.append((v, note.version))
    points = [low_text, *[s for _, s in sorted(stops)], target_text]
    return [f"{a} → {b}" for a, b in itertools.pairwise(points)]


class Hop(Out):
    """One hop of an installation's upgrade: `0.9.20 → 0.16`, to `0.16`; `one_way` says why it
    cannot be undone by pinning the previous version (knowledge/tools.yaml), when it cannot."""

    text: str
    to: str
    one_way: str = ""
    also: str = ""  # what changes with it: the inputs of a hop to another major version
    checks: list[str] = Field(default_factory=list)  # what to do before it (a major hop)


def installation_hops(tool: Tool, installed: str, target_text: str) -> list[Hop]:
    """The hops of one installation from the version it runs to the target (none when either
    is unknown or it is already there)."""
    low, target = tool_version(tool, installed), tool_version(tool, target_text)
    if low is None or target is None:
        return []
    low_text = _short(low) if tool.hop == "minor" else installed
    out = []
    for text in _hops(tool, low, low_text, target, target_text):
        to = text.rsplit(" → ", 1)[-1]
        v = tool_version(tool, to)
        one_way = next(
            (
                n.one_way
                for n in tool.notes
                if n.one_way and v is not None and tool_version(tool, n.version) == v
            ),
            "",
        )
        out.append(Hop(text=text, to=to, one_way=one_way))
    return out


def _notes(
    tool: Tool, low: tuple[int, int, int] | None, target: tuple[int, int, int] | None
) -> list[VersionNote]:
    out = []
    for note in tool.notes:
        v = tool_version(tool, note.version)
        if v is None:
            continue
        after_low = low is None or v[:2] > low[:2]
        up_to_target = target is None or v[:2] <= target[:2]
        if after_low and up_to_target:
            out.append(VersionNote(version=note.version, note=note.note))
    return out


def upgrade_path(
    subject: Subject, tool: Tool, target_text: str, estate: Estate, knowledge: Knowledge
) -> UpgradePath:
    target = tool_version(tool, target_text) if target_text else None
    versions = [(tool_version(tool, i.value), i) for i in subject.installed]
    known = [(v, i) for v, i in versions if v is not None]
    # a plain manifest declares the tool's own version (image tag, version label), comparable
    # with the request's even when the tool's chart is numbered apart
    own = bool(known) and all(i.attribute == "app_version" for _, i in known)
    comparable = (
        bool(known) and target is not None and (tool.app_version or bool(tool.names) or own)
    )
    low = min(known, key=lambda k: k[0])[0] if known else None
    low_text = (
        _short(low)
        if low is not None and tool.hop == "minor"
        else min(known, key=lambda k: k[0])[1].value
        if known
        else ""
    )
    by_id = {o.where: o for o in estate.objects}
    old = [
        f.id
        for f in upgrade_findings(estate, knowledge, [tool.id])
        if f.id in by_id and considered(by_id[f.id].delivery)
    ]
    crossing = target is not None and crosses_major([v for v, _ in known], target)
    items: list[K8sObject | TerraformFact] = [*estate.cluster_objects(), *estate.terraform]
    installations = [i for i in items if considered(i.delivery) and is_installation(tool, i)]
    installed = [
        i.model_copy(
            update={"hops": [h.text for h in installation_hops(tool, i.value, target_text)]}
        )
        if comparable
        else i
        for i in subject.installed
    ]
    return UpgradePath(
        subject=subject.name,
        tool=tool.id,
        installed=installed,
        target=target_text,
        comparable=comparable,
        chart_numbered=not tool.app_version and not tool.names and not own,
        at_target=comparable and all(v >= target for v, _ in known) and len(known) == len(versions),  # type: ignore[operator]
        behind=sum(1 for v, _ in known if target is not None and v < target) if comparable else 0,
        hops=_hops(tool, low, low_text, target, target_text)
        if comparable and low is not None and target is not None
        else [],
        notes=_notes(tool, low if ((tool.app_version or own) and low is not None) else None, target)
        if tool.app_version or target is not None
        else _notes(tool, None, None),
        objects=subject.objects,
        old_apis=old,
        order=[s.title for s in tool.sequence],
        excluded_by=[
            c.at
            for c in subject.constraints
            if target is not None and admits(c.value, target) is False
        ],
        changes=input_changes(tool, estate, min(v[0] for v, _ in known), str(target[0]))
        if crossing and target is not None
        else [],
        checks=major_checks(tool, installations, low_text, target_text) if crossing else [],
    )


def upgrade_paths(
    subjects: list[Subject],
    target: str,
    estate: Estate,
    knowledge: Knowledge,
    reach: Reach | None = None,
) -> list[UpgradePath]:
    """The upgrade path of every subject the estate runs, from its installations within the
    change's reach (`reach`: the spec's environments; all of them when none is within)."""
    tools = {t.id: t for t in knowledge.tools}
    out = []
    for s in subjects:
        if not s.present:
            continue
        inside = [i for i in s.installed if not (reach and reach.outside_place(i.where))]
        s = s.model_copy(update={"installed": inside or s.installed})
        out.append(upgrade_path(s, tools[s.tool], target, estate, knowledge))
    return out
