"""Building the plan: from a validated spec (and the estate) to the whole Plan.

    pattern choice → graph and probes → rule facts → decisions (rules) → rollout → prose

Pure: reads no file, and gives the same plan for the same inputs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from engine.decide.base import KnowledgeBase
from engine.decide.evaluate import evaluate
from engine.decide.results import Decision
from engine.estate.discover import Diagnostic
from engine.estate.graph import build_graph
from engine.estate.model import Estate
from engine.facts.estate import estate_facts
from engine.facts.spec import spec_facts
from engine.knowledge.model import Knowledge, Pattern
from engine.match.change import change_model
from engine.match.choose import PatternChoice, match_pattern, phases_for
from engine.match.impact import ProbeReport, run_probes
from engine.plan.model import (
    AgentTask,
    EnhancementSummary,
    ExpertRole,
    FactRecord,
    InputDigest,
    Inputs,
    PatternRef,
    PhasePlan,
    Plan,
    ProbeSummary,
    RepositoryDigest,
    StagePlan,
    TaskGroupPlan,
)
from engine.plan.prose import template_prose
from engine.plan.rollout import RolloutPlan, plan_rollout
from engine.plan.targets import phase_targets, point_targets, terraform_roots
from engine.plan.waivers import apply_waivers, validate_waivers
from engine.spec.model import LoadedSpec

if TYPE_CHECKING:
    import networkx as nx

MAX_EVIDENCE = 50


def build_plan(
    loaded: LoadedSpec, kb: KnowledgeBase, estate: Estate | None = None, today: date | None = None
) -> Plan:
    """From a validated spec (and the estate's facts) to a whole plan. Pure: reads no file."""
    k = kb.knowledge
    spec, e = loaded.spec, loaded.spec.enhancement
    pattern, choice = match_pattern(loaded, k)
    graph = build_graph(estate, k) if estate is not None else None
    report = (
        run_probes(estate, k, pattern, graph) if estate is not None and graph is not None else None
    )
    validate_waivers(loaded, kb)
    day = today or datetime.now(UTC).date()
    phases, phase_source = phases_for(loaded, pattern, k)
    evidence = change_model(loaded, k, pattern, phases)
    facts = [
        *spec_facts(loaded, k, pattern, day, evidence),
        *estate_facts(estate, k, report, pattern),
    ]
    outcome = evaluate(kb, facts)
    decisions, found, found_findings, diagnostics = (
        outcome.decisions,
        outcome.violations,
        outcome.findings,
        outcome.diagnostics,
    )
    envs = _environments(loaded, k, report)
    rollout = _rollout(loaded, k, decisions, pattern, envs, estate, report, graph)
    plan = Plan(
        inputs=Inputs(
            request=loaded.request,
            # the day matters only when a waiver can expire; recorded so verify replays it
            evaluated_on=day.isoformat() if any(w.expires for w in spec.waivers) else "",
            spec=InputDigest(path=loaded.display, sha256=loaded.sha256),
            rules=kb.rulebook.digest,
            knowledge=k.digest,
            rule_files=list(kb.rulebook.files),
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
        pattern=_pattern_ref(pattern, choice),
        pattern_choice=choice,
        change_model=evidence,
        decisions=decisions,
        experts=_experts(loaded, k, decisions, pattern),
        stages=_stages(k, decisions, pattern),
        implementation_phases=[
            PhasePlan(
                name=p.name, task=p.task, kind=k.phase_kind(p.name, p.task), source=phase_source
            )
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


def _rollout(
    loaded: LoadedSpec,
    k: Knowledge,
    decisions: dict[str, Decision],
    pattern: Pattern | None,
    envs: list[str],
    estate: Estate | None,
    report: ProbeReport | None,
    graph: nx.DiGraph | None,
) -> RolloutPlan:
    """The rollout: of the integration points when the estate has any, else of the phases."""

    def decided(dim: str) -> str:  # the first value of its vocabulary when no rule decided it
        value = decisions[dim].value
        return value if isinstance(value, str) else k.vocabulary(dim)[0]

    from_estate = estate is not None and report is not None and bool(report.integration_points)
    return plan_rollout(
        point_targets(report.integration_points, k)
        if from_estate and report is not None
        else phase_targets(phases_for(loaded, pattern, k)[0], k),
        k,
        environments=envs,
        strategy=decided("implementation_strategy"),
        deployment=decided("deployment_strategy"),
        feature_flag=loaded.spec.feature_flag,
        pattern_flag=bool(pattern and pattern.feature_flag),
        graph=graph if from_estate else None,
        apply_folder=terraform_roots(estate) if from_estate and estate is not None else None,
    )


def _pattern_ref(pattern: Pattern | None, choice: PatternChoice) -> PatternRef | None:
    if pattern is None:
        return None
    return PatternRef(
        id=pattern.id,
        title=pattern.title,
        source=pattern.source,
        reason=choice.reason,
        confidence=choice.confidence,
        runners_up=[c for c in choice.candidates if c.pattern != pattern.id][:3],
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
    # no environments named: the usual path to production, or its first environment only
    usual = [x.id for x in k.environments if x.usual_path]
    return usual if scope is None or scope.touches_prod else usual[:1]


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
                minutes=stage.minutes,
                holds_rollout=stage.holds_rollout,
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
