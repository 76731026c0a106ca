"""`infraplan facts PATH...`: what infraplan reads in repositories, summarized (table, json) or
object by object (jsonl)."""

from __future__ import annotations

from engine.commands.common import emit, knowledge_only, read_estate
from engine.commands.settings import Settings
from engine.estate.discover import parse_repo_args
from engine.estate.summary import estate_summary


def run(settings: Settings, paths: list[str], fmt: str) -> int:
    from engine.render import FACTS_RENDERERS

    knowledge = knowledge_only(settings)
    estate = read_estate(settings, knowledge, settings.repos or parse_repo_args(paths or ["."]))
    if fmt == "jsonl":  # one line per object, not a summary
        from engine.estate.records import object_records

        emit(FACTS_RENDERERS[fmt](object_records(estate)), None)
    else:
        emit(FACTS_RENDERERS[fmt](estate_summary(estate, knowledge)), None)
    return 0
