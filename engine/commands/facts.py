"""`infraplan facts PATH...`: what infraplan reads in repositories, summarized (table, json) or
object by object (jsonl)."""

from __future__ import annotations

from engine.commands.common import emit, estate_knowledge, read_estate
from engine.commands.settings import Settings
from engine.core.errors import InputError, Problem
from engine.estate.discover import RepoSpec, parse_repo_args
from engine.estate.summary import estate_summary
from engine.knowledge.reading import EstateKnowledge


def run(
    settings: Settings, paths: list[str], fmt: str, bundle: bool = False, output: str | None = None
) -> int:
    from engine.render import FACTS_RENDERERS

    knowledge = estate_knowledge(settings)
    repos = settings.repos or parse_repo_args(paths or ["."])
    if bundle:
        return write_bundle(settings, knowledge, repos, output)
    estate = read_estate(settings, knowledge, repos)
    if fmt == "jsonl":  # one line per object, not a summary
        from engine.estate.records import object_records

        emit(FACTS_RENDERERS[fmt](object_records(estate)), output)
    else:
        emit(FACTS_RENDERERS[fmt](estate_summary(estate, knowledge)), output)
    return 0


def write_bundle(
    settings: Settings, knowledge: EstateKnowledge, repos: list[RepoSpec], output: str | None
) -> int:
    """`facts REPO --bundle`: one repository's facts as read, for `plan --facts`."""
    from engine.estate.bundle import make_bundle
    from engine.estate.read import ScanOptions, read_repositories

    if len(repos) != 1:
        message = f"--bundle writes one repository's facts; {len(repos)} were given"
        raise InputError([Problem("--bundle", 0, 0, message)])
    options = ScanOptions(
        cache_dir=settings.cache_dir, jobs=settings.jobs, max_file_bytes=settings.max_file_bytes
    )
    (read,) = read_repositories(repos, knowledge, options)
    emit(make_bundle(read, repos[0].root), output)
    return 0
