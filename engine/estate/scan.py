"""Scanning an estate: every repository read (engine/estate/read.py: discovered, hashed,
extracted in parallel and cached by content), then placed and connected as one estate.

    read (RepoFacts per repository, or from facts bundles) → resolve and place: environment,
    cluster, namespace, role, owners → delivery and liveness → versions

Nothing here raises for bad input: unreadable files become diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from engine.core.picklefile import no_gc
from engine.estate.argo import argo_units
from engine.estate.compact import share_equal_values
from engine.estate.delivery import Delivery
from engine.estate.discover import CODEOWNERS_PLACES, Diagnostic, FileEntry, RepoSpec
from engine.estate.extract import FileExtract
from engine.estate.extract.files import OwnerRule
from engine.estate.liveness import deliver_objects
from engine.estate.model import (
    ChartFact,
    ClusterInfo,
    Delivered,
    Estate,
    K8sObject,
    OwnerFact,
    RepoSummary,
    TerraformFact,
    TfvarsFact,
    ValuesFact,
    WorkflowFact,
    terraform_fact,
)
from engine.estate.placement import Owners, Placer, whole_repo
from engine.estate.read import (
    FileFacts,
    RepoFacts,
    ScanOptions,
    read_repositories,
    repository_digest,
)
from engine.estate.resolve import (
    Kustomizations,
    Layout,
    artifact_paths,
    namespace_folders,
    place_objects,
)
from engine.estate.tfdelivery import Terraform
from engine.estate.units import RepoYaml, TerraformDelivery
from engine.estate.versions import version_records
from engine.knowledge.reading import ReadsEstate

__all__ = ["RepoFacts", "ScanOptions", "assemble", "scan_estate"]


def _repo_role(files: list[FileEntry], facts: list[FileExtract]) -> str:
    has_tf = any(f.kind == "terraform" for f in files)
    has_charts = any(f.kind == "chart" for f in files)
    has_gitops = any(
        (o.api_version and o.detail is None)
        or (o.detail is not None and o.detail.type != "kustomize")
        for ff in facts
        for o in ff.objects
    )
    roles = [
        r
        for r, present in (("terraform", has_tf), ("gitops", has_gitops), ("charts", has_charts))
        if present
    ]
    if len(roles) > 1:
        return "mixed"
    return roles[0] if roles else "empty"


def scan_estate(
    repos: list[RepoSpec], knowledge: ReadsEstate, options: ScanOptions | None = None
) -> Estate:
    """Read every repository into one Estate. Deterministic: sorted, relative paths only."""
    options = options or ScanOptions()
    return assemble(read_repositories(repos, knowledge, options), knowledge, options)


@lru_cache(maxsize=65536)
def _folder(path: str) -> str:
    """A file's folder ("." at the root), once per path: the same paths recur across repositories
    (copies, forks, one layout per team)."""
    return str(PurePosixPath(path).parent)


def _entry(repo: str, f: FileFacts) -> FileEntry:
    """The file as discovery listed it (its folder is not needed once it is read)."""
    return FileEntry(repo=repo, path=f.path, abspath=Path(f.path), kind=f.kind, size=f.size)


def _repo_settings(
    read: list[RepoFacts], options: ScanOptions
) -> tuple[dict[str, str], dict[str, str]]:
    """Environment aliases (the options', then each repository's) and roles repositories name."""
    aliases = dict(options.environment_aliases)
    named_roles: dict[str, str] = {}
    for r in read:
        if r.configured:
            aliases.update(r.config_environments)
            named_roles[r.name] = r.config_role
    return aliases, named_roles


def assemble(
    read: list[RepoFacts], knowledge: ReadsEstate, options: ScanOptions | None = None
) -> Estate:
    """One Estate from repositories as read (from their folders or from facts bundles). `read`
    is consumed: it is empty afterwards."""
    # the collector paused: assembly makes tens of thousands of objects that all live on, and
    # the collections they trigger (traversing every fact read) cost a third of assembly
    with no_gc():
        assembly = Assembly(read, knowledge, options or ScanOptions())
        for repo in read:
            assembly.place(repo)
        read.clear()
        return assembly.estate()


@dataclass
class _Placed:
    """One repository placed: its records, in file order."""

    summary: RepoSummary
    yaml: RepoYaml
    diagnostics: list[Diagnostic]
    codeowners: list[OwnerFact] = field(default_factory=list)
    objects: list[K8sObject] = field(default_factory=list)
    terraform: list[TerraformFact] = field(default_factory=list)
    tfvars: list[TfvarsFact] = field(default_factory=list)
    charts: list[ChartFact] = field(default_factory=list)
    values: list[ValuesFact] = field(default_factory=list)
    workflows: list[WorkflowFact] = field(default_factory=list)


class Assembly:
    """An estate assembled in two steps: each repository placed on its own (`place`, in any
    order: as soon as its facts are known, while other files are still being extracted), then
    the whole connected (`estate`: delivery, liveness, versions), the repositories taken in
    name order, so the estate is the same whatever the order they were placed in. Repository
    names are unique."""

    def __init__(
        self, repos: list[RepoFacts], knowledge: ReadsEstate, options: ScanOptions
    ) -> None:
        """`repos`: every repository to come, for its settings (its files are not read here)."""
        aliases, self.named_roles = _repo_settings(repos, options)
        self.placer = Placer(knowledge, aliases)
        self.placed: dict[str, _Placed] = {}
        self.undelivered = Delivered()  # every block's, until delivery

    def place(self, repo: RepoFacts) -> None:
        """Place one repository's files; its facts are let go as their records are built (they
        and the records would otherwise be held side by side: most of a cold run's peak memory),
        so `repo` has no files afterwards."""
        name, placer = repo.name, self.placer
        items = [(_entry(name, f), f.facts, f.sha256) for f in repo.files]
        diagnostics = list(repo.diagnostics)
        for f in repo.files:
            diagnostics.extend(
                Diagnostic(repo=name, path=f.path, line=p.line, reason=p.reason)
                for p in f.facts.problems
            )
        summary = RepoSummary(
            name=name,
            role=repo.role
            or self.named_roles.get(name, "")
            or _repo_role([e for e, _, _ in items], [ff for _, ff, _ in items]),
            files=len(items),
            digest=repository_digest(repo),
            skipped=dict(sorted(repo.skipped.items())),
        )
        repo.files.clear()  # (its digest is taken)
        codeowners: list[OwnerFact] = []
        owner_rules: list[OwnerRule] = []
        for place in CODEOWNERS_PLACES:  # in GitHub's precedence
            match = next((ff for e, ff, _ in items if e.path == place), None)
            if match is not None:
                owner_rules = match.owners
                codeowners = [
                    OwnerFact(repo=name, path=place, **r.model_dump()) for r in match.owners
                ]
                break
        owners = Owners(owner_rules)
        kustomizations = Kustomizations()
        for entry, ff, _ in items:
            for doc in ff.objects:
                if doc.detail is not None and doc.detail.type == "kustomize":
                    kustomizations.add(_folder(entry.path), doc.detail)
        objects = place_objects(name, items, kustomizations, placer, owners)
        yaml = RepoYaml(
            name=name,
            layout=Layout.of({e.path for e, _, _ in items if e.kind == "yaml"}),
            kustomizations=kustomizations,
            namespace_folders=namespace_folders(objects, kustomizations),
            artifact_paths=artifact_paths(objects),
        )
        out = self.placed[name] = _Placed(summary, yaml, diagnostics, codeowners, objects)
        items.reverse()
        while items:  # each file's facts let go once its records are built
            entry, ff, _ = items.pop()
            module = _folder(entry.path)
            env = placer.environment(entry.path)
            file_owners = owners.of(entry.path)
            for block in ff.terraform:
                out.terraform.append(
                    terraform_fact(
                        block,
                        name,
                        entry.path,
                        "" if module == "." else module,
                        env,
                        file_owners,
                        self.undelivered,
                    )
                )
            if entry.kind == "tfvars":
                out.tfvars.append(
                    TfvarsFact(
                        repo=name,
                        path=entry.path,
                        environment=env,
                        variables=ff.tfvars,
                        values=ff.tfvars_values,
                        lines=ff.tfvars_lines,
                    )
                )
            if ff.chart is not None:
                out.charts.append(
                    ChartFact(
                        repo=name, path=entry.path, owners=file_owners, **ff.chart.model_dump()
                    )
                )
            if entry.kind == "helm-values":
                out.values.append(ValuesFact(repo=name, path=entry.path, keys=ff.values_keys))
            if ff.workflow is not None:
                out.workflows.append(
                    WorkflowFact(
                        repo=name, path=entry.path, owners=file_owners, **ff.workflow.model_dump()
                    )
                )

    def estate(self) -> Estate:
        """The placed repositories (in name order) connected: delivery, liveness, versions."""
        estate = Estate()
        objects: list[K8sObject] = []
        yaml_repos: dict[str, RepoYaml] = {}
        diagnostics: list[Diagnostic] = []
        for name in sorted(self.placed):
            part = self.placed.pop(name)
            estate.repos.append(part.summary)
            estate.codeowners.extend(part.codeowners)
            objects.extend(part.objects)
            yaml_repos[name] = part.yaml
            estate.terraform.extend(part.terraform)
            estate.tfvars.extend(part.tfvars)
            estate.charts.extend(part.charts)
            estate.values.extend(part.values)
            estate.workflows.extend(part.workflows)
            diagnostics.extend(part.diagnostics)
        return _connected(estate, objects, yaml_repos, diagnostics, self.placer)


def _connected(
    estate: Estate,
    objects: list[K8sObject],
    yaml_repos: dict[str, RepoYaml],
    diagnostics: list[Diagnostic],
    placer: Placer,
) -> Estate:
    whole = whole_repo(objects, estate.terraform, placer)
    terraform = TerraformDelivery(blocks=list(estate.terraform))
    try:
        delivery = Delivery(yaml_repos, objects, placer, whole)
        objects = deliver_objects(objects, delivery, delivery.reach(argo_units(delivery)))
        terraform = Terraform(estate.terraform, estate.tfvars, placer, whole).deliver()
    except Exception as exc:  # a bug in delivery must not stop a run: liveness stays unknown
        diagnostics.append(
            Diagnostic(repo="", path="", reason=f"delivery not resolved: {type(exc).__name__}")
        )
    estate.terraform[:] = terraform.blocks
    objects.extend(terraform.objects)
    estate.objects.extend(sorted(objects, key=lambda o: (o.repo, o.path, o.line, o.kind, o.name)))
    estate.versions.extend(version_records(estate, terraform.cluster_versions))
    estate.clusters.extend(
        ClusterInfo(name=c, environment=placer.environment_of_cluster(c))
        for c in sorted(
            {c for o in objects if o.delivery.live is not False for c in o.clusters}
            | {c for b in estate.terraform if b.delivery.live is not False for c in b.clusters}
            | set(terraform.cluster_versions)
        )
    )
    estate.diagnostics.extend(
        sorted(set(diagnostics), key=lambda d: (d.repo, d.path, d.line, d.reason))
    )
    share_equal_values(estate)  # held, cached and loaded once each (engine/estate/compact.py)
    return estate
