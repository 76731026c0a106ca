"""Reading knowledge folders: every file validated against its model, entries collected per
Knowledge field, overlays' replacements checked (engine/knowledge/load.py cross-checks them)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.core.digest import SourceFile, sha256_hex
from engine.core.errors import InputError, Problem
from engine.core.files import read_input
from engine.core.models import Strict
from engine.core.overlays import overlay_labels
from engine.core.resources import bundled
from engine.core.validation import validate
from engine.core.yamlsrc import SourceMap, load_file
from engine.knowledge.change import ChangeKind, IntakeSettings, TraitInfo
from engine.knowledge.evidence import StageBrief, SuccessMetric
from engine.knowledge.grounding import (
    ControllerText,
    InPlaceEffect,
    Reversibility,
    Setting,
    Tool,
    Wording,
)
from engine.knowledge.model import (
    Category,
    Dimension,
    DisabledPattern,
    Expert,
    FeatureFlagSteps,
    Pattern,
    PhaseKind,
    Probe,
    RolloutLayer,
    Scope,
    Stage,
    StrategySteps,
    Term,
    Upgrade,
)
from engine.knowledge.reading import Environment, EstateReading

# file name → (Knowledge field, model); each file holds a list of entries
_LIST_FILES: dict[str, tuple[str, type[Strict]]] = {
    "decision-tree.yaml": ("dimensions", Dimension),
    "categories.yaml": ("categories", Category),
    "scopes.yaml": ("scopes", Scope),
    "experts.yaml": ("experts", Expert),
    "environments.yaml": ("environments", Environment),
    "phases.yaml": ("phase_kinds", PhaseKind),
    "stages.yaml": ("stages", Stage),
    "estate.yaml": ("estate", EstateReading),
    "vocabulary.yaml": ("terms", Term),
    "probes.yaml": ("probes", Probe),
    "upgrades.yaml": ("upgrades", Upgrade),
    "rollout.yaml": ("rollout", RolloutLayer),
    "strategies.yaml": ("strategies", StrategySteps),
    "feature-flags.yaml": ("feature_flags", FeatureFlagSteps),
    "intake.yaml": ("intake", IntakeSettings),
    "change-kinds.yaml": ("change_kinds", ChangeKind),
    "traits.yaml": ("trait_infos", TraitInfo),
    "tools.yaml": ("tools", Tool),
    "controllers.yaml": ("controllers", ControllerText),
    "reversibility.yaml": ("reversibility", Reversibility),
    "current-state.yaml": ("settings", Setting),
    "in-place.yaml": ("in_place", InPlaceEffect),
    "wording.yaml": ("wording", Wording),
    "metrics.yaml": ("metrics", SuccessMetric),
    "briefs.yaml": ("briefs", StageBrief),
}


def _rel(path: Path, root: Path, label: str) -> str:
    return f"{label}/{path.relative_to(root).as_posix()}"


Entries = dict[str, list[tuple[Strict, SourceMap, tuple[str | int, ...]]]]


def read_folders(
    dirs: Sequence[Path], only: Sequence[str] | None
) -> tuple[
    Entries, list[SourceFile], list[tuple[str, SourceMap, tuple[str | int, ...]]], list[Problem]
]:
    """Every knowledge file of the folders (or only the list files named `only`), validated:
    the entries per Knowledge field, the files read, the patterns disabled and the problems."""
    entries: Entries = {f: [] for f, _ in _LIST_FILES.values()}
    entries["patterns"] = []
    files: list[SourceFile] = []
    problems: list[Problem] = []
    disabled: list[tuple[str, SourceMap, tuple[str | int, ...]]] = []
    for label, root in zip(
        overlay_labels(dirs, bundled("knowledge"), "knowledge"), dirs, strict=True
    ):
        if not root.is_dir():
            problems.append(Problem(str(root), 0, 0, "knowledge folder not found"))
            continue
        paths = sorted(root.rglob("*.yaml")) if only is None else [root / n for n in only]
        for path in paths:
            if only is not None and not path.is_file():
                continue  # an overlay holds only the files it adds to
            display = _rel(path, root, label)
            try:
                files.append(SourceFile(path=display, sha256=sha256_hex(read_input(path, display))))
                data, smap = load_file(path, display)
                rel = path.relative_to(root).as_posix()
                if rel.startswith("patterns/"):
                    entries["patterns"].append((validate(Pattern, data, smap), smap, ()))
                elif rel == "disabled.yaml":
                    if not isinstance(data, list):
                        raise InputError(
                            [smap.problem((), "expected a list of {pattern: ID, reason: ...}")]
                        )
                    for i, item in enumerate(data):
                        off = validate(DisabledPattern, item, smap, (i,))
                        disabled.append((off.pattern, smap, (i, "pattern")))
                elif rel in _LIST_FILES:
                    field, model = _LIST_FILES[rel]
                    if not isinstance(data, list):
                        raise InputError([smap.problem((), "expected a list of entries")])
                    for i, item in enumerate(data):
                        try:
                            entries[field].append((validate(model, item, smap, (i,)), smap, (i,)))
                        except InputError as exc:
                            problems.extend(exc.problems)
                else:
                    problems.append(
                        Problem(
                            display,
                            1,
                            1,
                            f"unknown knowledge file; expected one of {', '.join(sorted(_LIST_FILES))} or patterns/*.yaml",
                        )
                    )
            except InputError as exc:
                problems.extend(exc.problems)
    return entries, files, disabled, problems


def unique_entries(
    items: list[tuple[Strict, SourceMap, tuple[str | int, ...]]], problems: list[Problem]
) -> list[Strict]:
    seen: dict[str, Strict] = {}
    for item, smap, path in items:
        # every knowledge entry has an id; probes are named, upgrades keyed by what they match
        item_id = (
            getattr(item, "id", None)
            or getattr(item, "name", None)
            or f"{getattr(item, 'api_version', '')}/{getattr(item, 'kind', '')}"
        )
        if item_id in seen and not getattr(item, "replaces", False):
            problems.append(
                smap.problem(
                    (*path, "id"),
                    f'duplicate id "{item_id}"; an overlay replaces an entry only with `replaces: true`',
                )
            )
            continue
        if getattr(item, "replaces", False) and item_id not in seen:
            problems.append(
                smap.problem((*path, "replaces"), f'replaces unknown entry "{item_id}"')
            )
            continue
        seen[item_id] = item
    return list(seen.values())
