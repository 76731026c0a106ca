"""Rule facts from the spec: the enhancement, its agents, phases and phase kinds, the traits of
its category and pattern, environments, compliance regimes and waivers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from engine.facts.schema import Fact, make_fact, unique
from engine.knowledge.model import Knowledge, Pattern
from engine.match.change import TraitEvidence, change_model, phases_are_evidence
from engine.match.choose import phases_for
from engine.spec.declared import spec_regimes
from engine.spec.model import LoadedSpec


def spec_facts(
    loaded: LoadedSpec,
    knowledge: Knowledge,
    pattern: Pattern | None,
    today: date | None = None,
    evidence: list[TraitEvidence] | None = None,
) -> list[Fact]:
    """Compact, typed facts about the enhancement for the rules engine."""
    spec, e = loaded.spec, loaded.spec.enhancement
    at = loaded.origin
    scope = knowledge.scope(e.scope)
    envs = [knowledge.environment(name) for name in e.environments]
    env_ids = sorted({x.id for x in envs if x is not None})
    touches_prod = (
        any(x.prod for x in envs if x is not None) if envs else bool(scope and scope.touches_prod)
    )
    agents = [(a, knowledge.expert(a.agent)) for a in spec.planning_agents]
    phases, phase_source = phases_for(loaded, pattern, knowledge)
    evidence = change_model(loaded, knowledge, pattern, phases) if evidence is None else evidence
    regimes = spec_regimes(spec, knowledge)
    facts = [
        make_fact(
            "enhancement",
            e.name,
            origins={
                "name": at("enhancement", "name"),
                "category": at("enhancement", "category"),
                "scope": at("enhancement", "scope"),
                "pattern": at("enhancement", "pattern") if e.pattern else at("enhancement"),
                "touches_prod": at("enhancement", "environments")
                if e.environments
                else at("enhancement", "scope"),
                "multi_cluster_scope": at("enhancement", "scope"),
                "environment_count": at("enhancement", "environments"),
                "cluster_count": at("enhancement", "clusters"),
                "repo_count": at("enhancement", "repos"),
                "agent_count": at("planning_agents"),
                "phase_count": at("implementation_phases"),
                "security_agent_count": at("planning_agents"),
                "has_declared_risk": at("risk"),
                "declared_risk": at("risk"),
                "has_declared_strategy": at("strategy"),
                "declared_strategy": at("strategy"),
                "has_rollback": at("rollback"),
                "has_feature_flag": at("feature_flag"),
                "has_change_window": at("change_window"),
                "has_owners": at("owners"),
                "compliance_count": at("compliance"),
                "authored": at("planning_agents"),
                "phases_authored": at("implementation_phases"),
                "urgency": at("urgency"),
            },
            name=e.name,
            category=e.category,
            scope=e.scope,
            pattern=pattern.id if pattern else "",
            touches_prod=touches_prod,
            multi_cluster_scope=bool(scope and scope.multi_cluster),
            environment_count=len(env_ids),
            cluster_count=len(set(e.clusters)),
            repo_count=len(set(e.repos)),
            agent_count=len({a.agent for a in spec.planning_agents}),
            phase_count=len(phases),
            security_agent_count=len({a.agent for a, x in agents if x is not None and x.security}),
            has_declared_risk=spec.risk is not None,
            declared_risk=spec.risk or "",
            has_declared_strategy=spec.strategy is not None,
            declared_strategy=spec.strategy or "",
            has_rollback=bool(spec.rollback and spec.rollback.strip()),
            has_feature_flag=bool(spec.feature_flag)
            or bool(pattern and pattern.feature_flag and spec.feature_flag is None),
            has_change_window=bool(spec.change_window and spec.change_window.strip()),
            has_owners=bool(spec.owners),
            compliance_count=len(regimes),
            authored=not loaded.request,
            phases_authored=phases_are_evidence(loaded, pattern, knowledge),
            urgency=spec.urgency or "",
        )
    ]
    for i, (a, expert) in enumerate(agents):
        facts.append(
            make_fact(
                "agent",
                a.agent,
                origins={"name": at("planning_agents", i), "security": at("planning_agents", i)},
                name=a.agent,
                security=bool(expert and expert.security),
            )
        )
    pattern_origin = f"pattern {pattern.id}" if pattern else ""

    def phase_origin(i: int) -> str:
        return at("implementation_phases", i) if phase_source == "spec" else pattern_origin

    for i, phase in enumerate(phases):
        kind = knowledge.phase_kind(phase.name, phase.task)
        facts.append(
            make_fact(
                "phase",
                f"{i}:{phase.name}",
                origins={"name": phase_origin(i), "kind": phase_origin(i)},
                name=phase.name,
                kind=kind,
            )
        )
    kinds = [knowledge.phase_kind(p.name, p.task) for p in phases]
    for kind in sorted(k.id for k in knowledge.phase_kinds):
        facts.append(
            make_fact(
                "phase_kind",
                kind,
                origins={
                    "count": at("implementation_phases")
                    if phase_source == "spec"
                    else f"pattern {pattern.id if pattern else ''}"
                },
                kind=kind,
                count=kinds.count(kind),
            )
        )
    by_trait: dict[str, list[TraitEvidence]] = {}
    for x in evidence:
        by_trait.setdefault(x.trait, []).append(x)
    for name in knowledge.traits:
        found = by_trait.get(name, [])
        origin = found[0].at if found else ""
        facts.append(
            make_fact(
                "trait",
                name,
                origins={"name": origin, "present": origin, "source": origin},
                name=name,
                present=bool(found),
                source="; ".join(x.source for x in found),
            )
        )
    for i, env_name in enumerate(e.environments):
        env = knowledge.environment(env_name)
        if env is not None:
            facts.append(
                make_fact(
                    "environment",
                    env.id,
                    origins={
                        "name": at("enhancement", "environments", i),
                        "prod": at("enhancement", "environments", i),
                    },
                    name=env.id,
                    prod=env.prod,
                )
            )
    for regime, said in regimes.items():
        where = at("compliance") if said == "compliance" else at("enhancement", "summary")
        facts.append(make_fact("compliance", regime, origins={"name": where}, name=regime))
    day = today or datetime.now(UTC).date()
    for i, waiver in enumerate(spec.waivers):
        where = at("waivers", i)
        facts.append(
            make_fact(
                "waiver",
                f"{i}:{waiver.rule}",
                origins=dict.fromkeys(
                    ("rule", "has_reason", "has_owner", "has_expiry", "expired"), where
                ),
                rule=waiver.rule,
                has_reason=bool(waiver.reason.strip()),
                has_owner=bool(waiver.owner.strip()),
                has_expiry=waiver.expires is not None,
                expired=waiver.expires is not None and waiver.expires < day,
            )
        )
    return unique(facts)
