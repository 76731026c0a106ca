"""The estate: every repository's facts, read in parallel, cached by content, then placed.

    discover (engine/discover.py) → read + hash → cache or extract (engine/extract/, in worker
    processes) → place: environment, cluster, namespace, role, owners (here)

Nothing here raises for bad input: unreadable files become diagnostics.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import Field

from engine.config import CONFIG_NAME, load_repo_config
from engine.discover import (
    CODEOWNERS_PLACES,
    DEFAULT_MAX_FILE_BYTES,
    Diagnostic,
    FileEntry,
    RepoSpec,
    discover,
)
from engine.errors import InputError
from engine.extract import FileFacts, extract
from engine.extract.files import ChartInfo, OwnerRule, WorkflowInfo
from engine.extract.kubernetes import ArtifactGenerator, Detail, FluxKustomization, Kustomize
from engine.extract.terraform import TerraformBlock
from engine.knowledge import Knowledge
from engine.models import Out

Role = Literal["object", "patch", "kustomize", "fixture", "not-cluster"]


class K8sObject(Out):
    repo: str
    path: str
    line: int
    api_version: str
    kind: str
    name: str
    namespace: str = ""
    namespace_from: str = ""  # metadata, kustomization, flux-target-namespace
    labels: dict[str, str] = Field(default_factory=dict)
    role: Role = "object"
    encrypted: bool = False
    environment: str = ""  # the environment, when the object is in exactly one
    cluster: str = ""  # the cluster, when the object is applied to exactly one
    clusters: list[str] = Field(default_factory=list)  # every cluster it is applied to
    environments: list[str] = Field(default_factory=list)  # every environment it reaches
    owners: list[str] = Field(default_factory=list)
    detail: Detail | None = None
    applies: list[str] = Field(
        default_factory=list
    )  # Flux Kustomization: the files its path builds
    applied_by: list[str] = Field(
        default_factory=list
    )  # files of the Flux Kustomizations that apply it

    @property
    def group(self) -> str:
        return self.api_version.split("/")[0] if "/" in self.api_version else ""

    @property
    def where(self) -> str:
        return f"{self.repo}/{self.path}:{self.line}"


class TerraformFact(TerraformBlock):
    repo: str
    path: str
    module: str  # the folder (Terraform module) the block belongs to
    environment: str = ""
    owners: list[str] = Field(default_factory=list)

    @property
    def address(self) -> str:
        if self.block == "resource":
            return f"{self.type}.{self.name}"
        if self.block == "data":
            return f"data.{self.type}.{self.name}"
        if self.block == "module":
            return f"module.{self.name}"
        if self.block == "variable":
            return f"var.{self.name}"
        if self.block == "local":
            return f"local.{self.name}"
        return f"{self.block}.{self.type or self.name}"

    @property
    def where(self) -> str:
        return f"{self.repo}/{self.path}:{self.line}"


class TfvarsFact(Out):
    repo: str
    path: str
    environment: str = ""
    variables: list[str]


class ChartFact(ChartInfo):
    repo: str
    path: str
    owners: list[str] = Field(default_factory=list)


class ValuesFact(Out):
    repo: str
    path: str
    keys: list[str]


class WorkflowFact(WorkflowInfo):
    repo: str
    path: str
    owners: list[str] = Field(default_factory=list)


class OwnerFact(OwnerRule):
    repo: str
    path: str


class RepoSummary(Out):
    name: str
    role: str
    files: int
    digest: str
    skipped: dict[str, int] = Field(default_factory=dict)


class ClusterInfo(Out):
    name: str
    environment: str  # from the cluster's name or folder; "" when unknown


class Estate(Out):
    repos: list[RepoSummary] = Field(default_factory=list)
    clusters: list[ClusterInfo] = Field(default_factory=list)
    objects: list[K8sObject] = Field(default_factory=list)
    terraform: list[TerraformFact] = Field(default_factory=list)
    tfvars: list[TfvarsFact] = Field(default_factory=list)
    charts: list[ChartFact] = Field(default_factory=list)
    values: list[ValuesFact] = Field(default_factory=list)
    workflows: list[WorkflowFact] = Field(default_factory=list)
    codeowners: list[OwnerFact] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    def cluster_objects(self) -> list[K8sObject]:
        return [o for o in self.objects if o.role == "object"]


@dataclass
class ScanOptions:
    cache_dir: Path | None = None
    jobs: int = 0  # 0: one per CPU
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    progress: Callable[[int, int], None] | None = None
    environment_aliases: dict[str, str] = field(default_factory=dict)


# -- reading and extracting -------------------------------------------------------------------

_INLINE_LIMIT = 64  # fewer cache misses than this are extracted in-process: no pool start-up


def _extract_batch(batch: list[tuple[str, bytes, str]]) -> list[tuple[FileFacts, str]]:
    """In a worker: facts, and their JSON for the cache (so the main process does neither)."""
    out = []
    for kind, data, path in batch:
        facts = extract(kind, data, path)
        out.append((facts, facts.model_dump_json()))
    return out


def _batches(items: list[tuple[str, bytes, str]], count: int) -> list[list[tuple[str, bytes, str]]]:
    """Split work into about `count` batches of similar byte size, largest files first."""
    order = sorted(range(len(items)), key=lambda i: -len(items[i][1]))
    bins: list[list[int]] = [[] for _ in range(count)]
    sizes = [0] * count
    for i in order:
        target = sizes.index(min(sizes))
        bins[target].append(i)
        sizes[target] += len(items[i][1]) + 2000
    return [[items[i] for i in sorted(b)] for b in bins if b]


def extract_all(
    entries: list[tuple[FileEntry, bytes, str]], options: ScanOptions
) -> list[FileFacts]:
    """Facts for each (entry, data, sha256): from the cache, or extracted (in parallel)."""
    from engine.cache import FactCache

    cache = FactCache(options.cache_dir)
    keys = [FactCache.key(e.kind, sha) for e, _, sha in entries]
    found = cache.get_many(sorted(set(keys)))
    missing = sorted({k: i for i, k in enumerate(keys) if k not in found}.items())
    work = [(entries[i][0].kind, entries[i][1], entries[i][0].path) for _, i in missing]
    done = len(entries) - len(missing)
    if options.progress:
        options.progress(done, len(entries))
    fresh: dict[str, FileFacts] = {}
    to_cache: dict[str, str] = {}
    jobs = options.jobs or os.cpu_count() or 1
    if len(work) < _INLINE_LIMIT or jobs == 1:
        for (key, _), item in zip(missing, work, strict=True):
            fresh[key] = extract(*item)
            if cache.enabled:
                to_cache[key] = fresh[key].model_dump_json()
            done += 1
            if options.progress and done % 50 == 0:
                options.progress(done, len(entries))
    else:
        index = {id(item): key for (key, _), item in zip(missing, work, strict=True)}
        batches = _batches(work, jobs * 4)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for batch, results in zip(batches, pool.map(_extract_batch, batches), strict=True):
                for item, (facts, as_json) in zip(batch, results, strict=True):
                    fresh[index[id(item)]] = facts
                    to_cache[index[id(item)]] = as_json
                done += len(batch)
                if options.progress:
                    options.progress(done, len(entries))
    cache.put_many(to_cache)
    cache.close()
    return [found.get(k) or fresh[k] for k in keys]


# -- placing: environments, clusters, namespaces, roles, owners -------------------------------


class Placer:
    """Where a path sits: its environment and cluster, from folder names and knowledge."""

    def __init__(self, knowledge: Knowledge, aliases: dict[str, str]) -> None:
        self.reading = knowledge.reading
        self.env_names: dict[str, tuple[str, bool]] = {}
        for env in knowledge.environments:
            for name in (env.id, *env.aliases):
                self.env_names[name.lower()] = (env.id, env.needs_parent)
        for alias, env_id in aliases.items():
            self.env_names[alias.lower()] = (env_id, False)

    def environment_of_name(self, name: str, under_parent: bool = True) -> str:
        found = self.env_names.get(name.lower())
        if found is None or (found[1] and not under_parent):
            return ""
        return found[0]

    def environment_of_cluster(self, cluster: str) -> str:
        """A cluster's environment from its name or a word of it (workload-prod → prod)."""
        whole = self.environment_of_name(cluster)
        if whole or not cluster:
            return whole
        words = {self.environment_of_name(w) for w in re.split(r"[-_.]", cluster)} - {""}
        return words.pop() if len(words) == 1 else ""

    def environment(self, path: str) -> str:
        parts = PurePosixPath(path).parts
        dirs = list(parts[:-1])
        for i in range(len(dirs) - 1, -1, -1):
            under_parent = (
                i > 0
                and dirs[i - 1].lower()
                in self.reading.environment_parents + self.reading.cluster_parents
            )
            env = self.environment_of_name(dirs[i], under_parent)
            if env:
                return env
        stem = parts[-1].split(".")[0] if parts else ""
        return (
            self.environment_of_name(stem, True) if parts and parts[-1].endswith(".tfvars") else ""
        )

    def cluster(self, path: str) -> str:
        dirs = PurePosixPath(path).parts[:-1]
        for i in range(len(dirs) - 1):
            if dirs[i].lower() in self.reading.cluster_parents:
                return dirs[i + 1]
        return ""

    def is_fixture(self, path: str) -> bool:
        return any(d in self.reading.fixture_dirs for d in PurePosixPath(path).parts[:-1])


class Owners:
    """CODEOWNERS: the last matching pattern decides, as on GitHub."""

    def __init__(self, rules: list[OwnerRule]) -> None:
        from pathspec import GitIgnoreSpec

        self.rules = [(GitIgnoreSpec.from_lines([r.pattern]), r.owners) for r in rules]

    def of(self, path: str) -> list[str]:
        owners: list[str] = []
        for spec, rule_owners in self.rules:
            if spec.match_file(path):
                owners = rule_owners
        return list(owners)


def _norm(base: str, ref: str) -> str:
    """A path referenced from a file in `base`, normalized to the repository root."""
    parts: list[str] = []
    for part in (
        (PurePosixPath(base) / ref).parts
        if not ref.startswith("/")
        else PurePosixPath(ref.lstrip("/")).parts
    ):
        if part in {".", ""}:
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def _flux_path(path: str) -> str:
    return _norm("", path)


@dataclass
class _Layout:
    """The YAML files of a repository by folder, and each folder's sub-folders."""

    files: set[str]
    files_in: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, files: set[str]) -> _Layout:
        layout = cls(files=files)
        for f in sorted(files):
            parts = f.split("/")
            layout.files_in.setdefault("/".join(parts[:-1]), []).append(f)
            for i in range(1, len(parts)):
                parent, child = "/".join(parts[: i - 1]), "/".join(parts[:i])
                layout.children.setdefault(parent, set()).add(child)
        return layout


@dataclass
class _Kustomizations:
    """kustomization.yaml files of one repository: who includes what, namespaces, patches."""

    configs: dict[str, Kustomize] = field(default_factory=dict)  # folder → config
    included_by: dict[str, list[str]] = field(
        default_factory=dict
    )  # file or folder → including folders
    patches: set[str] = field(default_factory=set)

    def add(self, folder: str, config: Kustomize) -> None:
        self.configs[folder] = config
        for ref in config.resources + config.components:
            if "://" in ref or ref.startswith("github.com/"):
                continue
            target = _norm(folder, ref)
            self.included_by.setdefault(target, []).append(folder)
        for ref in config.patch_paths:
            self.patches.add(_norm(folder, ref))

    def build(self, folder: str, layout: _Layout) -> set[str]:
        """The files `kustomize build folder` reads, as Flux runs it (a folder without a
        kustomization.yaml gets one listing its YAML files and sub-folders)."""
        out: set[str] = set()
        seen: set[str] = set()

        def visit(current: str) -> None:
            if current in seen:
                return
            seen.add(current)
            config = self.configs.get(current)
            if config is not None:
                for ref in config.resources + config.components + config.patch_paths:
                    target = _norm(current, ref)
                    if target in layout.files:
                        out.add(target)
                    elif target in layout.children or target in layout.files_in:
                        visit(target)
                return
            out.update(layout.files_in.get(current, ()))
            for child in sorted(layout.children.get(current, ())):
                visit(child)

        visit(folder)
        return out

    def namespace(self, path: str) -> str:
        """The namespace kustomize gives an object in `path`: the outermost one set."""
        found = ""
        seen: set[str] = set()
        frontier = sorted(self.included_by.get(path, [])) or (
            [str(PurePosixPath(path).parent)]
            if str(PurePosixPath(path).parent) in self.configs
            else []
        )
        while frontier:
            folder = frontier.pop(0)
            if folder in seen:
                continue
            seen.add(folder)
            config = self.configs.get(folder)
            if config and config.namespace:
                found = config.namespace
            frontier.extend(sorted(self.included_by.get(folder, [])))
        return found


def _role(
    obj_path: str,
    group: str,
    kind: str,
    partial: bool,
    is_kustomize: bool,
    placer: Placer,
    patches: set[str],
) -> Role:
    if is_kustomize:
        return "kustomize"
    if placer.is_fixture(obj_path):
        return "fixture"
    if (
        group in placer.reading.not_cluster_api_groups
        or any(group.endswith("." + g) for g in placer.reading.not_cluster_api_groups)
        or kind in placer.reading.not_cluster_kinds
    ):
        return "not-cluster"
    if partial or obj_path in patches:
        return "patch"
    return "object"


def _repo_role(files: list[FileEntry], facts: list[FileFacts]) -> str:
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
    repos: list[RepoSpec], knowledge: Knowledge, options: ScanOptions | None = None
) -> Estate:
    """Read every repository into one Estate. Deterministic: sorted, relative paths only."""
    options = options or ScanOptions()
    estate = Estate()
    all_entries: list[tuple[FileEntry, bytes, str]] = []
    per_repo: dict[str, tuple[RepoSpec, list[FileEntry], dict[str, int]]] = {}
    diagnostics: list[Diagnostic] = []
    for repo in repos:
        found = discover(repo, options.max_file_bytes)
        diagnostics.extend(found.diagnostics)
        readable: list[FileEntry] = []
        for entry in found.files:
            try:
                data = entry.abspath.read_bytes()
            except OSError as exc:  # vanished or unreadable since discovery
                diagnostics.append(
                    Diagnostic(
                        repo=repo.name,
                        path=entry.path,
                        reason=f"cannot read: {exc.strerror or exc}",
                    )
                )
                continue
            if len(data) > options.max_file_bytes:
                diagnostics.append(
                    Diagnostic(
                        repo=repo.name,
                        path=entry.path,
                        reason=f"file too large ({len(data)} bytes; limit {options.max_file_bytes})",
                    )
                )
                continue
            all_entries.append((entry, data, hashlib.sha256(data).hexdigest()))
            readable.append(entry)
        per_repo[repo.name] = (repo, readable, found.skipped)
    facts = extract_all(all_entries, options)
    by_repo: dict[str, list[tuple[FileEntry, FileFacts, str]]] = {}
    for (entry, _, sha), ff in zip(all_entries, facts, strict=True):
        by_repo.setdefault(entry.repo, []).append((entry, ff, sha))
        diagnostics.extend(
            Diagnostic(repo=entry.repo, path=entry.path, line=p.line, reason=p.reason)
            for p in ff.problems
        )

    aliases = dict(options.environment_aliases)
    named_roles: dict[str, str] = {}
    for repo in repos:
        try:
            config = load_repo_config(repo.root, knowledge)
            aliases.update(config.environments)
            named_roles[repo.name] = config.role
        except InputError as exc:
            diagnostics.extend(
                Diagnostic(repo=repo.name, path=CONFIG_NAME, line=p.line, reason=p.message)
                for p in exc.problems
            )
    placer = Placer(knowledge, aliases)
    objects: list[K8sObject] = []
    for name in sorted(per_repo):
        repo, files, skipped = per_repo[name]
        items = by_repo.get(name, [])
        digest = hashlib.sha256(
            "".join(
                f"{e.path}\0{sha}\n" for e, _, sha in sorted(items, key=lambda t: t[0].path)
            ).encode()
        ).hexdigest()
        estate.repos.append(
            RepoSummary(
                name=name,
                role=repo.role
                or named_roles.get(name, "")
                or _repo_role(files, [ff for _, ff, _ in items]),
                files=len(items),
                digest=f"sha256:{digest}",
                skipped=dict(sorted(skipped.items())),
            )
        )
        owner_rules: list[OwnerRule] = []
        for place in (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"):  # GitHub's precedence
            match = next((ff for e, ff, _ in items if e.path == place), None)
            if match is not None:
                owner_rules = match.owners
                estate.codeowners.extend(
                    OwnerFact(repo=name, path=place, **r.model_dump()) for r in match.owners
                )
                break
        owners = Owners(owner_rules)
        kustomizations = _Kustomizations()
        for entry, ff, _ in items:
            for doc in ff.objects:
                if doc.detail is not None and doc.detail.type == "kustomize":
                    kustomizations.add(str(PurePosixPath(entry.path).parent), doc.detail)
        objects.extend(_place_objects(name, items, kustomizations, placer, owners))
        for entry, ff, _ in items:
            module = str(PurePosixPath(entry.path).parent)
            env = placer.environment(entry.path)
            file_owners = owners.of(entry.path)
            for block in ff.terraform:
                estate.terraform.append(
                    TerraformFact(
                        repo=name,
                        path=entry.path,
                        module="" if module == "." else module,
                        environment=env,
                        owners=file_owners,
                        **block.model_dump(),
                    )
                )
            if entry.kind == "tfvars":
                estate.tfvars.append(
                    TfvarsFact(repo=name, path=entry.path, environment=env, variables=ff.tfvars)
                )
            if ff.chart is not None:
                estate.charts.append(
                    ChartFact(
                        repo=name, path=entry.path, owners=file_owners, **ff.chart.model_dump()
                    )
                )
            if entry.kind == "helm-values":
                estate.values.append(ValuesFact(repo=name, path=entry.path, keys=ff.values_keys))
            if ff.workflow is not None:
                estate.workflows.append(
                    WorkflowFact(
                        repo=name, path=entry.path, owners=file_owners, **ff.workflow.model_dump()
                    )
                )
    estate.objects.extend(sorted(objects, key=lambda o: (o.repo, o.path, o.line)))
    estate.clusters.extend(
        ClusterInfo(name=c, environment=placer.environment_of_cluster(c))
        for c in sorted({c for o in objects for c in o.clusters})
    )
    estate.diagnostics.extend(
        sorted(set(diagnostics), key=lambda d: (d.repo, d.path, d.line, d.reason))
    )
    return estate


def _place_objects(
    repo: str,
    items: list[tuple[FileEntry, FileFacts, str]],
    kustomizations: _Kustomizations,
    placer: Placer,
    owners: Owners,
) -> list[K8sObject]:
    layout = _Layout.of({e.path for e, _, _ in items if e.kind == "yaml"})
    copies = [
        (str(PurePosixPath(e.path).parent), c)
        for e, ff, _ in items
        for d in ff.objects
        if isinstance(d.detail, ArtifactGenerator)
        for c in d.detail.copies
    ]

    def repo_path(ks_file: str, detail: FluxKustomization) -> str:
        """The repository folder a Flux Kustomization's path names (through an ArtifactGenerator
        when its source is an ExternalArtifact)."""
        path = _flux_path(detail.path)
        if detail.source is None or detail.source.kind != "ExternalArtifact":
            return path
        near = sorted(copies, key=lambda fc: (not ks_file.startswith(fc[0] + "/"), fc[0]))
        for _, copy in near:
            target = copy.target.strip("/")
            if copy.artifact == detail.source.name and (
                path == target or path.startswith(target + "/") or not target
            ):
                rest = path[len(target) :].strip("/") if target else path
                return "/".join(p for p in (copy.source.strip("/"), rest) if p)
        return path

    # Flux Kustomizations decide the cluster and target namespace of the files they apply
    builds: dict[tuple[str, int], set[str]] = {}
    appliers: dict[
        str, list[tuple[str, str, str, str]]
    ] = {}  # file → [(ks file, target ns, cluster, env)]
    for entry, ff, _ in items:
        for doc in ff.objects:
            if isinstance(doc.detail, FluxKustomization) and doc.detail.path and not doc.partial:
                built = kustomizations.build(repo_path(entry.path, doc.detail), layout)
                builds[(entry.path, doc.line)] = built
                cluster = placer.cluster(entry.path)
                env = placer.environment(entry.path) or placer.environment_of_cluster(cluster)
                for f in built:
                    appliers.setdefault(f, []).append(
                        (entry.path, doc.detail.target_namespace, cluster, env)
                    )

    def agreed(values: list[str]) -> str:
        distinct = {v for v in values if v}
        return distinct.pop() if len(distinct) == 1 else ""

    out = []
    for entry, ff, _ in items:
        file_owners = owners.of(entry.path)
        path_env = placer.environment(entry.path)
        path_cluster = placer.cluster(entry.path)
        parents = appliers.get(entry.path, [])
        for doc in ff.objects:
            is_kustomize = doc.detail is not None and doc.detail.type == "kustomize"
            role = _role(
                entry.path,
                doc.api_version.split("/")[0] if "/" in doc.api_version else "",
                doc.kind,
                doc.partial,
                is_kustomize,
                placer,
                kustomizations.patches,
            )
            namespace, namespace_from = doc.namespace, "metadata" if doc.namespace else ""
            if (
                not namespace
                and role in {"object", "patch"}
                and doc.kind not in placer.reading.cluster_scoped_kinds
            ):
                target = agreed([p[1] for p in parents])
                if target:
                    namespace, namespace_from = target, "flux-target-namespace"
                else:
                    namespace = kustomizations.namespace(entry.path)
                    namespace_from = "kustomization" if namespace else ""
            label_cluster = next(
                (doc.labels[k] for k in placer.reading.cluster_labels if doc.labels.get(k)), ""
            )
            clusters = sorted(
                {c for c in [label_cluster, path_cluster] if c} or {p[2] for p in parents if p[2]}
            )
            cluster = clusters[0] if len(clusters) == 1 else ""
            env = next(
                (
                    placer.environment_of_name(doc.labels[k])
                    for k in placer.reading.environment_labels
                    if doc.labels.get(k) and placer.environment_of_name(doc.labels[k])
                ),
                "",
            )
            env = (
                env
                or path_env
                or agreed([p[3] for p in parents])
                or placer.environment_of_cluster(cluster)
            )
            environments = sorted(
                {env} - {""}
                or {placer.environment_of_cluster(c) for c in clusters} - {""}
                or {p[3] for p in parents} - {""}
            )
            out.append(
                K8sObject(
                    repo=repo,
                    path=entry.path,
                    line=doc.line,
                    api_version=doc.api_version,
                    kind=doc.kind,
                    name=doc.name,
                    namespace=namespace,
                    namespace_from=namespace_from,
                    labels=doc.labels,
                    role=role,
                    encrypted=doc.encrypted,
                    environment=env,
                    cluster=cluster,
                    clusters=clusters,
                    environments=environments,
                    owners=file_owners,
                    detail=doc.detail,
                    applies=sorted(builds.get((entry.path, doc.line), set())),
                    applied_by=sorted({p[0] for p in parents}),
                )
            )
    return out


__all__ = [
    "CODEOWNERS_PLACES",
    "Estate",
    "K8sObject",
    "ScanOptions",
    "TerraformFact",
    "scan_estate",
]
