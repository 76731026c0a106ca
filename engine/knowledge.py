"""The knowledge base: what infraplan knows, as data (categories, experts, patterns, ...).

Knowledge describes the world (a Karpenter upgrade disrupts nodes); rules decide from it
(node disruption → canary). Loading validates every file and every cross-reference.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from engine.errors import InputError, Problem, did_you_mean
from engine.models import Assignment, Phase, Strict, WithAssignments
from engine.validation import validate
from engine.yamlsrc import SourceMap, load_file

STAGE_IDS = ("assessment", "design", "implementation", "development", "testing", "deployment")


class DimensionValue(Strict):
    id: str
    means: str = Field(
        description="What this branch of the decision tree requires (from the seed)."
    )


class Dimension(Strict):
    """One decision of the seed's decision tree."""

    id: str
    title: str
    stage: Literal["assessment", "design", "implementation", "development", "testing", "deployment"]
    kind: Literal["ordered", "set", "single"]
    description: str
    values: list[DimensionValue] = Field(default_factory=list)
    values_from: Literal["categories", ""] = ""


class Category(WithAssignments):
    id: str
    replaces: bool = False
    title: str
    description: str
    triggers: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(
        default_factory=list, description="Vocabulary concepts that point at this category."
    )
    common_patterns: list[str] = Field(default_factory=list)
    traits: list[str] = Field(default_factory=list)
    default_scope: str = "multi-environment"
    planning_agents: list[Assignment] = Field(default_factory=list)
    implementation_phases: list[Phase] = Field(default_factory=list)


class Term(Strict):
    """A vocabulary concept and the words and vendor names that mean it."""

    id: str
    terms: list[str]


class Probe(Strict):
    """A question a pattern asks the estate: which facts match, counted per environment and cluster."""

    name: str
    description: str
    replaces: bool = False
    kinds: list[str] = Field(default_factory=list)
    api_groups: list[str] = Field(default_factory=list)
    terraform: list[str] = Field(default_factory=list)
    modules: list[str] = Field(default_factory=list)
    helm_charts: list[str] = Field(default_factory=list)
    charts: list[str] = Field(default_factory=list)
    workflows: list[str] = Field(default_factory=list)
    encrypted: bool = False
    enforcing_policies: bool = False
    folders: list[str] = Field(
        default_factory=list, description="Only objects under a folder of one of these names."
    )


class Upgrade(Strict):
    """A known breaking change: objects on `api_version` (and `kind`, `*` for any) must move."""

    tool: str
    api_version: str
    kind: str
    replacement: str
    status: Literal["deprecated", "removed"]
    since: str
    note: str = ""


class LayerMatch(Strict):
    terraform: bool = False
    kinds: list[str] = Field(default_factory=list)
    charts: bool = False
    workflows: bool = False


class RolloutLayer(Strict):
    """A kind of change in rollout order within an environment (knowledge/rollout.yaml)."""

    id: str
    order: int
    title: str
    matches: LayerMatch
    action: str
    validation: str
    rollback: str
    per_environment: bool = True
    emergency_stop: str = ""  # how to halt a rollout that has steps in this layer


class StrategySteps(Strict):
    """Steps a deployment strategy adds around each environment's rollout."""

    id: str
    before: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list)
    emergency_stop: list[str] = Field(default_factory=list)
    replaced_by_feature_flag: bool = False


class Scope(Strict):
    id: str
    replaces: bool = False
    description: str
    touches_prod: bool
    multi_cluster: bool = False


class Expert(Strict):
    id: str
    replaces: bool = False
    title: str
    covers: list[str]
    security: bool = False


class Environment(Strict):
    id: str
    aliases: list[str] = Field(default_factory=list)
    prod: bool = False
    needs_parent: bool = False


class EstateReading(Strict):
    """How infraplan reads an estate (knowledge/estate.yaml)."""

    id: str
    not_cluster_api_groups: list[str]
    not_cluster_kinds: list[str]
    cluster_scoped_kinds: list[str]
    secret_resource_types: list[str]
    fixture_dirs: list[str]
    environment_parents: list[str]
    cluster_parents: list[str]
    environment_labels: list[str]
    cluster_labels: list[str]


class PhaseKind(Strict):
    id: str
    description: str
    layer: str = "workload"
    names: list[str]


class TaskGroup(Strict):
    title: str
    agents: list[str] = Field(default_factory=list)
    tasks: list[str]


class Stage(Strict):
    id: Literal["assessment", "design", "implementation", "development", "testing", "deployment"]
    number: int
    title: str
    timebox: str
    agents: list[str]
    groups: list[TaskGroup]
    output: str


class DisabledPattern(Strict):
    """An overlay's `disabled.yaml` entry: a bundled pattern the organisation does not use."""

    pattern: str
    reason: str


class Pattern(WithAssignments):
    """An enhancement pattern: how a kind of change is planned."""

    id: str
    replaces: bool = Field(
        default=False, description="An overlay pattern replacing a bundled one with this id."
    )
    title: str
    description: str
    source: str = ""
    name: str
    category: str
    scope: str
    triggers: list[str] = Field(default_factory=list)
    traits: list[str] = Field(default_factory=list)
    feature_flag: bool = False
    probes: list[str] = Field(
        default_factory=list,
        description="Probes (knowledge/probes.yaml) whose counts the rules see.",
    )
    integration: list[str] = Field(
        default_factory=list,
        description="Probes whose matches are the change's integration points.",
    )
    creates: list[str] = Field(
        default_factory=list,
        description="Kinds the change creates (checked against enforcing policies).",
    )
    tool_probe: str = Field(
        default="", description="The probe that finds the tool itself (absent → a new tool)."
    )
    upgrade_tools: list[str] = Field(
        default_factory=list,
        description='Tools whose upgrade notes apply (knowledge/upgrades.yaml); "*" for every tool.',
    )
    planning_agents: list[Assignment]
    implementation_phases: list[Phase] = Field(default_factory=list)
    suggested_phases: list[Phase] = Field(
        default_factory=list,
        description="Phases the plan uses when neither the spec nor the seed example lists any.",
    )
    stages: dict[str, list[str]] = Field(default_factory=dict)
    risks: list[str] = Field(default_factory=list)
    tests: list[str] = Field(default_factory=list)
    rollback: list[str] = Field(default_factory=list)
    acceptance_criteria: list[str] = Field(default_factory=list)


class SourceFile(Strict):
    path: str
    sha256: str


class Knowledge(Strict):
    dimensions: list[Dimension]
    categories: list[Category]
    scopes: list[Scope]
    experts: list[Expert]
    environments: list[Environment]
    phase_kinds: list[PhaseKind]
    stages: list[Stage]
    patterns: list[Pattern]
    estate: list[EstateReading]
    terms: list[Term]

    probes: list[Probe]
    upgrades: list[Upgrade]
    rollout: list[RolloutLayer]
    strategies: list[StrategySteps]
    files: list[SourceFile]

    @property
    def reading(self) -> EstateReading:
        return self.estate[-1]

    def dimension(self, dim_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dim_id)

    def vocabulary(self, dim_id: str) -> list[str]:
        dim = self.dimension(dim_id)
        if dim.values_from == "categories":
            return [c.id for c in self.categories]
        return [v.id for v in dim.values]

    def rank(self, dim_id: str, value: str) -> int:
        return self.vocabulary(dim_id).index(value)

    def expert(self, expert_id: str) -> Expert | None:
        return next((e for e in self.experts if e.id == expert_id), None)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def scope(self, scope_id: str) -> Scope | None:
        return next((s for s in self.scopes if s.id == scope_id), None)

    def pattern(self, pattern_id: str) -> Pattern | None:
        return next((p for p in self.patterns if p.id == pattern_id), None)

    def environment(self, name: str) -> Environment | None:
        key = name.strip().lower()
        return next((e for e in self.environments if key == e.id or key in e.aliases), None)

    def phase_kind(self, phase_name: str) -> str:
        key = phase_name.strip().lower()
        return next((k.id for k in self.phase_kinds if key in k.names), "other")

    @property
    def digest(self) -> str:
        return digest_files(self.files)

    @property
    def traits(self) -> list[str]:
        """Every trait a category or pattern names: the trait vocabulary of the rules."""
        names = {t for c in self.categories for t in c.traits} | {
            t for p in self.patterns for t in p.traits
        }
        return sorted(names)


def digest_files(files: Sequence[SourceFile]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.path):
        h.update(f"{f.path}\0{f.sha256}\n".encode())
    return "sha256:" + h.hexdigest()


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
}


def _rel(path: Path, root: Path, label: str) -> str:
    return f"{label}/{path.relative_to(root).as_posix()}"


def load_knowledge(dirs: Sequence[Path]) -> Knowledge:
    """Load and cross-check the knowledge folders (the bundled one first, overlays after)."""
    from engine.resources import bundled

    entries: dict[str, list[tuple[Strict, SourceMap, tuple[str | int, ...]]]] = {
        f: [] for f, _ in _LIST_FILES.values()
    }
    entries["patterns"] = []
    files: list[SourceFile] = []
    problems: list[Problem] = []
    from engine.rulebook import overlay_labels

    disabled: list[tuple[str, SourceMap, tuple[str | int, ...]]] = []
    for label, root in zip(
        overlay_labels(dirs, bundled("knowledge"), "knowledge"), dirs, strict=True
    ):
        if not root.is_dir():
            problems.append(Problem(str(root), 0, 0, "knowledge folder not found"))
            continue
        for path in sorted(root.rglob("*.yaml")):
            display = _rel(path, root, label)
            files.append(
                SourceFile(path=display, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
            )
            try:
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
    if problems:
        raise InputError(problems)
    unique = {field: _unique(items, problems) for field, items in entries.items()}
    for pattern_id, where, at in disabled:
        before = len(unique["patterns"])
        unique["patterns"] = [p for p in unique["patterns"] if getattr(p, "id", "") != pattern_id]
        if len(unique["patterns"]) == before:
            problems.append(where.problem(at, f'cannot disable unknown pattern "{pattern_id}"'))
    knowledge = Knowledge(
        **unique,
        files=sorted(files, key=lambda f: f.path),
    )
    problems.extend(_cross_check(knowledge, entries))
    if problems:
        raise InputError(problems)
    return knowledge


def _unique(
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


def _cross_check(
    k: Knowledge, entries: dict[str, list[tuple[Strict, SourceMap, tuple[str | int, ...]]]]
) -> list[Problem]:
    problems: list[Problem] = []
    experts = {e.id for e in k.experts}
    categories = {c.id for c in k.categories}
    scopes = {s.id for s in k.scopes}
    probes = {p.name for p in k.probes}
    concepts = {t.id for t in k.terms}
    for category, smap, path in entries["categories"]:
        assert isinstance(category, Category)
        for word in category.keywords:
            if word not in concepts:
                problems.append(
                    smap.problem(
                        (*path, "keywords"),
                        f'unknown vocabulary concept "{word}"{did_you_mean(word, concepts)}',
                    )
                )
        for i, a in enumerate(category.planning_agents):
            if a.agent not in experts:
                problems.append(
                    smap.problem(
                        (*path, "planning_agents", i),
                        f'unknown expert "{a.agent}"{did_you_mean(a.agent, experts)}',
                    )
                )
        if category.default_scope not in scopes:
            problems.append(
                smap.problem((*path, "default_scope"), f'unknown scope "{category.default_scope}"')
            )
    for pattern, smap, _path in entries["patterns"]:
        assert isinstance(pattern, Pattern)
        if pattern.category not in categories:
            problems.append(
                smap.problem(
                    ("category",),
                    f'unknown category "{pattern.category}"{did_you_mean(pattern.category, categories)}',
                )
            )
        if pattern.scope not in scopes:
            problems.append(
                smap.problem(
                    ("scope",),
                    f'unknown scope "{pattern.scope}"{did_you_mean(pattern.scope, scopes)}',
                )
            )
        for i, a in enumerate(pattern.planning_agents):
            if a.agent not in experts:
                problems.append(
                    smap.problem(
                        ("planning_agents", i),
                        f'unknown expert "{a.agent}"{did_you_mean(a.agent, experts)}',
                    )
                )
        for field_name in ("probes", "integration"):
            for i, name in enumerate(getattr(pattern, field_name)):
                if name not in probes:
                    problems.append(
                        smap.problem(
                            (field_name, i),
                            f'unknown probe "{name}"{did_you_mean(name, probes)}; probes are defined in knowledge/probes.yaml',
                        )
                    )
        for i, name in enumerate(pattern.integration):
            if name not in pattern.probes:
                problems.append(
                    smap.problem(
                        ("integration", i), f'probe "{name}" must also be listed in probes'
                    )
                )
        for stage in pattern.stages:
            if stage not in STAGE_IDS:
                problems.append(
                    smap.problem(
                        ("stages", stage),
                        f'unknown stage "{stage}"; expected one of {", ".join(STAGE_IDS)}',
                        key=True,
                    )
                )
    for stage_entry, smap, path in entries["stages"]:
        assert isinstance(stage_entry, Stage)
        for agent in stage_entry.agents:
            if agent not in experts:
                problems.append(smap.problem((*path, "agents"), f'unknown expert "{agent}"'))
    if sorted(s.id for s in k.stages) != sorted(STAGE_IDS):
        problems.append(
            Problem(
                "knowledge/stages.yaml", 1, 1, f"expected the six stages {', '.join(STAGE_IDS)}"
            )
        )
    return problems
