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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from engine.core.errors import InputError
from engine.core.limits import DEFAULT_MAX_FILE_BYTES
from engine.core.models import Out
from engine.estate import cache, observed
from engine.estate.discover import Diagnostic, FileEntry, RepoSpec, discover
from engine.estate.extract import FileExtract
from engine.estate.workers import Extraction, Item
from engine.knowledge.reading import ReadsEstate
from engine.spec.config import CONFIG_NAME, RepoConfig, repository_config

if TYPE_CHECKING:
    from engine.estate.gitls import GitListing


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


class _Reporter:
    """Progress as (files done, total, cache hits), at most every 2% and once at the end."""

    def __init__(self, options: ScanOptions, total: int, hits: int) -> None:
        self.show = options.progress
        self.total, self.hits, self.done = total, hits, hits
        self.step = max(1, total // 50)
        self.shown = hits - self.step

    def __call__(self, count: int) -> None:
        self.done += count
        if self.show is not None and self.done < self.total and self.done - self.shown >= self.step:
            self.shown = self.done
            self.show(self.done, self.total, self.hits)

    def end(self) -> None:
        if self.show is not None:
            self.show(self.total, self.total, self.hits)


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
    repo: RepoSpec, knowledge: ReadsEstate
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


GIT_AHEAD = 8  # repositories whose `git ls-files` runs while an earlier one is listed


def list_repositories(
    repos: list[RepoSpec],
    knowledge: ReadsEstate,
    options: ScanOptions,
    extraction: Extraction | None = None,
) -> list[Listing]:
    """Every repository's files, read and hashed (their contents are not kept: only offered to
    an eager `extraction`). The git listings of the next repositories run meanwhile."""
    from engine.estate.gitls import GitListing

    roots = [repo.root.resolve() for repo in repos]
    git: dict[int, GitListing] = {}
    listings = []
    try:
        for i, repo in enumerate(repos):
            for ahead in range(i, min(i + GIT_AHEAD, len(repos))):
                if ahead not in git:
                    git[ahead] = GitListing(roots[ahead])
            listings.append(_listing(repo, knowledge, options, git.pop(i), extraction))
            if extraction is not None:
                extraction.flush()
    finally:
        for started in git.values():  # (an error stopped the listing)
            started.close()
    return listings


def _listing(
    repo: RepoSpec,
    knowledge: ReadsEstate,
    options: ScanOptions,
    git: GitListing,
    extraction: Extraction | None,
) -> Listing:
    config, diagnostics = repository_settings(repo, knowledge)
    exclude = tuple(options.exclude) + tuple(config.exclude if config else ())
    found = discover(repo, options.max_file_bytes, exclude, git, observed.observer())
    diagnostics.extend(found.diagnostics)
    entries: list[tuple[FileEntry, str, str]] = []
    for entry in found.files:
        data = _read(entry, options.max_file_bytes, diagnostics)
        if data is not None:
            sha = hashlib.sha256(data).hexdigest()
            key = cache.key(entry.kind, sha)
            entries.append((entry, sha, key))
            if extraction is not None:
                extraction.offer(key, (entry.kind, data, entry.path))
    repo_facts = RepoFacts(
        name=repo.name,
        role=repo.role,
        configured=config is not None,
        config_role=config.role if config else "",
        config_environments=dict(config.environments) if config else {},
        skipped=dict(sorted(found.skipped.items())),
        diagnostics=diagnostics,
    )
    return Listing(repo_facts, repo.root, entries)


def nothing_cached(repos: list[RepoSpec], options: ScanOptions) -> bool:
    """No repository has a facts index in the current key space: every file is to be extracted
    (a first run, new extractors, no cache), so extraction may start while listing."""
    if options.cache_dir is None:
        return True
    return not any(cache.index_path(options.cache_dir, r.root).exists() for r in repos)


def facts_of(
    listings: list[Listing],
    options: ScanOptions,
    extraction: Extraction | None = None,
    place: Callable[[RepoFacts], None] | None = None,
) -> list[RepoFacts]:
    """Every listed file's facts: from its repository's cache index (read once), else read again
    and extracted (unless an eager `extraction` has them); an index is rewritten only when its
    repository's files changed. Each repository is given to `place` as soon as its facts are
    all known, while others are still extracted (else they are returned, in listing order)."""
    indexes = [cache.read_index(options.cache_dir, x.root) for x in listings]
    known: dict[str, FileExtract] = {}
    for listing, index in zip(listings, indexes, strict=True):
        known.update(index.facts)
        if index.damaged and options.notice:
            options.notice(f"facts cache of {listing.repo.name}: {index.damaged}")
    out: list[RepoFacts] = []
    fresh: dict[str, FileExtract] = {}

    def complete(i: int) -> None:
        listing = listings[i]
        used = {key: known.get(key) or fresh[key] for _, _, key in listing.entries}
        if used.keys() != indexes[i].facts.keys():  # new, changed or removed files
            cache.write_index(indexes[i], used)
        files = [
            FileFacts(path=e.path, kind=e.kind, size=e.size, sha256=sha, facts=used[key])
            for e, sha, key in listing.entries
        ]
        repo = listing.repo.model_copy(update={"files": files})
        if place is None:
            out.append(repo)
        else:
            place(repo)

    with extraction or Extraction(options.jobs, eager=False) as extracting:
        work = _misses(listings, known, extracting.offered, options)
        total = sum(len(x.entries) for x in listings)
        report = _Reporter(options, total, total - len(work) - len(extracting.offered))
        waiting: dict[str, list[int]] = {}  # a key to extract → the listings that hold it
        missing = [0] * len(listings)
        for i, listing in enumerate(listings):
            for key in {key for _, _, key in listing.entries if key not in known}:
                waiting.setdefault(key, []).append(i)
                missing[i] += 1
        if place is None:  # in listing order: complete each at the end
            missing = [n + 1 for n in missing]
        for i, n in enumerate(missing):
            if not n:
                complete(i)
        for keys, facts in extracting.results(work, report):
            for key, value in zip(keys, facts, strict=True):
                fresh[key] = value
                for i in waiting.pop(key, ()):
                    missing[i] -= 1
                    if not missing[i]:
                        complete(i)
    report.end()
    if place is None:
        for i in range(len(listings)):
            complete(i)
    elif any(missing):  # (never: each key is extracted)
        raise RuntimeError("facts missing after extraction")
    return out


def _misses(
    listings: list[Listing], known: dict[str, FileExtract], offered: set[str], options: ScanOptions
) -> dict[str, Item]:
    """The files no cache index holds and no extraction was offered, read again (a file that
    changed since it was listed is taken as it is now)."""
    work: dict[str, Item] = {}
    for listing in listings:
        kept = []
        for entry, sha, key in listing.entries:
            if key not in known and key not in work and key not in offered:
                data = _read(entry, options.max_file_bytes, listing.repo.diagnostics)
                if data is None:
                    continue  # gone since it was listed: a diagnostic says so
                sha = hashlib.sha256(data).hexdigest()  # as read now
                key = cache.key(entry.kind, sha)
                work.setdefault(key, (entry.kind, data, entry.path))
            kept.append((entry, sha, key))
        listing.entries = kept
    return work


def read_repositories(
    repos: list[RepoSpec], knowledge: ReadsEstate, options: ScanOptions
) -> list[RepoFacts]:
    """Every repository's facts (listed, then from the cache or extracted)."""
    return facts_of(list_repositories(repos, knowledge, options), options)
