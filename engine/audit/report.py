"""A report across enhancements: folders of specs, and the plans beside them, in git.

Per enhancement: its category, risk and implementation strategy (the plan's decisions, else
what the spec declares), its status — `spec only`, `planned` (a plan that could not be replayed
here: its repositories were not given), `plan verified` (it replays), `plan drifted` (it does
not) — and the lead time from the spec's first commit to its plan's first commit. Totals by
category, risk and status. Everything is read from the files and git's recorded times: the same
folders give the same report on any machine.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic_core import from_json

from engine.audit.verify import compare, recompute
from engine.core import limits
from engine.core.errors import InputError, Problem
from engine.core.files import decode, read_bytes
from engine.core.models import Out
from engine.core.yamlsrc import load_file
from engine.decide.base import KnowledgeBase
from engine.estate.model import Estate
from engine.plan.model import Plan, read_plan
from engine.spec.history import first_commit, work_tree_of
from engine.spec.load import load_spec, stable_display
from engine.spec.model import LoadedSpec

STATUSES = ("spec only", "planned", "plan verified", "plan drifted")
UNDECIDED = "undecided"


class ReportEntry(Out):
    name: str
    spec: str  # relative to its git work tree, as plans name specs; "" for a plan from a sentence
    plan: str  # likewise, "" without a plan
    category: str
    risk: str
    strategy: str
    status: str
    why: str = ""  # what makes a plan planned or drifted
    spec_committed: str = ""  # the spec's first commit, ISO 8601 UTC
    plan_committed: str = ""
    lead_time_seconds: int | None = None
    lead_time: str = ""


class Report(Out):
    enhancements: list[ReportEntry]
    by_category: dict[str, int]
    by_risk: dict[str, int]
    by_status: dict[str, int]


# repositories a plan read → the estate of those (read once per set)
EstateFor = Callable[[tuple[str, ...]], Estate | None]


def _files(dirs: Sequence[Path]) -> list[Path]:
    found: set[Path] = set()
    for folder in dirs:
        if not folder.is_dir():
            raise InputError([Problem(str(folder), 0, 0, "not a folder")])
        for path in folder.rglob("*"):
            rel = path.relative_to(folder).parts
            if any(p.startswith(".") for p in rel) or not path.is_file():
                continue
            if path.suffix.lower() in {".yaml", ".yml", ".json"}:
                found.add(path.resolve())
    return sorted(found, key=lambda p: (stable_display(p), str(p)))


def _is_plan(path: Path) -> bool:
    """Whether a JSON file is a plan. One that is not JSON, or too big, or not UTF-8, is some
    other file (a tsconfig with comments, a package lock) and is skipped — unless it names the
    plan's version field, when it is a broken plan."""
    name = str(path)
    try:
        text = decode(
            read_bytes(path, limits.current().plan_bytes, name, "INFRAPLAN_MAX_PLAN_BYTES"), name
        )
    except InputError:
        return False
    try:
        raw = from_json(text)
    except ValueError:  # also nesting too deep to read: never a RecursionError
        if '"schema_version"' in text:
            raise InputError([Problem(name, 0, 0, "not JSON (a broken plan?)")]) from None
        return False
    return isinstance(raw, dict) and "schema_version" in raw and "inputs" in raw


def _is_spec(path: Path) -> bool:
    """Whether a YAML file is a spec; one that does not load is skipped unless it has a
    top-level `enhancement:` (a broken spec: its error names it)."""
    try:
        data, _ = load_file(path, str(path))
    except InputError:
        with path.open("rb") as f:
            head = f.read(1 << 16)
        if re.search(rb"^enhancement\s*:", head, re.M):
            raise
        return False
    return isinstance(data, dict) and "enhancement" in data


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lead_time_text(seconds: int) -> str:
    """`3d 4h`, `5h 12m`, `7m`: whole units, never negative."""
    seconds = max(seconds, 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {rest // 60}m" if hours else f"{rest // 60}m"


def _spec_of(plan: Plan, plan_path: Path, specs: dict[Path, LoadedSpec]) -> Path | None:
    recorded = plan.inputs.spec
    candidates = []
    if recorded.relative_to_plan:
        candidates.append(plan_path.parent / recorded.relative_to_plan)
    root = work_tree_of(plan_path)
    if root is not None and recorded.path:
        candidates.append(root / recorded.path)
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved in specs:
            return resolved
    return None


def _value(plan: Plan, dim: str) -> str:
    decision = plan.decisions.get(dim)
    value = decision.value if decision else None
    return value if isinstance(value, str) else ""


def _replay(
    plan: Plan, path: Path, kb: KnowledgeBase, given: set[str], estate_for: EstateFor
) -> tuple[str, str]:
    """(status, why) of a plan: replayed when every repository it read was given again."""
    names = tuple(sorted(r.name for r in plan.inputs.repositories))
    if set(names) - given:
        wanted = ", ".join(n for n in names if n not in given)
        return "planned", f"not replayed: give its repositories again (--repo {wanted})"
    result = compare(plan, recompute(plan, kb, estate_for(names) if names else None, path))
    if result.reproducible:
        return "plan verified", ""
    changed = result.changed_inputs or result.changed_decisions or result.changed_sections
    return "plan drifted", "; ".join(changed[:3]) + (" …" if len(changed) > 3 else "")


def build_report(
    dirs: Sequence[Path], kb: KnowledgeBase, given: set[str], estate_for: EstateFor
) -> Report:
    """The report over folders of specs and plans (see the module's docstring)."""
    specs: dict[Path, LoadedSpec] = {}
    plans: list[tuple[Path, Plan]] = []
    for path in _files(dirs):
        if path.suffix.lower() == ".json":
            if _is_plan(path):
                plans.append((path, read_plan(path)))
        elif _is_spec(path):
            specs[path] = load_spec(path, kb.knowledge, name_in_plan=stable_display(path))
    planned: dict[Path, list[tuple[Path, Plan]]] = {}
    loose: list[tuple[Path, Plan]] = []
    for path, plan in plans:
        spec = _spec_of(plan, path, specs) if not plan.inputs.request else None
        if spec is not None:
            planned.setdefault(spec, []).append((path, plan))
        else:
            loose.append((path, plan))
    entries = []
    for spec_path, loaded in specs.items():
        e = loaded.spec
        spec_commit = first_commit(spec_path)
        entry = ReportEntry(
            name=e.enhancement.name,
            spec=stable_display(spec_path),
            plan="",
            category=e.enhancement.category,
            risk=e.risk or "",
            strategy="",
            status="spec only",
            spec_committed=_when(spec_commit.time) if spec_commit else "",
        )
        if spec_path not in planned:
            entries.append(entry)
        # each plan of the spec is an entry: a spec planned again shows both
        for plan_path, plan in planned.get(spec_path, []):
            with_plan = _with_plan(entry, plan_path, plan, kb, given, estate_for, True)
            plan_commit = first_commit(plan_path)
            if spec_commit and plan_commit:
                seconds = plan_commit.time - spec_commit.time
                with_plan = with_plan.model_copy(
                    update={"lead_time_seconds": seconds, "lead_time": lead_time_text(seconds)}
                )
            entries.append(with_plan)
    for path, plan in loose:
        base = ReportEntry(
            name=plan.enhancement.name,
            spec=plan.inputs.spec.path if not plan.inputs.request else "",
            plan="",
            category="",
            risk="",
            strategy="",
            status="planned",
        )
        entries.append(_with_plan(base, path, plan, kb, given, estate_for, False))
    entries.sort(key=lambda x: (x.name, x.spec, x.plan))
    return Report(
        enhancements=entries,
        by_category=_count(x.category or UNDECIDED for x in entries),
        by_risk=_count(x.risk or UNDECIDED for x in entries),
        by_status={s: n for s in STATUSES if (n := sum(x.status == s for x in entries))},
    )


def _with_plan(
    entry: ReportEntry,
    path: Path,
    plan: Plan,
    kb: KnowledgeBase,
    given: set[str],
    estate_for: EstateFor,
    paired: bool,
) -> ReportEntry:
    """The entry with its plan: decisions, status, the plan's first commit."""
    if paired or plan.inputs.request:
        status, why = _replay(plan, path, kb, given, estate_for)
    else:
        status, why = "planned", f"its spec {plan.inputs.spec.path} is not in the given folders"
    commit = first_commit(path)
    return entry.model_copy(
        update={
            "plan": stable_display(path),
            "category": _value(plan, "category") or entry.category,
            "risk": _value(plan, "risk") or entry.risk,
            "strategy": _value(plan, "implementation_strategy"),
            "status": status,
            "why": why,
            "plan_committed": _when(commit.time) if commit else "",
        }
    )


def _count(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))
