"""`infraplan graph PATH...`: the estate's dependency graph."""

from __future__ import annotations

from engine.commands.common import emit, estate_knowledge, read_estate
from engine.commands.settings import Settings
from engine.core.errors import InputError, Problem
from engine.estate.discover import parse_repo_args
from engine.estate.graph import build_graph, find_nodes, focus


def run(settings: Settings, paths: list[str], fmt: str, query: str | None, depth: int) -> int:
    from engine.render import GRAPH_RENDERERS

    knowledge = estate_knowledge(settings)
    estate = read_estate(settings, knowledge, settings.repos or parse_repo_args(paths or ["."]))
    g = build_graph(estate, knowledge)
    if query:
        nodes = find_nodes(g, query)
        if not nodes:
            raise InputError(
                [
                    Problem(
                        "--focus",
                        0,
                        0,
                        f'"{query}" matches no node; try an id (repo/path:line), Kind/name or a name',
                    )
                ]
            )
        g = focus(g, nodes, depth)
    emit(GRAPH_RENDERERS[fmt](g), None)
    return 0
