"""The knowledge base's models: what infraplan knows, as data (knowledge/*.yaml).

Knowledge describes the world (a Karpenter upgrade disrupts nodes); rules decide from it
(node disruption → canary). Every id the engine reasons about — environments, categories,
strategies, layers, stages — is defined here, never in code.
"""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

import re
from typing import Literal

from engine.core.digest import SourceFile, digest_files
from engine.core.modelbase import Field
from engine.core.models import Assignment, Phase, Strict, WithAssignments
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
from engine.knowledge.reading import Environment, EstateReading, estate_files
from engine.knowledge.rollout import (
    FeatureFlagSteps,
    RolloutLayer,
    StrategySteps,
)


class DimensionValue(Strict):
    id: str
    means: str = Field(
        description="What this branch of the decision tree requires (from the seed)."
    )
    skips_lower_environments: bool = Field(
        default=False,
        description="An implementation strategy that goes straight to the last (production) stage.",
    )


class Dimension(Strict):
    """One decision of the seed's decision tree."""

    id: str
    title: str
    label: str = Field(description="The short name a plan shows for this decision.")
    summary: int = Field(
        default=0, description="Position in a plan's summary table (0: not shown there)."
    )
    emphasis: bool = Field(default=False, description="Shown in bold in the summary table.")
    stage: str
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
    keywords_unless: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Keywords that point here only when none of these concepts is said beside "
        "them ('retention' is a saving unless it is made longer).",
    )
    common_patterns: list[str] = Field(default_factory=list)
    traits: list[str] = Field(default_factory=list)
    default_scope: str
    fallback: bool = Field(
        default=False,
        description="The kind of change, not its domain: chosen only when no domain category is.",
    )
    describes_only: bool = Field(
        default=False,
        description="Its changes describe (documents): no change kind is read from their words.",
    )
    planning_agents: list[Assignment] = Field(default_factory=list)
    implementation_phases: list[Phase] = Field(default_factory=list)


class Term(Strict):
    """A vocabulary concept and the words and vendor names that mean it."""

    id: str
    weight: int = Field(
        default=2, ge=1, description="How specific the concept is when it chooses a pattern."
    )
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
    creates: list[str] = Field(
        default_factory=list,
        description="Kinds enforcing policies are checked against instead of the pattern's "
        "`creates` (a chart upgrade deploys the workloads the chart renders).",
    )
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


class PhaseKind(Strict):
    id: str
    description: str
    layer: str
    names: list[str]
    words: list[str] = Field(
        default_factory=list,
        description="Words of a phase's name or task that show this kind when no kind names the "
        "phase ('kms: Create the CMK' is cloud work).",
    )
    default: bool = Field(default=False, description="The kind of a phase no other kind names.")
    describes_only: bool = Field(
        default=False,
        description="A phase of this kind changes nothing it writes about (runbooks, guides): a "
        "spec whose every phase is of such a kind only describes.",
    )


class TaskGroup(Strict):
    title: str
    agents: list[str] = Field(default_factory=list)
    tasks: list[str]


class Stage(Strict):
    id: str
    number: int
    title: str
    timebox: str
    minutes: int = Field(description="The stage's timebox in minutes, for the timeline.")
    holds_rollout: bool = Field(
        default=False, description="The stage in which the rollout steps run."
    )
    planning: bool = Field(
        default=False, description="The spec's planning agents work in this stage."
    )
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
    anti_triggers: list[str] = Field(
        default_factory=list,
        description="Concept phrases that rule the pattern out when a request has them.",
    )
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
    subject_scoped: bool = Field(
        default=False,
        description="A request that names what it changes (knowledge/tools.yaml) touches only "
        "that: its installations are the integration points, not every match of the probes "
        '(as for `upgrade_tools: ["*"]`).',
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


class Knowledge(Strict):
    """Everything infraplan knows, loaded and cross-checked (engine/knowledge/load.py)."""

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
    feature_flags: list[FeatureFlagSteps]
    intake: list[IntakeSettings]
    change_kinds: list[ChangeKind]
    trait_infos: list[TraitInfo]
    tools: list[Tool]
    controllers: list[ControllerText]
    reversibility: list[Reversibility]
    settings: list[Setting]
    in_place: list[InPlaceEffect]
    wording: list[Wording]
    metrics: list[SuccessMetric] = Field(default_factory=list)
    briefs: list[StageBrief] = Field(default_factory=list)
    files: list[SourceFile]

    @property
    def reading_rules(self) -> IntakeSettings:
        """How sentences are read (knowledge/intake.yaml)."""
        return self.intake[-1]

    def concept_weight(self, word: str) -> int:
        """A concept's weight (knowledge/vocabulary.yaml); a plain word weighs 1."""
        return next((t.weight for t in self.terms if t.id == word), 1)

    @property
    def reading(self) -> EstateReading:
        return self.estate[-1]

    @property
    def feature_flag(self) -> FeatureFlagSteps:
        return self.feature_flags[-1]

    def dimension(self, dim_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dim_id)

    def vocabulary(self, dim_id: str) -> list[str]:
        dim = self.dimension(dim_id)
        if dim.values_from == "categories":
            return [c.id for c in self.categories]
        return [v.id for v in dim.values]

    def dimension_value(self, dim_id: str, value: str) -> DimensionValue | None:
        return next((v for v in self.dimension(dim_id).values if v.id == value), None)

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

    @property
    def default_phase_kind(self) -> PhaseKind:
        return next(k for k in self.phase_kinds if k.default)

    def phase_kind(self, phase_name: str, task: str = "") -> str:
        """The kind a phase's name gives; for a name no kind knows, the kind whose `words` its
        name and task use most (the first such kind on a tie); else the default kind."""
        key = phase_name.strip().lower()
        named = next((k.id for k in self.phase_kinds if key in k.names), None)
        if named is not None:
            return named
        said = {w.rstrip("s") for w in re.findall(r"[a-z0-9]+", f"{key} {task}".lower())}
        hits = [(len(said & {w.rstrip("s") for w in k.words}), k.id) for k in self.phase_kinds]
        best = max(hits, key=lambda h: h[0], default=(0, ""))
        return best[1] if best[0] else self.default_phase_kind.id

    def phase_layer(self, phase_name: str, task: str = "") -> str:
        kind = self.phase_kind(phase_name, task)
        return next(k.layer for k in self.phase_kinds if k.id == kind)

    @property
    def default_layer(self) -> RolloutLayer:
        return next(layer for layer in self.rollout if layer.default)

    def strategy_steps(self, strategy: str) -> StrategySteps | None:
        return next((s for s in self.strategies if s.id == strategy), None)

    @property
    def digest(self) -> str:
        return digest_files(self.files)

    @property
    def estate_digest(self) -> str:
        """The digest of what reading an estate uses (ESTATE_FILES): what the estate cache is
        keyed by, the same whether the whole knowledge or only those files were loaded."""
        return digest_files(estate_files(self.files))

    @property
    def traits(self) -> list[str]:
        """The trait vocabulary of the rules: the change model (knowledge/traits.yaml)."""
        return sorted(t.id for t in self.trait_infos)
