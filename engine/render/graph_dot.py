"""The estate graph in Graphviz DOT (`infraplan graph --format dot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(g: nx.DiGraph) -> str:
    lines = ["digraph estate {", "  rankdir=LR;", "  node [shape=box];"]
    for n, d in sorted(g.nodes(data=True)):
        where = f"{d['repo']}/{d['path']}:{d['line']}"
        lines.append(f"  {_quoted(n)} [label={_quoted(d['label'] + chr(10) + where)}];")
    for u, v, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        lines.append(f"  {_quoted(u)} -> {_quoted(v)} [label={_quoted(d['kind'])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
