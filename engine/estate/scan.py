"""Scanning an estate: every repository's files read, hashed, extracted (in parallel, cached by
content) and placed.

    discover → read + hash → cache or extract (engine/estate/extract/, in worker processes) →
    resolve and place: environment, cluster, namespace, role, owners

Nothing here raises for bad input: unreadable files become diagnostics.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from engine.core.errors import InputError
from engine.estate.argo import argo_units
from engine.estate.delivery import Delivery
from engine.estate.discover import (
    CODEOWNERS_PLACES,
    DEFAULT_MAX_FILE_BYTES,
    Diagnostic,
    FileEntry,
    RepoSpec,
    discover,
)
from engine.estate.extract import FileExtract, extract
from engine.estate.extract.files import OwnerRule
from engine.estate.liveness import deliver_objects
from engine.estate.model import (
    ChartFact,
    ClusterInfo,
    Estate,
    K8sObject,
    OwnerFact,
    RepoSummary,
    TerraformFact,
    TfvarsFact,
    ValuesFact,
    WorkflowFact,
)
from engine.estate.placement import Owners, Placer, whole_repo
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
from engine.knowledge.model import Knowledge
from engine.spec.config import CONFIG_NAME, RepoConfig, repository_config


@dataclass
class ScanOptions:
    cache_dir: Path | None = None
    jobs: int = 0  # 0: one per CPU
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    progress: Callable[[int, int], None] | None = None
    environment_aliases: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)  # gitignore-style globs, every repository


# -- reading and extracting -------------------------------------------------------------------

_INLINE_LIMIT = 64  # fewer cache misses than this are extracted in-process: no pool start-up


def _extract_batch(batch: list[tuple[str, bytes, str]]) -> list[tuple[FileExtract, str]]:
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
) -> list[FileExtract]:
    """Facts for each (entry, data, sha256): from the cache, or extracted (in parallel)."""
    from engine.estate.cache import FactCache

    cache = FactCache(options.cache_dir)
    keys = [FactCache.key(e.kind, sha) for e, _, sha in entries]
    found = cache.get_many(sorted(set(keys)))
    missing = sorted({k: i for i, k in enumerate(keys) if k not in found}.items())
    work = [(entries[i][0].kind, entries[i][1], entries[i][0].path) for _, i in missing]
    done = len(entries) - len(missing)
    if options.progress:
        options.progress(done, len(entries))
    fresh: dict[str, FileExtract] = {}
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


def _config(
    repo: RepoSpec, knowledge: Knowledge, diagnostics: list[Diagnostic]
) -> RepoConfig | None:
    """A repository's `.infraplan.yaml`; a problem in it is a diagnostic, never fatal."""
    try:
        return repository_config(repo.root, knowledge)
    except InputError as exc:
        diagnostics.extend(
            Diagnostic(repo=repo.name, path=CONFIG_NAME, line=p.line, reason=p.message)
            for p in exc.problems
        )
        return None


def scan_estate(
    repos: list[RepoSpec], knowledge: Knowledge, options: ScanOptions | None = None
) -> Estate:
    """Read every repository into one Estate. Deterministic: sorted, relative paths only."""
    options = options or ScanOptions()
    estate = Estate()
    all_entries: list[tuple[FileEntry, bytes, str]] = []
    per_repo: dict[str, tuple[RepoSpec, list[FileEntry], dict[str, int]]] = {}
    diagnostics: list[Diagnostic] = []
    configs = {repo.name: _config(repo, knowledge, diagnostics) for repo in repos}
    for repo in repos:
        config = configs[repo.name]  # None: the repository's .infraplan.yaml was unusable
        exclude = tuple(options.exclude) + tuple(config.exclude if config else ())
        found = discover(repo, options.max_file_bytes, exclude)
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
    by_repo: dict[str, list[tuple[FileEntry, FileExtract, str]]] = {}
    for (entry, _, sha), ff in zip(all_entries, facts, strict=True):
        by_repo.setdefault(entry.repo, []).append((entry, ff, sha))
        diagnostics.extend(
            Diagnostic(repo=entry.repo, path=entry.path, line=p.line, reason=p.reason)
            for p in ff.problems
        )

    aliases = dict(options.environment_aliases)
    named_roles: dict[str, str] = {}
    for repo in repos:
        config = configs[repo.name]
        if config is not None:
            aliases.update(config.environments)
            named_roles[repo.name] = config.role
    placer = Placer(knowledge, aliases)
    objects: list[K8sObject] = []
    yaml_repos: dict[str, RepoYaml] = {}
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
        for place in CODEOWNERS_PLACES:  # in GitHub's precedence
            match = next((ff for e, ff, _ in items if e.path == place), None)
            if match is not None:
                owner_rules = match.owners
                estate.codeowners.extend(
                    OwnerFact(repo=name, path=place, **r.model_dump()) for r in match.owners
                )
                break
        owners = Owners(owner_rules)
        kustomizations = Kustomizations()
        for entry, ff, _ in items:
            for doc in ff.objects:
                if doc.detail is not None and doc.detail.type == "kustomize":
                    kustomizations.add(str(PurePosixPath(entry.path).parent), doc.detail)
        placed = place_objects(name, items, kustomizations, placer, owners)
        objects.extend(placed)
        yaml_repos[name] = RepoYaml(
            name=name,
            layout=Layout.of({e.path for e, _, _ in items if e.kind == "yaml"}),
            kustomizations=kustomizations,
            namespace_folders=namespace_folders(placed, kustomizations),
            artifact_paths=artifact_paths(placed),
        )
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
                        **block.__dict__,
                    )
                )
            if entry.kind == "tfvars":
                estate.tfvars.append(
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
    return estate
