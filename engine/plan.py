"""Build the plan: one model that every renderer (Markdown, JSON) is fed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import Field

import engine
from engine.decide import (
    Decision,
    Finding,
    Violation,
    WaivedBy,
    combine,
    decision_fact,
    final_decision_facts,
    findings,
    run_rules,
    violations,
)
from engine.discover import Diagnostic
from engine.estate import Estate
from engine.facts import Fact, make_fact
from engine.knowledge import Knowledge, Pattern, SourceFile, load_knowledge
from engine.match import PatternMatch, match_pattern, phases_for, spec_facts
from engine.models import Out
from engine.probe import (
    Impact,
    IntegrationPoint,
    ProbeReport,
    UpgradeFinding,
    estate_facts,
    run_probes,
)
from engine.prose import Prose, template_prose
from engine.resources import bundled
from engine.rollout import Rollout, RolloutStep, plan_phase_rollout, plan_rollout
from engine.rulebook import Rulebook, load_rules
from engine.spec import LoadedSpec

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class Base:
    """The knowledge and rules a run uses (bundled, plus overlays)."""

    knowledge: Knowledge
    rulebook: Rulebook


def load_base(
    rules_dirs: list[Path] | None = None, knowledge_dirs: list[Path] | None = None
) -> Base:
    knowledge = load_knowledge([bundled("knowledge"), *(knowledge_dirs or [])])
    rulebook = load_rules([bundled("rules"), *(rules_dirs or [])], knowledge)
    return Base(knowledge=knowledge, rulebook=rulebook)


class Tool(Out):
    name: str = "infraplan"
    version: str = engine.__version__


class InputDigest(Out):
    path: str
    sha256: str


class RepositoryDigest(Out):
    name: str
    role: str
    files: int
    digest: str


class Inputs(Out):
    request: str = ""  # the sentence, for a plan planned from free text
    evaluated_on: str = ""  # the day waivers' expiry was checked against, when a waiver expires
    spec: InputDigest
    rules: str
    knowledge: str
    repositories: list[RepositoryDigest] = Field(default_factory=list)
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
    decisions: dict[str, Decision]
    experts: list[ExpertRole]
    stages: list[StagePlan]
    implementation_phases: list[PhasePlan]
    findings: list[Finding] = Field(default_factory=list)
    probes: list[ProbeSummary] = Field(default_factory=list)
    integration_points: list[IntegrationPoint] = Field(default_factory=list)
    impact: Impact | None = None
    upgrade_findings: list[UpgradeFinding] = Field(default_factory=list)
    rollout_steps: list[RolloutStep]
    rollback_steps: list[RolloutStep] = Field(default_factory=list)
    emergency_stop: list[str] = Field(default_factory=list)
    risks: list[str]
    tests: list[str]
    rollback: list[str]
    acceptance_criteria: list[str]
    violations: list[Violation]
    facts: list[FactRecord] = Field(default_factory=list)
    prose: Prose = Field(default_factory=Prose)
    diagnostics: list[Diagnostic]


@dataclass(frozen=True)
class Outcome:
    """Everything the rules concluded for one set of facts."""

    decisions: dict[str, Decision]
    violations: list[Violation]
    findings: list[Finding]
    diagnostics: list[str]
    fired: frozenset[str]  # every rule that fired, decision and policy rules alike


def evaluate(base: Base, facts: list[Fact]) -> Outcome:
    """Run the decision rules, then the policy rules over the final decisions."""
    k = base.knowledge
    firings = run_rules(base.rulebook.decision_rules, facts, k)
    decisions, diagnostics = combine(firings, k)
    policy_facts = [
        *facts,
        *final_decision_facts(decisions, k),
        *declaration_facts(facts, decisions, k),
    ]
    policy_firings = run_rules(base.rulebook.policy_rules, _unique(policy_facts), k)
    return Outcome(
        decisions=decisions,
        violations=violations(policy_firings),
        findings=findings(firings),
        diagnostics=diagnostics,
        fired=frozenset(f.rule for f in [*firings, *policy_firings]),
    )


def _unique(facts: list[Fact]) -> list[Fact]:
    seen: dict[str, Fact] = {}
    for f in facts:
        seen.setdefault(f.id, f)
    return list(seen.values())


def declaration_facts(
    facts: list[Fact], decisions: dict[str, Decision], k: Knowledge
) -> list[Fact]:
    """Compare what the spec declared with what the rules decided (for policy rules)."""
    enhancement = next((f for f in facts if f.type == "enhancement"), None)
    out: list[Fact] = []
    if enhancement is None:
        return out
    for dim, field in (("risk", "declared_risk"), ("implementation_strategy", "declared_strategy")):
        declared = enhancement.fields[field]
        decided = decisions[dim].value
        if not declared or not isinstance(decided, str) or not isinstance(declared, str):
            continue
        rank = k.rank(dim, declared)
        origin = enhancement.origins.get(field, "")
        out.append(
            make_fact(
                "declaration",
                dim,
                origins={
                    "value": origin,
                    "below_decision": origin,
                    "dimension": origin,
                    "rank": origin,
                    "decided": origin,
                },
                dimension=dim,
                value=declared,
                rank=rank,
                decided=decided,
                below_decision=rank < k.rank(dim, decided),
            )
        )
    return out


def validate_waivers(loaded: LoadedSpec, base: Base) -> None:
    """A waiver must name a policy rule that exists (file:line and a did-you-mean otherwise)."""
    from engine.errors import InputError, did_you_mean

    policy = [r.id for r in base.rulebook.policy_rules]
    problems = [
        loaded.smap.problem(
            ("waivers", i, "rule"),
            f'waives unknown policy rule "{w.rule}"{did_you_mean(w.rule, policy)}; policy rules: {", ".join(sorted(policy))}',
        )
        for i, w in enumerate(loaded.spec.waivers)
        if w.rule not in policy
    ]
    if problems:
        raise InputError(problems)


def apply_waivers(loaded: LoadedSpec, found: list[Violation]) -> list[Violation]:
    """Mark violations the spec waives. A waiver any policy rule flags (incomplete, expired) is
    not honored, and a waiver never excuses a violation about waivers."""
    flagged = {m.id for v in found for m in v.facts if m.type == "waiver"}
    out = []
    for v in found:
        waiver_index = next(
            (
                i
                for i, w in enumerate(loaded.spec.waivers)
                if w.rule == v.rule and f"waiver:{i}:{w.rule}" not in flagged
            ),
            None,
        )
        if waiver_index is not None and not any(m.type == "waiver" for m in v.facts):
            w = loaded.spec.waivers[waiver_index]
            v = v.model_copy(
                update={
                    "waived_by": WaivedBy(
                        reason=w.reason,
                        owner=w.owner,
                        expires=w.expires.isoformat() if w.expires else "",
                        at=loaded.origin("waivers", waiver_index),
                    )
                }
            )
        out.append(v)
    return out


def build_plan(
    loaded: LoadedSpec, base: Base, estate: Estate | None = None, today: date | None = None
) -> Plan:
    """From a validated spec (and the estate's facts) to a whole plan. Pure: reads no file."""
    from engine.graph import build_graph

    k = base.knowledge
    spec, e = loaded.spec, loaded.spec.enhancement
    pattern, candidates = match_pattern(loaded, k)
    graph = build_graph(estate, k) if estate is not None else None
    report = (
        run_probes(estate, k, pattern, graph) if estate is not None and graph is not None else None
    )
    validate_waivers(loaded, base)
    day = today or datetime.now(UTC).date()
    facts = [*spec_facts(loaded, k, pattern, day), *estate_facts(estate, k, report, pattern)]
    outcome = evaluate(base, facts)
    decisions, found, found_findings, diagnostics = (
        outcome.decisions,
        outcome.violations,
        outcome.findings,
        outcome.diagnostics,
    )
    phases, phase_source = phases_for(loaded, pattern)
    envs = _environments(loaded, k, report)
    strategy = str(decisions["implementation_strategy"].value or "direct")
    deployment = str(decisions["deployment_strategy"].value or "phased")
    rollout: Rollout
    if (
        estate is not None
        and graph is not None
        and report is not None
        and report.integration_points
    ):
        rollout = plan_rollout(
            report.integration_points,
            estate,
            k,
            graph,
            strategy,
            deployment,
            pattern,
            spec.feature_flag,
            envs,
        )
    else:
        layered = [(p.name, p.task, _phase_layer(k, p.name)) for p in phases]
        rollout = plan_phase_rollout(
            layered, k, envs, strategy, deployment, pattern, spec.feature_flag
        )
    plan = Plan(
        inputs=Inputs(
            request=loaded.request,
            # the day matters only when a waiver can expire; recorded so verify replays it
            evaluated_on=day.isoformat() if any(w.expires for w in spec.waivers) else "",
            spec=InputDigest(path=loaded.display, sha256=loaded.sha256),
            rules=base.rulebook.digest,
            knowledge=k.digest,
            rule_files=list(base.rulebook.files),
            knowledge_files=list(k.files),
            repositories=[
                RepositoryDigest(name=r.name, role=r.role, files=r.files, digest=r.digest)
                for r in estate.repos
            ]
            if estate is not None
            else [],
        ),
        enhancement=EnhancementSummary(
            name=e.name,
            category=e.category,
            scope=e.scope,
            summary=e.summary or (pattern.description if pattern else ""),
            environments=envs,
            clusters=sorted(set(e.clusters)),
            repos=sorted(set(e.repos)),
            planning_agents=[AgentTask(agent=a.agent, task=a.task) for a in spec.planning_agents],
            declared_risk=spec.risk,
            rollback=spec.rollback,
            feature_flag=spec.feature_flag,
            change_window=spec.change_window,
            compliance=sorted(set(spec.compliance)),
            owners=sorted(set(spec.owners)),
        ),
        pattern=_pattern_ref(pattern, candidates),
        decisions=decisions,
        experts=_experts(loaded, k, decisions, pattern),
        stages=_stages(k, decisions, pattern),
        implementation_phases=[
            PhasePlan(name=p.name, task=p.task, kind=k.phase_kind(p.name), source=phase_source)
            for p in phases
        ],
        findings=found_findings,
        probes=[
            ProbeSummary(
                name=r.name,
                description=r.description,
                count=r.count,
                by_environment=r.by_environment,
                by_cluster=r.by_cluster,
                evidence=[x.id for x in r.evidence][:MAX_EVIDENCE],
            )
            for r in report.results
        ]
        if report is not None
        else [],
        integration_points=report.integration_points if report is not None else [],
        impact=report.impact if report is not None else None,
        upgrade_findings=report.upgrades if report is not None else [],
        rollout_steps=rollout.steps,
        rollback_steps=rollout.rollback,
        emergency_stop=rollout.emergency_stop,
        risks=list(pattern.risks) if pattern else [],
        tests=list(pattern.tests) if pattern else [],
        rollback=[spec.rollback] if spec.rollback else list(pattern.rollback) if pattern else [],
        acceptance_criteria=list(pattern.acceptance_criteria) if pattern else [],
        violations=apply_waivers(loaded, found),
        facts=[
            FactRecord(
                type=f.type, id=f.id, fields=f.fields, origins=f.origins, evidence=f.evidence
            )
            for f in sorted(facts, key=lambda f: f.id)
        ],
        diagnostics=[Diagnostic(repo="", path="", reason=d) for d in sorted(diagnostics)]
        + (list(estate.diagnostics) if estate is not None else []),
    )
    return plan.model_copy(update={"prose": template_prose(plan)})


MAX_EVIDENCE = 50


def _phase_layer(k: Knowledge, phase_name: str) -> str:
    kind = k.phase_kind(phase_name)
    return next((pk.layer for pk in k.phase_kinds if pk.id == kind), "workload")


def _pattern_ref(pattern: Pattern | None, candidates: list[PatternMatch]) -> PatternRef | None:
    if pattern is None:
        return None
    reason = next((c.reason for c in candidates if c.pattern == pattern.id), "")
    return PatternRef(
        id=pattern.id,
        title=pattern.title,
        source=pattern.source,
        reason=reason,
        runners_up=[c for c in candidates if c.pattern != pattern.id][:3],
    )


def _environments(loaded: LoadedSpec, k: Knowledge, report: ProbeReport | None) -> list[str]:
    """Rollout environments: the spec's, else those the change touches, else the usual path."""
    order = [x.id for x in k.environments]
    named = {
        x.id
        for x in (k.environment(n) for n in loaded.spec.enhancement.environments)
        if x is not None
    }
    if named:
        return sorted(named, key=order.index)
    if report is not None and report.impact.environments:
        return [x for x in order if x in report.impact.environments]
    scope = k.scope(loaded.spec.enhancement.scope)
    # no environments named: the usual path to production, or none beyond dev
    default = ["dev", "staging", "prod"] if scope is None or scope.touches_prod else ["dev"]
    return [x for x in order if x in default]


def _experts(
    loaded: LoadedSpec, k: Knowledge, decisions: dict[str, Decision], pattern: Pattern | None
) -> list[ExpertRole]:
    tasks: dict[str, list[str]] = {}
    for a in loaded.spec.planning_agents:
        tasks.setdefault(a.agent, []).append(a.task)
    rules: dict[str, set[str]] = {}
    for d in decisions.values():
        for t in d.trace:
            rules.setdefault(t.expert, set()).add(t.rule)
    roles = []
    for expert in k.experts:  # knowledge order: stable and meaningful
        if expert.id in tasks or expert.id in rules:
            roles.append(
                ExpertRole(
                    id=expert.id,
                    title=expert.title,
                    tasks=[t for t in tasks.get(expert.id, []) if t],
                    covers=list(expert.covers),
                    rules=sorted(rules.get(expert.id, set())),
                )
            )
    return roles


def _stages(
    k: Knowledge, decisions: dict[str, Decision], pattern: Pattern | None
) -> list[StagePlan]:
    out = []
    for stage in sorted(k.stages, key=lambda s: s.number):
        out.append(
            StagePlan(
                id=stage.id,
                number=stage.number,
                title=stage.title,
                timebox=stage.timebox,
                agents=list(stage.agents),
                groups=[
                    TaskGroupPlan(title=g.title, agents=list(g.agents), tasks=list(g.tasks))
                    for g in stage.groups
                ],
                specific=list(pattern.stages.get(stage.id, [])) if pattern else [],
                decisions=[d.id for d in k.dimensions if d.stage == stage.id],
                output=stage.output,
            )
        )
    return out


def plan_facts_for(loaded: LoadedSpec, base: Base) -> list[Fact]:
    pattern, _ = match_pattern(loaded, base.knowledge)
    return spec_facts(loaded, base.knowledge, pattern)


__all__ = ["Base", "Plan", "build_plan", "decision_fact", "load_base"]
