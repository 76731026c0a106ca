"""The estate graph as JSON (`infraplan graph --format json`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx


def graph_data(g: nx.DiGraph) -> dict[str, Any]:
    nodes = [
        {"id": n, **{k: v for k, v in sorted(d.items())}} for n, d in sorted(g.nodes(data=True))
    ]
    edges = [
        {"from": u, "to": v, "kind": d["kind"]}
        for u, v, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1]))
    ]
    return {"nodes": nodes, "edges": edges}


def render(g: nx.DiGraph) -> str:
    return json.dumps(graph_data(g), indent=2, ensure_ascii=False) + "\n"
