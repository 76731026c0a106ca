"""Match an enhancement to a knowledge pattern, and turn the spec into facts for the rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

from engine.facts import Fact, make_fact
from engine.knowledge import Knowledge, Pattern
from engine.models import Out, Phase
from engine.spec import LoadedSpec


class PatternMatch(Out):
    pattern: str
    score: int
    reason: str


def match_pattern(
    loaded: LoadedSpec, knowledge: Knowledge
) -> tuple[Pattern | None, list[PatternMatch]]:
    """The pattern for a spec: named explicitly, else the best-scoring one of its category.

    Scoring is the free-text intake's (engine/intake.py) over the spec's name and summary, plus
    50 when the spec's name is the pattern's example name. Returns the chosen pattern and every
    candidate, best first (ties broken by pattern id, never by file order).
    """
    from engine.intake import concepts, score_patterns

    e = loaded.spec.enhancement
    if e.pattern:
        chosen = knowledge.pattern(e.pattern)
        return chosen, [PatternMatch(pattern=e.pattern, score=100, reason="named in the spec")]
    found = concepts(" ".join([e.name.replace("-", " "), e.summary]), knowledge)
    scored = {c.id: (c.score, c.reason) for c in score_patterns(found, knowledge, e.category)}
    for p in knowledge.patterns:
        if p.category == e.category and p.name == e.name:
            score, reason = scored.get(p.id, (0, ""))
            scored[p.id] = (
                score + 50,
                "; ".join(r for r in (f'spec name is the example name "{p.name}"', reason) if r),
            )
    candidates = sorted(
        (
            PatternMatch(pattern=pid, score=score, reason=reason)
            for pid, (score, reason) in scored.items()
        ),
        key=lambda m: (-m.score, m.pattern),
    )
    chosen = knowledge.pattern(candidates[0].pattern) if candidates else None
    return chosen, candidates


def phases_for(loaded: LoadedSpec, pattern: Pattern | None) -> tuple[list[Phase], str]:
    """The implementation phases the plan follows and where they came from."""
    if loaded.spec.implementation_phases:
        return list(loaded.spec.implementation_phases), "spec"
    if pattern is not None and pattern.implementation_phases:
        return list(pattern.implementation_phases), f"pattern {pattern.id}"
    if pattern is not None and pattern.suggested_phases:
        return list(pattern.suggested_phases), f"pattern {pattern.id} (suggested)"
    return [], "none"


def spec_facts(
    loaded: LoadedSpec, knowledge: Knowledge, pattern: Pattern | None, today: date | None = None
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
    phases, phase_source = phases_for(loaded, pattern)
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
            compliance_count=len(set(spec.compliance)),
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
        kind = knowledge.phase_kind(phase.name)
        facts.append(
            make_fact(
                "phase",
                f"{i}:{phase.name}",
                origins={"name": phase_origin(i), "kind": phase_origin(i)},
                name=phase.name,
                kind=kind,
            )
        )
    kinds = [knowledge.phase_kind(p.name) for p in phases]
    for kind in sorted({k.id for k in knowledge.phase_kinds} | {"other"}):
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
    category = knowledge.category(e.category)
    traits: dict[str, tuple[str, str]] = {}
    for t in category.traits if category else []:
        traits.setdefault(t, (f"category {e.category}", at("enhancement", "category")))
    for t in pattern.traits if pattern else []:
        traits.setdefault(t, (pattern_origin, pattern_origin))
    for name in knowledge.traits:
        source, origin = traits.get(name, ("", ""))
        facts.append(
            make_fact(
                "trait",
                name,
                origins={"name": origin, "present": origin, "source": origin},
                name=name,
                present=name in traits,
                source=source,
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
    for regime in sorted(set(spec.compliance)):
        facts.append(
            make_fact("compliance", regime, origins={"name": at("compliance")}, name=regime)
        )
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
    return _unique(facts)


def _unique(facts: list[Fact]) -> list[Fact]:
    seen: dict[str, Fact] = {}
    for f in facts:
        seen.setdefault(f.id, f)
    return list(seen.values())
