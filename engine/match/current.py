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


def _setting_entries(estate: Estate, settings: Iterable[Setting]) -> list[StateEntry]:
    out = []
    items = _items(estate)
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
) -> list[StateEntry]:
    """What the estate runs where the change lands, sorted by subject and attribute."""
    installed = {(i.at, i.value) for s in subjects for i in s.installed}
    at_points = {p.id for p in points}
    clusters = {c for p in points for c in p.clusters}
    out: list[StateEntry] = []
    for r in estate.versions:
        if r.live is False or r.attribute == "api_version":
            continue
        if (
            (r.at, r.value) in installed
            or (r.at in at_points and not r.path.endswith("Chart.yaml"))
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
        if o.kind in kinds and considered(o.delivery) and (o.kind, o.api_version) not in seen:
            seen.add((o.kind, o.api_version))
            out.append(
                StateEntry(subject=o.kind, attribute="api_version", value=o.api_version, at=o.where)
            )
    asked = set(pattern.probes) if pattern is not None else set()
    out += _setting_entries(estate, (s for s in knowledge.settings if asked & set(s.probes)))
    unique = {(e.subject, e.attribute, e.value, e.at): e for e in out}
    ordered = sorted(unique.values(), key=lambda e: (e.subject, e.attribute, e.at, e.value))
    return ordered[:MAX_STATE_ENTRIES]
