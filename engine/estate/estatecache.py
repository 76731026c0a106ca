"""The assembled estate, cached: on an unchanged estate a warm run lists and hashes the files and
loads the estate it assembled last time, without reading the facts or placing anything again.

The key is a digest of everything assembly reads: every repository's name, role, settings,
skipped counts and diagnostics, every file's path, kind, size and cache key (which names the
extractor version, the extractors' source and the content digest), the scan options, the
knowledge an estate is read with (the digests of environments.yaml and estate.yaml:
engine/knowledge/reading.py, ESTATE_FILES) and every engine module. One entry per set of repositories
(named by their folders), replaced when anything changes, so the cache does not grow with
every edit. Stored as a pickle by engine/core/picklefile.py (own file, checksummed, atomic).
"""

from __future__ import annotations

import hashlib
import os

from engine.core.picklefile import engine_code, no_gc, read_pickle, write_pickle
from engine.estate.model import Estate
from engine.estate.read import Listing, RepoFacts, ScanOptions, facts_of
from engine.estate.workers import Extraction
from engine.knowledge.reading import ReadsEstate


def estate_key(listings: list[Listing], knowledge: ReadsEstate, options: ScanOptions) -> str:
    digest = hashlib.sha256(
        f"{engine_code()}\0{knowledge.estate_digest}\0{options.max_file_bytes}\0"
        f"{sorted(options.environment_aliases.items())}\0{options.exclude}\0".encode()
    )
    for listing in listings:
        digest.update(listing.digest().encode() + b"\0")
    return digest.hexdigest()


def cached_estate(
    listings: list[Listing],
    knowledge: ReadsEstate,
    options: ScanOptions,
    more: list[RepoFacts] | None = None,
    extraction: Extraction | None = None,
) -> Estate:
    """The estate of the listed repositories (and of `more`, from facts bundles): from the
    cache when nothing changed, else their facts looked up or extracted, then assembled."""
    if options.cache_dir is None or more:
        return _assembled(listings, knowledge, options, extraction, more or [])
    where = hashlib.sha256(
        "\0".join(f"{x.repo.name}={os.fsdecode(x.root.resolve())}" for x in listings).encode()
    ).hexdigest()[:20]
    path = options.cache_dir / f"estate-{where}.pickle"
    key = estate_key(listings, knowledge, options)
    estate = read_pickle(path, key)
    if isinstance(estate, Estate):
        total = sum(len(x.entries) for x in listings)
        if options.progress is not None:
            options.progress(total, total, total)
        return estate
    with no_gc():  # the estate assembled and stored: all of it lives on
        estate = _assembled(listings, knowledge, options, extraction, [])
        write_pickle(path, key, estate)
    return estate


def _assembled(
    listings: list[Listing],
    knowledge: ReadsEstate,
    options: ScanOptions,
    extraction: Extraction | None,
    more: list[RepoFacts],
) -> Estate:
    """Each repository placed as soon as its facts are known (while other files are still
    extracted), then the estate connected."""
    from engine.estate.scan import Assembly  # placement and delivery: only when assembling

    with no_gc():  # (assembly makes tens of thousands of objects that all live on)
        assembly = Assembly([*(x.repo for x in listings), *more], knowledge, options)
        for repo in more:
            assembly.place(repo)
        facts_of(listings, options, extraction, assembly.place)
        return assembly.estate()
