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
from engine.estate.model import Estate, K8sObject, TerraformFact
from engine.estate.paths import join
from engine.knowledge.model import Pattern, Probe


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
                evidence.append(object_evidence(o))
    if probe.helm_charts:
        evidence.extend(object_evidence(o) for o in objects if _matches_chart(o, probe.helm_charts))
    if probe.terraform:
        evidence.extend(
            terraform_evidence(b, envs)
            for b in estate.terraform
            if b.block == "resource" and b.type in probe.terraform
        )
    if probe.modules:
        evidence.extend(
            terraform_evidence(b, envs)
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
    )
