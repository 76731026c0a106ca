"""Probes: what a pattern asks of the estate, answered with counts and evidence.

A probe (knowledge/probes.yaml) selects facts: Kubernetes kinds, Terraform resource types and
module sources, HelmRelease charts, Helm charts, workflows, or Kyverno policies enforcing on the
kinds the change creates. Its result counts matches per environment and per cluster, with the
evidence (repo/path:line) rules and readers can check. From the probes come the rules' `probe`
facts, the plan's integration points, the impact (environments, clusters, owners, dependents)
and, for upgrades, the objects on deprecated or removed API versions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from pydantic import Field

from engine.estate import Estate, K8sObject, TerraformFact
from engine.extract.kubernetes import HelmRelease, KyvernoPolicy
from engine.facts import Fact, make_fact
from engine.knowledge import Knowledge, Pattern, Probe
from engine.models import Out

if TYPE_CHECKING:
    import networkx as nx

MAX_EVIDENCE_IN_FACTS = 10
MAX_GRAPH_NODES = 40


class Evidence(Out):
    """One fact a probe matched."""

    id: str  # repo/path:line, also the graph node id
    repo: str
    path: str
    line: int
    what: str
    environments: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    owners: list[str] = Field(default_factory=list)
    kind: str = ""  # Kubernetes kind, or terraform, chart, workflow


class ProbeResult(Out):
    name: str
    description: str
    count: int
    by_environment: dict[str, int]
    by_cluster: dict[str, int]
    evidence: list[Evidence]


class UpgradeFinding(Out):
    """An object on an API version that a known upgrade deprecates or removes."""

    id: str
    tool: str
    kind: str
    name: str
    api_version: str
    replacement: str
    status: str
    since: str
    note: str
    environments: list[str]
    owners: list[str]


class IntegrationPoint(Evidence):
    probes: list[str]


class Dependent(Out):
    id: str
    what: str
    owners: list[str]


class GraphNode(Out):
    id: str
    label: str
    integration_point: bool


class GraphEdge(Out):
    source: str
    target: str
    kind: str


class Impact(Out):
    environments: list[str]
    clusters: list[str]
    owners: list[str]
    repos: list[str]
    dependents: list[Dependent]
    dependents_total: int
    graph_nodes: list[GraphNode] = Field(default_factory=list)
    graph_edges: list[GraphEdge] = Field(default_factory=list)


def _object_evidence(o: K8sObject) -> Evidence:
    namespace = f"{o.namespace}/" if o.namespace else ""
    return Evidence(
        id=o.where,
        repo=o.repo,
        path=o.path,
        line=o.line,
        what=f"{o.kind} {namespace}{o.name}",
        environments=o.environments,
        clusters=o.clusters,
        owners=o.owners,
        kind=o.kind,
    )


def module_environments(estate: Estate) -> dict[tuple[str, str], set[str]]:
    """The environments a Terraform module folder is used in, through local module calls."""
    from engine.graph import _join

    used: dict[tuple[str, str], set[str]] = defaultdict(set)
    for b in estate.terraform:
        if b.environment:
            used[(b.repo, b.module)].add(b.environment)
    calls = [
        (b, _join(b.module, b.source))
        for b in estate.terraform
        if b.block == "module" and b.source.startswith(("./", "../"))
    ]
    for _ in range(5):  # nested modules, a few levels deep
        changed = False
        for call, folder in calls:
            before = len(used[(call.repo, folder)])
            used[(call.repo, folder)] |= used[(call.repo, call.module)]
            changed |= len(used[(call.repo, folder)]) != before
        if not changed:
            break
    return used


def _terraform_evidence(b: TerraformFact, envs: dict[tuple[str, str], set[str]]) -> Evidence:
    environments = sorted({b.environment} - {""} or envs.get((b.repo, b.module), set()))
    where = b.module or "."
    return Evidence(
        id=b.where,
        repo=b.repo,
        path=b.path,
        line=b.line,
        what=f"{b.address} ({where})",
        environments=environments,
        owners=b.owners,
        kind="terraform",
    )


def _matches_chart(o: K8sObject, needles: list[str]) -> bool:
    if not isinstance(o.detail, HelmRelease):
        return False
    names = [o.detail.chart, o.name, o.detail.chart_ref.name if o.detail.chart_ref else ""]
    return any(needle.lower() in name.lower() for needle in needles for name in names if name)


def _kinds_match(policy: KyvernoPolicy, created: list[str]) -> bool:
    wanted = {k.lower() for k in created} | {k.lower() + "s" for k in created}
    return "*" in policy.kinds or any(k.lower() in wanted for k in policy.kinds)


def run_probe(
    probe: Probe, estate: Estate, pattern: Pattern | None, envs: dict[tuple[str, str], set[str]]
) -> ProbeResult:
    evidence: list[Evidence] = []
    objects = estate.cluster_objects()
    if probe.kinds or probe.encrypted:
        for o in objects:
            in_folder = not probe.folders or any(
                part in probe.folders for part in o.path.split("/")[:-1]
            )
            kind_ok = o.kind in probe.kinds and (
                not probe.api_groups or o.group in probe.api_groups
            )
            if in_folder and (kind_ok or (probe.encrypted and o.encrypted)):
                evidence.append(_object_evidence(o))
    if probe.helm_charts:
        evidence.extend(
            _object_evidence(o) for o in objects if _matches_chart(o, probe.helm_charts)
        )
    if probe.terraform:
        evidence.extend(
            _terraform_evidence(b, envs)
            for b in estate.terraform
            if b.block == "resource" and b.type in probe.terraform
        )
    if probe.modules:
        evidence.extend(
            _terraform_evidence(b, envs)
            for b in estate.terraform
            if b.block == "module" and any(m in b.source for m in probe.modules)
        )
    if probe.charts:
        for c in estate.charts:
            if c.name in probe.charts or any(d.name in probe.charts for d in c.dependencies):
                evidence.append(
                    Evidence(
                        id=f"{c.repo}/{c.path}:{c.line}",
                        repo=c.repo,
                        path=c.path,
                        line=c.line,
                        what=f"chart {c.name} {c.version}".strip(),
                        owners=c.owners,
                        kind="chart",
                    )
                )
    if probe.workflows:
        for w in estate.workflows:
            if any(needle.lower() in (w.name + " " + w.path).lower() for needle in probe.workflows):
                evidence.append(
                    Evidence(
                        id=f"{w.repo}/{w.path}:{w.line}",
                        repo=w.repo,
                        path=w.path,
                        line=w.line,
                        what=f"workflow {w.name or w.path}",
                        owners=w.owners,
                        kind="workflow",
                    )
                )
    if probe.enforcing_policies and pattern is not None and pattern.creates:
        for o in objects:
            if (
                isinstance(o.detail, KyvernoPolicy)
                and o.detail.action == "Enforce"
                and _kinds_match(o.detail, pattern.creates)
            ):
                ev = _object_evidence(o)
                evidence.append(
                    ev.model_copy(
                        update={"what": f"{ev.what} (Enforce on {', '.join(o.detail.kinds)})"}
                    )
                )
    unique = sorted({e.id: e for e in evidence}.values(), key=lambda e: e.id)
    by_env: Counter[str] = Counter(env for e in unique for env in e.environments)
    by_cluster: Counter[str] = Counter(c for e in unique for c in e.clusters)
    return ProbeResult(
        name=probe.name,
        description=probe.description,
        count=len(unique),
        by_environment=dict(sorted(by_env.items())),
        by_cluster=dict(sorted(by_cluster.items())),
        evidence=unique,
    )


def upgrade_findings(
    estate: Estate, knowledge: Knowledge, tools: list[str]
) -> list[UpgradeFinding]:
    """Objects on API versions the known upgrades of `tools` deprecate or remove (all tools if empty)."""
    notes = [u for u in knowledge.upgrades if not tools or u.tool in tools]
    out = []
    for o in estate.objects:
        if o.role not in {"object", "patch"}:
            continue
        for u in notes:
            if o.api_version == u.api_version and u.kind in {o.kind, "*"}:
                out.append(
                    UpgradeFinding(
                        id=o.where,
                        tool=u.tool,
                        kind=o.kind,
                        name=o.name,
                        api_version=o.api_version,
                        replacement=u.replacement,
                        status=u.status,
                        since=u.since,
                        note=u.note,
                        environments=o.environments,
                        owners=o.owners,
                    )
                )
                break
    return sorted(out, key=lambda f: (f.status != "removed", f.tool, f.id))


class ProbeReport(Out):
    results: list[ProbeResult]
    upgrades: list[UpgradeFinding]
    integration_points: list[IntegrationPoint]
    impact: Impact


def run_probes(
    estate: Estate, knowledge: Knowledge, pattern: Pattern | None, graph: nx.DiGraph
) -> ProbeReport:
    envs = module_environments(estate)
    names = pattern.probes if pattern else []
    by_name = {p.name: p for p in knowledge.probes}
    results = [run_probe(by_name[n], estate, pattern, envs) for n in names]
    tools = pattern.upgrade_tools if pattern else []
    # upgrade notes apply when the pattern names tools ("*": every tool the notes know)
    upgrades = upgrade_findings(estate, knowledge, [] if "*" in tools else tools) if tools else []
    points: dict[str, IntegrationPoint] = {}
    for result in results:
        if pattern is None or result.name not in pattern.integration:
            continue
        for e in result.evidence:
            if e.id in points:
                points[e.id] = points[e.id].model_copy(
                    update={"probes": sorted({*points[e.id].probes, result.name})}
                )
            else:
                points[e.id] = IntegrationPoint(**e.model_dump(), probes=[result.name])
    by_id = {o.where: o for o in estate.objects}
    for f in upgrades:
        if f.id not in points:
            obj = by_id[f.id]
            points[f.id] = IntegrationPoint(
                **_object_evidence(obj).model_dump(), probes=["upgrade-notes"]
            )
    ordered = sorted(points.values(), key=lambda p: p.id)
    return ProbeReport(
        results=results,
        upgrades=upgrades,
        integration_points=ordered,
        impact=_impact(ordered, graph, knowledge),
    )


def _impact(points: list[IntegrationPoint], graph: nx.DiGraph, knowledge: Knowledge) -> Impact:
    import networkx as nx

    ids = {p.id for p in points}
    descendants: set[str] = set()
    for node in ids:
        if node in graph:
            descendants |= nx.descendants(graph, node)
    descendants -= ids
    order = [e.id for e in knowledge.environments]
    nodes = graph.nodes
    envs = {e for p in points for e in p.environments} | {
        nodes[d]["environment"] for d in descendants if nodes[d]["environment"]
    }
    clusters = {c for p in points for c in p.clusters} | {
        nodes[d]["cluster"] for d in descendants if nodes[d]["cluster"]
    }
    owners = {o for p in points for o in p.owners} | {
        o for d in descendants for o in nodes[d]["owners"]
    }
    dependents = [
        Dependent(id=d, what=nodes[d]["label"], owners=list(nodes[d]["owners"]))
        for d in sorted(descendants)
    ]
    # the affected part of the graph, for diagrams: integration points and their nearest dependents
    near = ids & set(graph.nodes)
    for node in sorted(near):
        near = near | set(sorted(graph.successors(node))[:8])
    shown = (sorted(ids & near) + sorted(near - ids))[:MAX_GRAPH_NODES]
    sub = graph.subgraph(shown)
    return Impact(
        environments=sorted(envs, key=lambda e: (order.index(e) if e in order else len(order), e)),
        clusters=sorted(clusters),
        owners=sorted(owners),
        repos=sorted({p.repo for p in points} | {nodes[d]["repo"] for d in descendants}),
        dependents=dependents[:50],
        dependents_total=len(dependents),
        graph_nodes=[
            GraphNode(id=n, label=nodes[n]["label"], integration_point=n in ids)
            for n in sorted(sub.nodes)
        ],
        graph_edges=[
            GraphEdge(source=u, target=v, kind=d["kind"])
            for u, v, d in sorted(sub.edges(data=True), key=lambda e: (e[0], e[1]))
        ],
    )


def _clusters_per_environment(points: list[IntegrationPoint], estate: Estate) -> int:
    """The most clusters the change touches within one environment (a cluster counts in its own
    environment; one cluster per environment is a multi-environment change, not cross-cluster)."""
    env_of = {c.name: c.environment for c in estate.clusters}
    per_env: dict[str, set[str]] = defaultdict(set)
    for p in points:
        for c in p.clusters:
            per_env[env_of.get(c, "") or c].add(c)
    return max((len(cs) for cs in per_env.values()), default=0)


def estate_facts(
    estate: Estate | None,
    knowledge: Knowledge,
    report: ProbeReport | None,
    pattern: Pattern | None = None,
) -> list[Fact]:
    """`estate`, `probe` and `impact` facts for the rules. Absence is data: counts of 0."""
    if estate is None or report is None:
        return [
            make_fact(
                "estate",
                "estate",
                read=False,
                repos=0,
                environments=0,
                has_dev=False,
                has_staging=False,
                has_prod=False,
                clusters=0,
                owners=0,
                has_codeowners=False,
                diagnostics=0,
            )
        ]
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
            has_dev="dev" in env_ids,
            has_staging="staging" in env_ids,
            has_prod=bool(env_ids & prod_ids),
            clusters=len({c for o in objects for c in o.clusters}),
            owners=len({x for r in estate.codeowners for x in r.owners}),
            has_codeowners=bool(estate.codeowners),
            diagnostics=len(estate.diagnostics),
        )
    ]
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
    for result in [*report.results, *extra]:
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
            ev = [e.id for e in result.evidence if env.id in e.environments]
            facts.append(
                make_fact(
                    "probe",
                    f"{result.name}:{env.id}",
                    evidence=ev[:MAX_EVIDENCE_IN_FACTS],
                    name=result.name,
                    environment=env.id,
                    count=count,
                    environments=1 if count else 0,
                    clusters=len(
                        {c for e in result.evidence if env.id in e.environments for c in e.clusters}
                    ),
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
            clusters_per_environment=_clusters_per_environment(points, estate),
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
    return facts
