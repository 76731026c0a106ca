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
from engine.facts.current import current_facts, shared_facts
from engine.facts.estate import estate_facts
from engine.facts.spec import spec_facts
from engine.knowledge.grounding import InPlaceEffect
from engine.knowledge.model import Knowledge, Pattern
from engine.match.change import TraitEvidence, change_model
from engine.match.choose import match_pattern, phases_for
from engine.match.current import current_state, setting_counts, shared_files
from engine.match.grounded import ground_report
from engine.match.impact import ProbeReport, run_probes
from engine.match.reach import Reach
from engine.match.subject import Subject, deploy_namespaces, find_subjects
from engine.match.upgrade_path import UpgradePath, upgrade_paths
from engine.plan.ground import ground_texts, grounding, keeps
from engine.plan.hops import installation_hops_of, placed_hops
from engine.plan.metrics import success_metrics
from engine.plan.model import (
    AgentTask,
    EnhancementSummary,
    FactRecord,
    InputDigest,
    Inputs,
    PhasePlan,
    Plan,
    ProbeSummary,
    RepositoryDigest,
)
from engine.plan.prose import template_prose
from engine.plan.rollout import RolloutPlan, plan_rollout
from engine.plan.sections import experts, pattern_ref, stages
from engine.plan.targets import (
    estate_controllers,
    phase_targets,
    point_targets,
    root_order,
    terraform_roots,
)
from engine.plan.waivers import apply_waivers, validate_waivers
from engine.plan.wording import (
    done_by,
    estate_words,
    in_place_effects,
    rewriter,
    still_applies,
)
from engine.spec.declared import spec_regimes
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
    subjects = find_subjects(loaded, k, estate) if estate is not None else []
    report = (
        run_probes(estate, k, pattern, graph, deploy_namespaces(subjects, estate, k))
        if estate is not None and graph is not None
        else None
    )
    if report is not None and estate is not None and graph is not None:
        report = ground_report(report, subjects, pattern, estate, graph, k)
    reach = (
        Reach(
            frozenset(_declared(loaded, k)),
            {c.name: c.environment for c in estate.clusters},
            frozenset(x.id for x in k.environments),
        )
        if estate is not None
        else None
    )
    paths = (
        upgrade_paths(subjects, e.target_version, estate, k, reach) if estate is not None else []
    )
    validate_waivers(loaded, kb)
    day = today or datetime.now(UTC).date()
    phases, phase_source = phases_for(loaded, pattern, k)
    evidence = change_model(loaded, k, pattern, phases)
    facts = [
        *spec_facts(loaded, k, pattern, day, evidence),
        *estate_facts(estate, k, report, pattern, reach),
        *current_facts(
            loaded,
            estate,
            subjects,
            paths,
            setting_counts(estate, k) if estate is not None else [],
        ),
        *shared_facts(
            shared_files(
                report.integration_points,
                estate,
                _declared(loaded, k),
                {c.id for c in k.controllers if c.merged},
            )
            if estate is not None and report is not None
            else []
        ),
    ]
    outcome = evaluate(kb, facts)
    decisions, found, found_findings, diagnostics = (
        outcome.decisions,
        outcome.violations,
        outcome.findings,
        outcome.diagnostics,
    )
    effects = in_place_effects(decisions, k)
    reword = rewriter(
        k,
        estate_words(estate, loaded),
        {"upgrade_findings"} if report is None or not report.upgrades else set(),
    )
    decisions = {
        dim: d.model_copy(
            update={"trace": [t.model_copy(update={"because": reword(t.because)}) for t in d.trace]}
        )
        for dim, d in decisions.items()
    }
    found_findings = [f.model_copy(update={"message": reword(f.message)}) for f in found_findings]
    fallback = _environments(loaded, k, estate)
    rollout = _rollout(
        loaded,
        k,
        decisions,
        pattern,
        fallback,
        estate,
        report,
        graph,
        (subjects, paths),
        evidence,
        effects,
    )
    envs = list(dict.fromkeys(e for s in rollout.steps for e in s.environments)) or (
        fallback if not rollout.steps else []
    )
    grounded = grounding(
        k,
        rollout.steps,
        estate_read=estate is not None,
        flag=any(s.layer == k.feature_flag.layer for s in rollout.steps),
    )
    kept = {
        name: ground_texts([reword(t) for t in texts if still_applies(t, effects)], k, grounded)
        for name, texts in (
            ("risks", list(pattern.risks) if pattern else []),
            ("tests", list(pattern.tests) if pattern else []),
            ("rollback", list(pattern.rollback) if pattern and not spec.rollback else []),
            ("acceptance_criteria", list(pattern.acceptance_criteria) if pattern else []),
        )
    }
    if spec.rollback:  # what the spec declares is kept as written
        kept["rollback"] = [reword(spec.rollback)] if still_applies(spec.rollback, effects) else []
    texts = [  # already in place: the pattern texts as grounded as the rest
        *(pattern.risks if pattern else []),
        *(pattern.tests if pattern else []),
        *(t for notes in (pattern.stages.values() if pattern else []) for t in notes),
    ]
    already = [
        f"{t} — {e.title[:1].lower() + e.title[1:]}"
        for t in ground_texts(texts, k, grounded)
        for e in [next((x for x in effects if not still_applies(t, [x])), None)]
        if e is not None
    ]
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
            compliance=list(spec_regimes(spec, k)),
            owners=sorted(set(spec.owners)),
        ),
        pattern=pattern_ref(pattern, choice),
        pattern_choice=choice,
        change_model=evidence,
        decisions=decisions,
        experts=experts(loaded, k, decisions, pattern),
        stages=stages(k, decisions, pattern, loaded, effects, reword, grounded),
        implementation_phases=[
            PhasePlan(
                name=p.name,
                task=reword(p.task),
                kind=k.phase_kind(p.name, p.task),
                source=phase_source,
                done=done_by(p.task, effects),
            )
            for p in phases
        ],
        findings=found_findings,
        probes=[
            ProbeSummary(
                name=r.name,
                description=reword(r.description),
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
        current_state=current_state(estate, k, pattern, report.integration_points, subjects, reach)
        if estate is not None and report is not None
        else [],
        subjects=subjects,
        upgrades=paths,
        already_done=already,
        rollout_steps=rollout.steps,
        rollback_steps=rollout.rollback,
        rollback_summary=rollout.rollback_summary,
        emergency_stop=rollout.emergency_stop,
        risks=kept["risks"],
        tests=kept["tests"],
        rollback=kept["rollback"],
        acceptance_criteria=kept["acceptance_criteria"],
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
    category = decisions["category"].value if "category" in decisions else None
    metrics = success_metrics(
        k,
        pattern.id if pattern else None,
        category if isinstance(category, str) else e.category,
        plan.probes,
        plan.current_state,
        reword,
        lambda text: keeps(text, k, grounded, reads=True),
    )
    plan = plan.model_copy(update={"success_metrics": metrics})
    return plan.model_copy(update={"prose": template_prose(plan)})


def _rollout(
    loaded: LoadedSpec,
    k: Knowledge,
    decisions: dict[str, Decision],
    pattern: Pattern | None,
    fallback: list[str],
    estate: Estate | None,
    report: ProbeReport | None,
    graph: nx.DiGraph | None,
    upgrading: tuple[list[Subject], list[UpgradePath]],
    evidence: list[TraitEvidence],
    effects: list[InPlaceEffect],
) -> RolloutPlan:
    """The rollout: of the integration points when the estate has any, else of the phases;
    nothing when the estate does not run what the change is about."""
    subjects, paths = upgrading

    def decided(dim: str) -> str:  # the first value of its vocabulary when no rule decided it
        value = decisions[dim].value
        return value if isinstance(value, str) else k.vocabulary(dim)[0]

    from_estate = estate is not None and report is not None and bool(report.integration_points)
    if any(e.rollout == "none" for e in effects):
        targets = []
    elif from_estate and estate is not None and report is not None:
        installs = {i for s in subjects if s.present for i in s.installs}
        present = [s.tool for s in subjects if s.present]
        targets = point_targets(
            report.integration_points,
            k,
            estate,
            sequence=present,
            installs=installs,
            terraform_only=any(s.kind != "tool" for s in subjects),
        )
    else:
        phases = phases_for(loaded, pattern, k)[0]
        controllers = estate_controllers(estate, k) if estate is not None else None
        targets = phase_targets(phases, k, controllers)
    done = {}
    for t in targets:
        for effect in effects:
            by_probes = bool(effect.probes) and set(t.probes) <= set(effect.probes)
            by_phase = t.id.startswith("phase:") and done_by(t.what, [effect])
            if (effect.installs and t.installs) or (by_probes and t.probes) or by_phase:
                done[t.id] = effect.title
                break
    order = root_order(estate) if estate is not None else {}
    declared = _declared(loaded, k)
    return plan_rollout(
        targets,
        k,
        environments=fallback,
        strategy=decided("implementation_strategy"),
        deployment=decided("deployment_strategy"),
        feature_flag=loaded.spec.feature_flag,
        # a pattern's flag is a suggestion: against repositories, only a declared flag has steps
        pattern_flag=bool(pattern and pattern.feature_flag) and estate is None,
        graph=graph if from_estate else None,
        apply_folders=terraform_roots(estate) if from_estate and estate is not None else None,
        declared=declared,
        cluster_envs={c.name: c.environment for c in estate.clusters} if estate else {},
        root_rank=lambda repo, module: (order.get((repo, module), len(order)), module),
        traits={t.trait for t in evidence},
        done=done,
        hops=installation_hops_of(targets, subjects, paths, k, estate) if estate else {},
        placed=placed_hops(targets, subjects, paths, k, estate) if estate is not None else {},
        migrations={u.id for u in report.upgrades} if report is not None else set(),
    )


def _environments(loaded: LoadedSpec, k: Knowledge, estate: Estate | None) -> list[str]:
    """Environments of a rollout no repository evidences: the spec's, else — only when no
    repository was read — the usual path to production (or its first environment only)."""
    order = [x.id for x in k.environments]
    named = {
        x.id
        for x in (k.environment(n) for n in loaded.spec.enhancement.environments)
        if x is not None
    }
    if named:
        return sorted(named, key=order.index)
    if estate is not None:
        return []  # infraplan never assumes environments an estate does not evidence
    scope = k.scope(loaded.spec.enhancement.scope)
    usual = [x.id for x in k.environments if x.usual_path]
    return usual if scope is None or scope.touches_prod else usual[:1]


def _declared(loaded: LoadedSpec, k: Knowledge) -> list[str]:
    """The environments the spec declares, as the vocabulary names them."""
    named = (k.environment(n) for n in loaded.spec.enhancement.environments)
    return [x.id for x in named if x is not None]
