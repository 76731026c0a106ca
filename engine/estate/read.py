"""Reading repositories: every file discovered, read, hashed and extracted (from each
repository's cache index, or in parallel worker processes) into one `RepoFacts` per repository.

    discover → read + hash → cache index or extract (engine/estate/extract/) → RepoFacts

`RepoFacts` is everything the rest of the scan needs from a repository (engine/estate/scan.py
places and connects it): a facts bundle (engine/estate/bundle.py) carries exactly this, so an
estate planned from bundles is the estate read from the repositories. File contents are held
only until their facts are known: a cache hit keeps none.

Nothing here raises for bad input: unreadable files become diagnostics.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from engine.core.errors import InputError
from engine.core.limits import DEFAULT_MAX_FILE_BYTES
from engine.core.models import Out, share_empties
from engine.core.picklefile import no_gc
from engine.estate import cache
from engine.estate.discover import Diagnostic, FileEntry, RepoSpec, discover
from engine.estate.extract import FileExtract, extract
from engine.knowledge.model import Knowledge
from engine.spec.config import CONFIG_NAME, RepoConfig, repository_config


@dataclass
class ScanOptions:
    cache_dir: Path | None = None
    jobs: int = 0  # 0: one per CPU
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    progress: Callable[[int, int, int], None] | None = None  # files done, total, cache hits
    notice: Callable[[str], None] | None = None  # a warning for stderr (a damaged cache index)
    environment_aliases: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)  # gitignore-style globs, every repository


class FileFacts(Out):
    """One file read: where it lies, what it is, its content digest and its facts."""

    path: str  # relative to the repository, posix
    kind: str  # the extractor it went to (estate/discover.classify)
    size: int
    sha256: str
    facts: FileExtract


class RepoFacts(Out):
    """One repository as read: its files' facts, what was left out, and its own settings."""

    name: str
    role: str = ""  # given explicitly; else .infraplan.yaml's, else detected from content
    configured: bool = True  # False: its .infraplan.yaml was unusable (a diagnostic says why)
    config_role: str = ""
    config_environments: dict[str, str] = Field(default_factory=dict)
    files: list[FileFacts] = Field(default_factory=list)
    skipped: dict[str, int] = Field(default_factory=dict)
    diagnostics: list[Diagnostic] = Field(default_factory=list)  # discovery, reading, settings


def repository_digest(repo: RepoFacts) -> str:
    """The digest a plan records for a repository: its files' paths and content digests."""
    text = "".join(f"{f.path}\0{f.sha256}\n" for f in sorted(repo.files, key=lambda f: f.path))
    return f"sha256:{hashlib.sha256(text.encode()).hexdigest()}"


_INLINE_LIMIT = 64  # fewer cache misses than this are extracted in-process: no pool start-up


def _extract_batch(batch: list[tuple[str, bytes, str]]) -> list[FileExtract]:
    """In a worker: the facts of a batch of files. The collector is paused: parse trees are
    almost all acyclic (no garbage to find), and the collections they trigger cost a quarter of
    extraction."""
    with no_gc():
        return [_extracted(kind, data, path) for kind, data, path in batch]


def _extracted(kind: str, data: bytes, path: str) -> FileExtract:
    """A file's facts, their empty lists and dicts the shared empties (engine/core/models.py):
    a worker's batch then sends one of each, not hundreds of thousands."""
    facts = extract(kind, data, path)
    share_empties(facts)
    for block in facts.terraform:
        share_empties(block)
    for doc in facts.objects:
        share_empties(doc)
    return facts


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


# a tiny file of each kind, extracted before workers fork (see _before_fork)
_WARM_UP = {
    "terraform": (b'resource "null_resource" "warm_up" {}\n', "main.tf"),
    "yaml": (b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: warm-up\n", "w.yaml"),
}
_HCL_KINDS = {"terraform", "tfvars", "terraform-lock"}


def _before_fork(kinds: set[str]) -> None:
    """What every forked worker would otherwise build for itself, built once before they fork:
    the HCL parser (lark, its grammar loaded) and the fact models' validators (pydantic builds
    them on first use), by extracting a tiny file of each kind there is to read: about 0.12 s
    less CPU in each worker for 0.2 s more here, a gain from two workers on."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        return  # workers start afresh: nothing built here would reach them
    if kinds & _HCL_KINDS:
        extract("terraform", *_WARM_UP["terraform"])
    if kinds - _HCL_KINDS:
        extract("yaml", *_WARM_UP["yaml"])


def _reporter(options: ScanOptions, total: int, hits: int) -> Callable[..., None]:
    """Progress as (files done, total, cache hits), at most every 2% and at the end."""
    step = max(1, total // 50)
    last = [-step]

    def report(done: int, final: bool = False) -> None:
        if options.progress is not None and (final or done - last[0] >= step):
            last[0] = done
            options.progress(done, total, hits)

    return report


def _extract(
    work: dict[str, tuple[str, bytes, str]], options: ScanOptions, total: int
) -> dict[str, FileExtract]:
    """The facts of every cache miss (key → (kind, data, path)), in parallel when many."""
    done = total - len(work)
    report = _reporter(options, total, done)
    fresh: dict[str, FileExtract] = {}
    jobs = options.jobs or os.cpu_count() or 1
    if len(work) < _INLINE_LIMIT or jobs == 1:
        for key, item in sorted(work.items()):
            fresh[key] = _extracted(*item)
            done += 1
            report(done)
    else:
        from concurrent.futures import ProcessPoolExecutor

        _before_fork({kind for kind, _, _ in work.values()})
        slot = {id(item): key for key, item in work.items()}
        batches = _batches([work[k] for k in sorted(work)], jobs * 4)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for batch, results in zip(batches, pool.map(_extract_batch, batches), strict=True):
                for item, facts in zip(batch, results, strict=True):
                    fresh[slot[id(item)]] = facts
                done += len(batch)
                report(done)
    report(total, final=True)
    return fresh


def _read(entry: FileEntry, limit: int, diagnostics: list[Diagnostic]) -> bytes | None:
    try:
        data = entry.abspath.read_bytes()
    except OSError as exc:  # vanished or unreadable since discovery
        reason = f"cannot read: {exc.strerror or exc}"
        diagnostics.append(Diagnostic(repo=entry.repo, path=entry.path, reason=reason))
        return None
    if len(data) > limit:
        reason = f"file too large ({len(data)} bytes; limit {limit})"
        diagnostics.append(Diagnostic(repo=entry.repo, path=entry.path, reason=reason))
        return None
    return data


@dataclass
class Listing:
    """A repository discovered, read and hashed; its facts not looked up yet."""

    repo: RepoFacts  # without its files
    root: Path
    entries: list[tuple[FileEntry, str, str]]  # (file, content sha256, cache key)

    def digest(self) -> str:
        """Everything assembly reads from this repository, apart from the facts themselves
        (which the cache keys name)."""
        text = self.repo.model_dump_json() + "".join(
            f"{e.path}\0{e.kind}\0{e.size}\0{key}\n" for e, _, key in self.entries
        )
        return hashlib.sha256(text.encode()).hexdigest()


def repository_settings(
    repo: RepoSpec, knowledge: Knowledge
) -> tuple[RepoConfig | None, list[Diagnostic]]:
    """A repository's own `.infraplan.yaml`; None when it is unusable, with diagnostics saying
    why (a problem in it is never fatal)."""
    try:
        return repository_config(repo.root, knowledge), []
    except InputError as exc:
        return None, [
            Diagnostic(repo=repo.name, path=CONFIG_NAME, line=p.line, reason=p.message)
            for p in exc.problems
        ]


def list_repositories(
    repos: list[RepoSpec], knowledge: Knowledge, options: ScanOptions
) -> list[Listing]:
    """Every repository's files, read and hashed (their contents are not kept)."""
    listings = []
    for repo in repos:
        config, diagnostics = repository_settings(repo, knowledge)
        exclude = tuple(options.exclude) + tuple(config.exclude if config else ())
        found = discover(repo, options.max_file_bytes, exclude)
        diagnostics.extend(found.diagnostics)
        entries: list[tuple[FileEntry, str, str]] = []
        for entry in found.files:
            data = _read(entry, options.max_file_bytes, diagnostics)
            if data is not None:
                sha = hashlib.sha256(data).hexdigest()
                entries.append((entry, sha, cache.key(entry.kind, sha)))
        repo_facts = RepoFacts(
            name=repo.name,
            role=repo.role,
            configured=config is not None,
            config_role=config.role if config else "",
            config_environments=dict(config.environments) if config else {},
            skipped=dict(sorted(found.skipped.items())),
            diagnostics=diagnostics,
        )
        listings.append(Listing(repo_facts, repo.root, entries))
    return listings


def facts_of(listings: list[Listing], options: ScanOptions) -> list[RepoFacts]:
    """Every listed file's facts: from its repository's cache index (read once), else read again
    and extracted; an index is rewritten only when its repository's files changed."""
    indexes = {x.repo.name: cache.read_index(options.cache_dir, x.root) for x in listings}
    known: dict[str, FileExtract] = {}
    for name, index in indexes.items():
        known.update(index.facts)
        if index.damaged and options.notice:
            options.notice(f"facts cache of {name}: {index.damaged}")
    work: dict[str, tuple[str, bytes, str]] = {}
    for listing in listings:
        kept = []
        for entry, sha, key in listing.entries:
            if key not in known and key not in work:
                data = _read(entry, options.max_file_bytes, listing.repo.diagnostics)
                if data is None:
                    continue  # gone since it was listed: a diagnostic says so
                sha = hashlib.sha256(data).hexdigest()  # as read now
                key = cache.key(entry.kind, sha)
                work.setdefault(key, (entry.kind, data, entry.path))
            kept.append((entry, sha, key))
        listing.entries = kept
    fresh = _extract(work, options, sum(len(x.entries) for x in listings))
    out = []
    for listing in listings:
        used = {key: known.get(key) or fresh[key] for _, _, key in listing.entries}
        index = indexes[listing.repo.name]
        if used.keys() != index.facts.keys():  # new, changed or removed files
            cache.write_index(index, used)
        files = [
            FileFacts(path=e.path, kind=e.kind, size=e.size, sha256=sha, facts=used[key])
            for e, sha, key in listing.entries
        ]
        out.append(listing.repo.model_copy(update={"files": files}))
    return out


def read_repositories(
    repos: list[RepoSpec], knowledge: Knowledge, options: ScanOptions
) -> list[RepoFacts]:
    """Every repository's facts (listed, then from the cache or extracted)."""
    return facts_of(list_repositories(repos, knowledge, options), options)
