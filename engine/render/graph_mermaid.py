"""The estate graph as a Mermaid flowchart (`infraplan graph`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.render.mermaid import mermaid_text

if TYPE_CHECKING:
    import networkx as nx


def render(g: nx.DiGraph) -> str:
    ids = {n: f"n{i}" for i, n in enumerate(sorted(g.nodes))}
    lines = ["flowchart LR"]
    for n, d in sorted(g.nodes(data=True)):
        label = (
            mermaid_text(d["label"])
            + "<br/>"
            + mermaid_text(f"{d['repo']}/{d['path']}:{d['line']}")
        )
        lines.append(f'  {ids[n]}["{label}"]')
    for u, v, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        lines.append(f"  {ids[u]} -->|{d['kind']}| {ids[v]}")
    return "\n".join(lines) + "\n"
