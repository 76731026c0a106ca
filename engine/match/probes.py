"""Probes: what a pattern asks of the estate, answered with counts and evidence.

A probe (knowledge/probes.yaml) selects facts: Kubernetes kinds, Terraform resource types and
module sources, HelmRelease charts, Helm charts, workflows, or Kyverno policies enforcing on the
kinds the change creates. Its result counts matches per environment and per cluster, with the
evidence (repo/path:line) rules and readers can check.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from pydantic import Field

from engine.core.models import Out
from engine.estate.extract.kinds import HelmRelease, KyvernoPolicy
from engine.estate.model import Delivered, Estate, K8sObject, TerraformFact
from engine.estate.paths import join
from engine.knowledge.model import Pattern, Probe
from engine.match.policies import may_reject


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


class LeftOut(Out):
    """Matches left out of a probe's answer, and why: not live, or kept apart."""

    reason: str  # "not live", or "kept apart (example)"...
    count: int
    ids: list[str] = Field(default_factory=list)  # the first few, repo/path:line
    why: list[str] = Field(default_factory=list)  # their reasons, in the same order


class ProbeResult(Out):
    name: str
    description: str
    count: int
    by_environment: dict[str, int]
    by_cluster: dict[str, int]
    evidence: list[Evidence]
    left_out: list[LeftOut] = Field(default_factory=list)


MAX_LEFT_OUT_IDS = 5


def left_out(found: list[tuple[str, Delivered]], limit: int | None = None) -> list[LeftOut]:
    """What a probe matched but left out (not live, kept apart), grouped by reason (the first
    `limit` ids of each, all when None)."""
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for fact_id, d in found:
        reason = f"kept apart ({d.kept_apart})" if d.kept_apart else "not live"
        groups[reason][fact_id] = d.why.live
    return [
        LeftOut(
            reason=reason,
            count=len(items),
            ids=sorted(items)[:limit],
            why=[items[i] for i in sorted(items)[:limit]],
        )
        for reason, items in sorted(groups.items())
    ]


def describe_left_out(groups: list[LeftOut]) -> str:
    """`2 not live (e.g. `repo/x.yaml:3`: in the out-of-service folder archive/); 1 kept apart
    (example)`, or `none`."""
    if not groups:
        return "none"
    return "; ".join(
        f"{g.count} {g.reason}" + (f" (e.g. `{g.ids[0]}`: {g.why[0]})" if g.ids else "")
        for g in groups
    )


def considered(d: Delivered) -> bool:
    """A fact that may be an integration point: live or unknown, and not kept apart."""
    return d.live is not False and not d.kept_apart


def object_evidence(o: K8sObject) -> Evidence:
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
    used: dict[tuple[str, str], set[str]] = defaultdict(set)
    for b in estate.terraform:
        if b.environment:
            used[(b.repo, b.module)].add(b.environment)
    calls = [
        (b, join(b.module, b.source))
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


def terraform_evidence(b: TerraformFact, envs: dict[tuple[str, str], set[str]]) -> Evidence:
    environments = b.environments or sorted(
        {b.environment} - {""} or envs.get((b.repo, b.module), set())
    )
    where = b.module or "."
    chart = b.delivery.charts[0] if b.delivery.charts else None
    # a module's chart installed at other versions by other callers: no one version is its own
    versions = {v.value for v in b.versions if v.attribute == "chart_version"}
    version = chart.version if chart and len(versions) < 2 else ""
    return Evidence(
        id=b.where,
        repo=b.repo,
        path=b.path,
        line=b.line,
        what=f"{b.address} ({where})"
        + (f": chart {chart.name} {version}".rstrip() if chart else ""),
        environments=environments,
        clusters=b.clusters,
        owners=b.owners,
        kind="terraform",
    )


def _chart_names(o: K8sObject | TerraformFact) -> list[str]:
    """Names a chart installation answers to: the charts it installs, and its own name."""
    names = [c.name for c in o.delivery.charts] + [o.name]
    if isinstance(o, K8sObject) and isinstance(o.detail, HelmRelease):
        names += [o.detail.chart, o.detail.chart_ref.name if o.detail.chart_ref else ""]
    return names


def _matches_chart(o: K8sObject | TerraformFact, needles: list[str]) -> bool:
    """A chart installation in any style (Flux, Argo CD, Terraform) whose chart matches."""
    if isinstance(o, K8sObject) and not (o.delivery.charts or isinstance(o.detail, HelmRelease)):
        return False
    if isinstance(o, TerraformFact) and not o.delivery.charts:
        return False
    return any(
        needle.lower() in name.lower() for needle in needles for name in _chart_names(o) if name
    )


def run_probe(
    probe: Probe,
    estate: Estate,
    pattern: Pattern | None,
    envs: dict[tuple[str, str], set[str]],
    namespaces: set[str] | None = None,
) -> ProbeResult:
    """The facts a probe finds. `namespaces`: where the request's subjects deploy (None: not
    known), against which a probe's own `creates` (what an upgraded installation deploys) are
    checked by enforcing policies."""
    evidence: list[Evidence] = []
    dropped: list[tuple[str, Delivered]] = []
    every = estate.cluster_objects()
    objects = [o for o in every if considered(o.delivery)]

    def take(item: K8sObject | TerraformFact) -> None:
        if not considered(item.delivery):
            dropped.append((item.where, item.delivery))
        elif isinstance(item, K8sObject):
            evidence.append(object_evidence(item))
        else:
            evidence.append(terraform_evidence(item, envs))

    if probe.kinds or probe.encrypted:
        for o in every:
            in_folder = not probe.folders or any(
                part in probe.folders for part in o.path.split("/")[:-1]
            )
            kind_ok = o.kind in probe.kinds and (
                not probe.api_groups or o.group in probe.api_groups
            )
            if in_folder and (kind_ok or (probe.encrypted and o.encrypted)):
                take(o)
    if probe.helm_charts:
        items: list[K8sObject | TerraformFact] = [*every, *estate.terraform]
        for item in items:
            if _matches_chart(item, probe.helm_charts):
                take(item)
    for b in estate.terraform:
        if (probe.terraform and b.block == "resource" and b.type in probe.terraform) or (
            probe.modules and b.block == "module" and any(m in b.source for m in probe.modules)
        ):
            take(b)
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
    created = probe.creates or (pattern.creates if pattern is not None else [])
    where = namespaces if probe.creates else None
    if probe.enforcing_policies and created:
        for o in objects:
            if isinstance(o.detail, KyvernoPolicy) and may_reject(
                o.detail, created, where, o.namespace if o.kind == "Policy" else ""
            ):
                ev = object_evidence(o)
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
        left_out=left_out(dropped),
    )
