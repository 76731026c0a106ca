"""The probe report grounded in the request's subject: a generic upgrade (a pattern whose upgrade
notes apply to any tool, `upgrade_tools: ["*"]`, or that is `subject_scoped`, as a database
engine upgrade is) that names what it upgrades touches that and
nothing else — its installations and objects, a provider's `required_providers` entries and the
versioned module calls constraining it, and its objects on deprecated or removed APIs — not
every HelmRelease of the estate. Every integration point carries the version it runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.estate.model import Estate, K8sObject, TerraformFact
from engine.knowledge.model import Knowledge, Pattern
from engine.match.impact import IntegrationPoint, ProbeReport, impact_of
from engine.match.probes import module_environments, object_evidence, terraform_evidence
from engine.match.subject import Subject, subject_points
from engine.match.upgrade_path import parse_version

if TYPE_CHECKING:
    import networkx as nx


def _block_version(b: TerraformFact) -> str:
    """A block's version; a module's chart its callers install at several versions, all of them."""
    charts = sorted(
        {v.value for v in b.versions if v.attribute == "chart_version"},
        key=lambda v: (parse_version(v) or (0, 0, 0), v),
    )
    return ", ".join(charts) if len(charts) > 1 else b.delivery.version or b.version


def _versioned(points: list[IntegrationPoint], estate: Estate) -> list[IntegrationPoint]:
    versions = {o.where: o.delivery.version for o in estate.objects} | {
        b.where: _block_version(b) for b in estate.terraform
    }
    return [p.model_copy(update={"version": versions.get(p.id, "") or p.version}) for p in points]


def ground_report(
    report: ProbeReport,
    subjects: list[Subject],
    pattern: Pattern | None,
    estate: Estate,
    graph: nx.DiGraph,
    knowledge: Knowledge,
) -> ProbeReport:
    """The report with versions on its integration points, narrowed to the subjects for a
    generic upgrade that names them."""
    generic = pattern is not None and ("*" in pattern.upgrade_tools or pattern.subject_scoped)
    if not (generic and subjects):
        points = _versioned(report.integration_points, estate)
        if generic:  # upgrading a tool the knowledge does not know: no other tool's notes apply
            return report.model_copy(update={"integration_points": points, "upgrades": []})
        return report.model_copy(update={"integration_points": points})
    ids = subject_points(subjects, estate, knowledge)
    tools = {s.tool for s in subjects}
    upgrades = [u for u in report.upgrades if u.tool in tools]
    ids |= {u.id for u in upgrades}
    by_id = {p.id: p for p in report.integration_points}
    items = {o.where: o for o in estate.objects} | {b.where: b for b in estate.terraform}
    envs = module_environments(estate)
    points = []
    for i in sorted(ids):
        if i in by_id:
            points.append(by_id[i])
            continue
        item = items[i]
        evidence = (
            object_evidence(item) if isinstance(item, K8sObject) else terraform_evidence(item, envs)
        )
        points.append(IntegrationPoint(**evidence.model_dump(), probes=["subject"]))
    points = _versioned(points, estate)
    impact = impact_of(points, graph, knowledge).model_copy(
        update={"left_out": report.impact.left_out}
    )
    return report.model_copy(
        update={"integration_points": points, "upgrades": upgrades, "impact": impact}
    )
