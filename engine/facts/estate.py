"""Rule facts from the estate: what the repositories hold (`estate`, `estate_environment`), the
probes' answers (`probe`, one per environment), the change's `impact` and the `tool` a pattern
introduces or changes. Absence is data: counts of 0, `present: false`."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, get_args

from engine.facts.schema import Fact, make_fact

if TYPE_CHECKING:  # the estate's modules load only when there is an estate (not for `check`)
    from engine.estate.model import Estate
    from engine.knowledge.model import Knowledge, Pattern
    from engine.match.impact import ProbeReport
    from engine.match.probes import ProbeResult
    from engine.match.reach import Reach

MAX_EVIDENCE_IN_FACTS = 10


def estate_facts(
    estate: Estate | None,
    knowledge: Knowledge,
    report: ProbeReport | None,
    pattern: Pattern | None = None,
    reach: Reach | None = None,
) -> list[Fact]:
    """`estate`, `probe` and `impact` facts for the rules. Absence is data: counts of 0. A
    probe counts only what the change can reach (`reach`: the spec's environments): a
    staging-only change finds no production node pool."""
    if estate is None or report is None:
        return [
            make_fact(
                "estate",
                "estate",
                read=False,
                repos=0,
                environments=0,
                has_prod=False,
                clusters=0,
                owners=0,
                has_codeowners=False,
                diagnostics=0,
            )
        ]
    from engine.match.impact import clusters_per_environment
    from engine.match.probes import ProbeResult

    objects = estate.cluster_objects()
    env_ids = (
        {e for o in objects for e in o.environments}
        | {b.environment for b in estate.terraform if b.environment}
        | {t.environment for t in estate.tfvars if t.environment}
    )
    prod_ids = {e.id for e in knowledge.environments if e.prod}
    facts = [
        make_fact(
            "estate",
            "estate",
            read=True,
            repos=len(estate.repos),
            environments=len(env_ids),
            has_prod=bool(env_ids & prod_ids),
            clusters=len({c for o in objects for c in o.clusters}),
            owners=len({x for r in estate.codeowners for x in r.owners}),
            has_codeowners=bool(estate.codeowners),
            diagnostics=len(estate.diagnostics),
        )
    ]
    facts.extend(
        make_fact(
            "estate_environment",
            env.id,
            name=env.id,
            present=env.id in env_ids,
            prod=env.prod,
        )
        for env in knowledge.environments
    )
    upgrades = [f for f in report.upgrades if not (reach and reach.outside(f.environments))]
    report = report.model_copy(update={"upgrades": upgrades})
    extra = [
        ProbeResult(
            name="deprecated-apis",
            description="Objects on deprecated API versions",
            count=sum(f.status == "deprecated" for f in report.upgrades),
            by_environment=dict(
                Counter(
                    e for f in report.upgrades if f.status == "deprecated" for e in f.environments
                )
            ),
            by_cluster={},
            evidence=[],
        ),
        ProbeResult(
            name="removed-apis",
            description="Objects on removed API versions",
            count=sum(f.status == "removed" for f in report.upgrades),
            by_environment=dict(
                Counter(e for f in report.upgrades if f.status == "removed" for e in f.environments)
            ),
            by_cluster={},
            evidence=[],
        ),
    ]
    upgrade_evidence = {
        "deprecated": [f.id for f in report.upgrades if f.status == "deprecated"],
        "removed": [f.id for f in report.upgrades if f.status == "removed"],
    }
    for result in [*(within(r, reach) for r in report.results), *extra]:
        evidence = [e.id for e in result.evidence] or upgrade_evidence.get(
            result.name.split("-")[0], []
        )
        envs_with = [e for e, n in result.by_environment.items() if n]
        facts.append(
            make_fact(
                "probe",
                f"{result.name}:all",
                evidence=evidence[:MAX_EVIDENCE_IN_FACTS],
                name=result.name,
                environment="all",
                count=result.count,
                environments=len(envs_with),
                clusters=len([c for c, n in result.by_cluster.items() if n]),
            )
        )
        for env in knowledge.environments:
            count = result.by_environment.get(env.id, 0)
            # an environment outside the change's reach holds nothing of it
            here = [
                e
                for e in result.evidence
                if env.id in e.environments
                and not (reach and reach.environments and env.id not in reach.environments)
            ]
            facts.append(
                make_fact(
                    "probe",
                    f"{result.name}:{env.id}",
                    evidence=[e.id for e in here][:MAX_EVIDENCE_IN_FACTS],
                    name=result.name,
                    environment=env.id,
                    count=count,
                    environments=1 if count else 0,
                    clusters=len({c for e in here for c in e.clusters}),
                )
            )
    impact = report.impact
    points = report.integration_points
    facts.append(
        make_fact(
            "impact",
            "impact",
            evidence=[p.id for p in points][:MAX_EVIDENCE_IN_FACTS],
            integration_points=len(points),
            environments=len(impact.environments),
            clusters=len(impact.clusters),
            owners=len(impact.owners),
            repos=len(impact.repos),
            dependents=impact.dependents_total,
            prod_points=sum(1 for p in points if set(p.environments) & prod_ids),
            clusters_per_environment=clusters_per_environment(points, estate),
        )
    )
    if pattern is not None and pattern.tool_probe:
        tool = next((r for r in report.results if r.name == pattern.tool_probe), None)
        count = tool.count if tool else 0
        facts.append(
            make_fact(
                "tool",
                pattern.tool_probe,
                evidence=[e.id for e in tool.evidence][:MAX_EVIDENCE_IN_FACTS] if tool else [],
                pattern=pattern.id,
                probe=pattern.tool_probe,
                count=count,
                present=count > 0,
            )
        )
    facts.extend(truth_facts(estate, report))
    return facts


def within(result: ProbeResult, reach: Reach | None) -> ProbeResult:
    """A probe's answer counting only what the change reaches."""
    if reach is None or not reach.environments:
        return result
    kept = [e for e in result.evidence if not reach.outside(e.environments, e.clusters)]
    return result.model_copy(
        update={
            "count": len(kept),
            "evidence": kept,
            "by_environment": {
                e: n for e, n in result.by_environment.items() if e in reach.environments
            },
            "by_cluster": dict(sorted(Counter(c for e in kept for c in e.clusters).items())),
        }
    )


# a version record's attribute → the `subject` of its `version` fact
VERSION_SUBJECTS = {
    "chart_version": "chart",
    "app_version": "app",
    "image_tag": "image",
    "kubernetes_version": "kubernetes",
    "required_version": "terraform",
    "version_constraint": "provider",
    "module_version": "module",
    "api_version": "api",
}
_NUMBERS = re.compile(r"(\d+)(?:\.(\d+))?")


def _version_name(subject: str, record_subject: str) -> str:
    """`module envs/dev: provider.aws` → `aws`; `module.eks` → `eks`."""
    name = record_subject.rsplit(": ", 1)[-1]
    return name.split(".", 1)[1] if subject in {"provider", "module"} and "." in name else name


def truth_facts(estate: Estate | None, report: ProbeReport | None) -> list[Fact]:
    """`version` facts (one per subject, name and value declared by what may run), the estate's
    `liveness` and one `delivery` fact per controller (0 included)."""
    if estate is None:
        return []
    from engine.estate.model import DeliveredBy

    versions: dict[tuple[str, str, str], list[bool]] = {}
    for r in estate.versions:
        subject = VERSION_SUBJECTS.get(r.attribute)
        if subject is None or r.live is False:
            continue
        key = (subject, _version_name(subject, r.subject), r.value)
        versions.setdefault(key, []).append(r.live is True)
    facts = []
    for (subject, name, value), lives in sorted(versions.items()):
        numbers = _NUMBERS.search(value.rsplit("/", 1)[-1] if subject == "api" else value)
        facts.append(
            make_fact(
                "version",
                f"{subject}:{name}:{value}",
                subject=subject,
                name=name,
                value=value,
                major=int(numbers.group(1)) if numbers else 0,
                minor=int(numbers.group(2) or 0) if numbers else 0,
                live=any(lives),
                count=len(lives),
            )
        )
    delivered = [o.delivery for o in estate.objects if o.role == "object"] + [
        b.delivery for b in estate.terraform if b.block in {"resource", "data", "module"}
    ]
    facts.append(
        make_fact(
            "liveness",
            "estate",
            objects=len(delivered),
            live=sum(d.live is True for d in delivered),
            not_live=sum(d.live is False for d in delivered),
            unknown=sum(d.live is None for d in delivered),
            kept_apart=sum(bool(d.kept_apart) for d in delivered),
            left_out=sum(g.count for g in report.impact.left_out) if report is not None else 0,
        )
    )
    by_controller = Counter(d.delivered_by for d in delivered if d.live is True)
    facts.extend(
        make_fact("delivery", controller, controller=controller, objects=by_controller[controller])
        for controller in get_args(DeliveredBy)
    )
    return facts
