"""The current state a plan starts from: what the estate runs today where the change lands — the
subjects' installed versions, the versions at its integration points, the API versions in use,
cluster versions, and the settings of knowledge/current-state.yaml (capacity types, rotation,
encryption, backups) — each `{subject, attribute, value, at}`; and, for the rules, how many of
what each setting belongs to have it."""

from __future__ import annotations

from collections.abc import Iterable

from engine.core.models import Out
from engine.estate.model import Estate, K8sObject, TerraformFact
from engine.knowledge.grounding import Setting
from engine.knowledge.model import Knowledge, Pattern
from engine.match.impact import IntegrationPoint
from engine.match.probes import considered
from engine.match.reach import Reach
from engine.match.subject import Subject, matches

MAX_STATE_ENTRIES = 80


class StateEntry(Out):
    """One fact of the current state."""

    subject: str
    attribute: str
    value: str
    at: str  # repo/path:line


class SettingCount(Out):
    """How many of what a setting belongs to have it (knowledge/current-state.yaml)."""

    name: str
    count: int  # objects or blocks with the setting
    total: int  # objects or blocks it belongs to
    unset: int  # objects that do not set the field at all
    evidence: list[str]


def _items(estate: Estate) -> list[K8sObject | TerraformFact]:
    items: list[K8sObject | TerraformFact] = [*estate.cluster_objects(), *estate.terraform]
    return [i for i in items if considered(i.delivery)]


def _detail_values(item: K8sObject | TerraformFact, field: str) -> list[str] | None:
    detail = getattr(item, "detail", None)
    if detail is None or not hasattr(detail, field):
        return None
    value = getattr(detail, field)
    return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []


def _has(setting: Setting, item: K8sObject | TerraformFact) -> str:
    """The setting's value on an item ("" when the item does not have it)."""
    if setting.detail and isinstance(item, K8sObject) and item.kind in setting.kinds:
        values = _detail_values(item, setting.detail) or []
        return ", ".join(values) if setting.contains in values else ""
    if isinstance(item, TerraformFact):
        if setting.terraform and item.block == "resource" and item.type in setting.terraform:
            return setting.value
        if setting.inputs and all(item.inputs.get(k) == v for k, v in setting.inputs.items()):
            return ", ".join(setting.inputs.values())
        for inputs in setting.any_inputs:  # the first set it has, said as written
            if inputs and all(item.inputs.get(k) == v for k, v in inputs.items()):
                return ", ".join(f"{k} = {v}" for k, v in inputs.items())
        shown = [item.inputs[k] for k in setting.shows if item.inputs.get(k)]
        if shown:  # an input named this specifically holds the setting, whatever the block
            return shown[0]
    return ""


def _name(item: K8sObject | TerraformFact) -> str:
    if isinstance(item, K8sObject):
        return f"{item.kind} {item.namespace + '/' if item.namespace else ''}{item.name}"
    return item.address


def setting_counts(estate: Estate, knowledge: Knowledge) -> list[SettingCount]:
    """Every setting of the knowledge, counted (0 included: absence is data)."""
    items = _items(estate)
    out = []
    for s in knowledge.settings:
        having = [i for i in items if _has(s, i)]
        of = [i for i in items if matches(s.of, i)]
        # an object whose detail was not read (a manifest embedded in HCL) is unknown, not unset
        unset = [
            i
            for i in of
            if s.detail and isinstance(i, K8sObject) and _detail_values(i, s.detail) == []
        ]
        lacking = [i for i in of if i not in having]
        out.append(
            SettingCount(
                name=s.id,
                count=len(having),
                total=len(of),
                unset=len(unset),
                # what lacks it when something does (where the change lands), else what has it
                evidence=sorted(i.where for i in (unset or lacking or having)),
            )
        )
    return out


def _placed(item: K8sObject | TerraformFact) -> tuple[list[str], list[str]]:
    """An object's or block's environments and clusters."""
    if isinstance(item, TerraformFact):
        return [*item.environments, item.environment], item.clusters
    return item.environments, item.clusters


def _setting_entries(
    estate: Estate, settings: Iterable[Setting], reach: Reach | None = None
) -> list[StateEntry]:
    out = []
    items = [i for i in _items(estate) if not (reach and reach.outside(*_placed(i)))]
    for s in settings:
        for i in items:
            value = _has(s, i)
            if not value and s.detail and isinstance(i, K8sObject) and i.kind in s.kinds:
                values = _detail_values(i, s.detail)
                if values is not None:  # None: the detail was not read (unknown, not unset)
                    value = ", ".join(values) if values else s.unset
            elif not value and not s.detail and s.unset and matches(s.of, i):
                value = s.unset  # what the setting belongs to, without it
            if value:
                out.append(
                    StateEntry(subject=_name(i), attribute=s.attribute, value=value, at=i.where)
                )
    return out


def current_state(
    estate: Estate,
    knowledge: Knowledge,
    pattern: Pattern | None,
    points: list[IntegrationPoint],
    subjects: list[Subject],
    reach: Reach | None = None,
) -> list[StateEntry]:
    """What the estate runs where the change lands, sorted by subject and attribute; nothing
    placed only outside the change's reach (`reach`: the spec's environments)."""
    installed = {(i.at, i.value) for s in subjects for i in s.installed}
    at_points = {p.id for p in points}
    clusters = {c for p in points for c in p.clusters}
    out: list[StateEntry] = []
    for r in estate.versions:
        if r.live is False or r.attribute == "api_version":
            continue
        if reach and reach.outside([r.environment], [r.cluster]):
            continue
        if (
            (r.at, r.value) in installed
            or (r.at in at_points and not r.path.endswith("Chart.yaml"))
            or r.of in at_points  # a value set for it elsewhere (a root's tfvars)
            or (r.attribute == "kubernetes_version" and r.subject in clusters)
        ):
            # `module envs/dev: provider.aws` is provider.aws (`at` says which root)
            subject = r.subject.rsplit(": ", 1)[-1]
            out.append(StateEntry(subject=subject, attribute=r.attribute, value=r.value, at=r.at))
    # API versions in use, per kind the change touches (its points' and its subjects' kinds)
    tools = {t.id: t for t in knowledge.tools}
    shown = {
        x
        for s in subjects
        if s.kind == "tool" and not tools[s.tool].runs_with_objects
        for x in s.evidence
    }
    kinds = {p.kind for p in points} | {
        o.kind for o in estate.cluster_objects() if o.where in shown
    }
    seen: set[tuple[str, str]] = set()
    for o in sorted(estate.cluster_objects(), key=lambda o: o.where):
        if reach and reach.outside(o.environments, o.clusters):
            continue
        if o.kind in kinds and considered(o.delivery) and (o.kind, o.api_version) not in seen:
            seen.add((o.kind, o.api_version))
            out.append(
                StateEntry(subject=o.kind, attribute="api_version", value=o.api_version, at=o.where)
            )
    asked = set(pattern.probes) if pattern is not None else set()
    out += _setting_entries(estate, (s for s in knowledge.settings if asked & set(s.probes)), reach)
    unique = {(e.subject, e.attribute, e.value, e.at): e for e in out}
    ordered = sorted(unique.values(), key=lambda e: (e.subject, e.attribute, e.at, e.value))
    return ordered[:MAX_STATE_ENTRIES]


MAX_SHARED = 10


class SharedFile(Out):
    """Files the change edits that the same environments beyond one stage apply (engine/facts:
    `shared`), grouped by those environments."""

    paths: list[str]  # repo/path:line of the first point in each file
    merged: bool
    asked: list[str]
    outside: list[str]  # environments (with their clusters) outside `asked`
    reaches: list[str]  # every environment (with its clusters) applying them

    @property
    def named(self) -> str:
        """`a.yaml`, `a.yaml and b.yaml`, `a.yaml, b.yaml and 3 more file(s)`."""
        files = [p.rsplit(":", 1)[0] for p in self.paths]
        if len(files) <= 2:
            return " and ".join(files)
        return f"{files[0]}, {files[1]} and {len(files) - 2} more file(s)"


def shared_files(
    points: list[IntegrationPoint], estate: Estate, declared: list[str], merging: set[str]
) -> list[SharedFile]:
    """Files of the change's points that environments beyond one stage apply: outside the
    environments the spec declares, or — with none declared — more than one, so one merge
    reaches every one of them (`merging`: the controllers that apply what is merged, Flux and
    Argo CD) or the next apply of each root takes it (a Terraform module)."""
    items = {o.where: o for o in estate.objects} | {b.where: b for b in estate.terraform}
    cluster_env = {c.name: c.environment for c in estate.clusters}
    groups: dict[tuple[bool, tuple[str, ...], tuple[str, ...]], list[str]] = {}
    seen: set[str] = set()
    for p in sorted(points, key=lambda p: p.id):
        item = items.get(p.id)
        if item is None or p.repo + "/" + p.path in seen:
            continue
        seen.add(p.repo + "/" + p.path)
        in_clusters = {cluster_env[c] for c in p.clusters if cluster_env.get(c)}
        envs = sorted(set(p.environments) | in_clusters)
        merged = item.delivery.delivered_by in merging
        if len(envs) < 2 or not (merged or isinstance(item, TerraformFact)):
            continue
        label = {
            e: e
            + (
                f" ({', '.join(cs)})"
                if (cs := sorted(c for c in p.clusters if cluster_env.get(c) == e))
                else ""
            )
            for e in envs
        }
        outside = [label[e] for e in envs if declared and e not in declared]
        if (declared and not outside) or (not declared and not merged):
            continue  # each root's own apply stages a module change
        key = (merged, tuple(outside), tuple(label[e] for e in envs))
        groups.setdefault(key, []).append(p.id)
    return [
        SharedFile(
            paths=paths, merged=merged, asked=list(declared), outside=list(out), reaches=list(r)
        )
        for (merged, out, r), paths in sorted(groups.items())
    ][:MAX_SHARED]
