"""The plan: one model that every renderer (Markdown, JSON) is fed, and that `explain` and
`verify` read back. Its JSON Schema is published (docs/schema/plan.schema.json)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

import engine
from engine.core.digest import SourceFile
from engine.core.errors import InputError, Problem
from engine.core.models import Out
from engine.decide.results import Decision, Finding, Violation
from engine.estate.discover import Diagnostic
from engine.match.change import TraitEvidence
from engine.match.choose import PatternChoice, PatternMatch
from engine.match.current import StateEntry
from engine.match.impact import Impact, IntegrationPoint
from engine.match.subject import Subject
from engine.match.upgrade_path import UpgradePath
from engine.match.upgrades import UpgradeFinding
from engine.plan.metrics import SuccessMetricPlan
from engine.plan.prose import Prose
from engine.plan.rollout import RolloutStep

SCHEMA_VERSION = "1"


class Tool(Out):
    name: str = "infraplan"
    version: str = engine.__version__


class InputDigest(Out):
    path: str  # relative to the spec's git work tree (else its file name), as traces name it
    sha256: str
    # the spec's path from the folder of the plan file, when the plan was written with -o
    relative_to_plan: str = ""


class RepositoryDigest(Out):
    name: str
    role: str
    files: int
    digest: str


class BundleDigest(Out):
    """A facts bundle the plan read instead of a repository (`plan --facts`)."""

    repository: str
    commit: str | None = None
    digest: str  # sha256 of the bundle file's bytes


class Inputs(Out):
    request: str = ""  # the sentence, for a plan planned from free text
    evaluated_on: str = ""  # the day waivers' expiry was checked against, when a waiver expires
    spec: InputDigest
    rules: str
    knowledge: str
    repositories: list[RepositoryDigest] = Field(default_factory=list)
    bundles: list[BundleDigest] = Field(default_factory=list)
    rule_files: list[SourceFile] = Field(default_factory=list)
    knowledge_files: list[SourceFile] = Field(default_factory=list)


class FactRecord(Out):
    """A fact the rules saw: replayable by `explain --why-not`."""

    type: str
    id: str
    fields: dict[str, str | int | bool]
    origins: dict[str, str] = Field(default_factory=dict)
    evidence: list[str] = Field(default_factory=list)


class PhasePlan(Out):
    name: str
    task: str
    kind: str
    source: str
    done: str = ""  # why the estate already has this work (an in_place value's title), else ""


class AgentTask(Out):
    agent: str
    task: str


class EnhancementSummary(Out):
    name: str
    category: str
    scope: str
    summary: str
    environments: list[str]
    clusters: list[str]
    repos: list[str]
    planning_agents: list[AgentTask]
    declared_risk: str | None
    rollback: str | None
    feature_flag: str | bool | None
    change_window: str | None
    compliance: list[str]
    owners: list[str]


class PatternRef(Out):
    id: str
    title: str
    source: str
    reason: str
    confidence: float
    runners_up: list[PatternMatch]


class ExpertRole(Out):
    id: str
    title: str
    tasks: list[str]
    covers: list[str]
    rules: list[str]


class TaskGroupPlan(Out):
    title: str
    agents: list[str]
    tasks: list[str]


class StagePlan(Out):
    id: str
    number: int
    title: str
    timebox: str
    minutes: int
    holds_rollout: bool
    agents: list[str]
    groups: list[TaskGroupPlan]
    specific: list[str]
    decisions: list[str]
    output: str


class ProbeSummary(Out):
    """A probe's answer in the plan (evidence capped; counts are complete)."""

    name: str
    description: str
    count: int
    by_environment: dict[str, int]
    by_cluster: dict[str, int]
    evidence: list[str]


class Plan(Out):
    schema_version: str = SCHEMA_VERSION
    tool: Tool = Tool()
    inputs: Inputs
    enhancement: EnhancementSummary
    pattern: PatternRef | None
    pattern_choice: PatternChoice = Field(default_factory=PatternChoice)
    change_model: list[TraitEvidence] = Field(default_factory=list)
    decisions: dict[str, Decision]
    experts: list[ExpertRole]
    stages: list[StagePlan]
    implementation_phases: list[PhasePlan]
    findings: list[Finding] = Field(default_factory=list)
    probes: list[ProbeSummary] = Field(default_factory=list)
    integration_points: list[IntegrationPoint] = Field(default_factory=list)
    impact: Impact | None = None
    upgrade_findings: list[UpgradeFinding] = Field(default_factory=list)
    current_state: list[StateEntry] = Field(default_factory=list)
    subjects: list[Subject] = Field(default_factory=list)
    upgrades: list[UpgradePath] = Field(default_factory=list)
    already_done: list[str] = Field(
        default_factory=list, description="pattern texts that no longer apply, and why"
    )
    rollout_steps: list[RolloutStep]
    rollback_steps: list[RolloutStep] = Field(default_factory=list)
    rollback_summary: list[str] = Field(default_factory=list)
    emergency_stop: list[str] = Field(default_factory=list)
    risks: list[str]
    tests: list[str]
    rollback: list[str]
    acceptance_criteria: list[str]
    success_metrics: list[SuccessMetricPlan] = Field(
        default_factory=list, description="the seed's five, for this pattern, with baselines"
    )
    violations: list[Violation]
    facts: list[FactRecord] = Field(default_factory=list)
    prose: Prose = Field(default_factory=Prose)
    diagnostics: list[Diagnostic]


SUPPORTED_SCHEMA_VERSIONS = (SCHEMA_VERSION,)


def read_plan(path: Path) -> Plan:
    """A plan written by `infraplan plan --format json`; InputError when it is not one.

    Only a regular file of at most INFRAPLAN_MAX_PLAN_BYTES is read; a plan of a schema version
    this infraplan does not know is refused rather than misread.
    """
    from pydantic_core import from_json

    from engine.core import limits
    from engine.core.files import decode, read_bytes

    name = str(path)
    data = read_bytes(path, limits.current().plan_bytes, name, "INFRAPLAN_MAX_PLAN_BYTES")
    text = decode(data, name)
    try:
        raw = from_json(text)
    except ValueError as exc:
        raise InputError([Problem(name, 0, 0, f"not JSON ({_first_line(exc)})")]) from None
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or "inputs" not in raw or version is None:
        raise InputError(
            [Problem(name, 0, 0, "not an infraplan JSON plan (write one with plan --format json)")]
        )
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        raise InputError(
            [
                Problem(
                    name,
                    0,
                    0,
                    f"plan schema_version {str(version)[:20]!r} is not supported by infraplan "
                    f"{engine.__version__} (it reads {', '.join(SUPPORTED_SCHEMA_VERSIONS)})",
                )
            ]
        )
    try:
        plan = Plan.model_validate(raw)
    except ValidationError as exc:  # where and what, never the value (it may be anything)
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "the plan"
        raise InputError(
            [Problem(name, 0, 0, f"not an infraplan JSON plan ({where}: {first['msg']})")]
        ) from None
    if plan.inputs.evaluated_on:
        from datetime import date

        try:
            date.fromisoformat(plan.inputs.evaluated_on)
        except ValueError:
            raise InputError(
                [Problem(name, 0, 0, "inputs.evaluated_on: expected a date YYYY-MM-DD")]
            ) from None
    return plan


def _first_line(exc: Exception, lines: int = 1) -> str:
    return " ".join(str(exc).splitlines()[:lines])[:300]
