"""Parsing HCL with python-hcl2's grammar (its lark tree, with line numbers), the compiled
grammar cached in infraplan's cache folder; a parse error names its position, never the text.
Then reading the tree: blocks, their labels, bodies and attributes (raw text and node)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any


def _hcl_problem(exc: Exception) -> tuple[int, str]:
    """Where HCL failed to parse, without quoting the file: its text may hold secrets."""
    line = getattr(exc, "line", 0) or 0
    column = getattr(exc, "column", 0) or 0
    token = getattr(exc, "token", None)
    kind = str(getattr(token, "type", "")) if token is not None else ""
    what = f"unexpected {kind}" if kind else "unexpected input"
    return line, f"not valid HCL: {what} at line {line}, column {column}"


@functools.cache
def _hcl_parser() -> Any:
    """python-hcl2's parser (its grammar, its options), with the compiled grammar cached in
    infraplan's cache folder: python-hcl2's own parser writes its cache into site-packages."""
    import platformdirs
    from hcl2 import parser as hcl2_parser
    from hcl2.postlexer import PostLexer
    from lark import Lark

    folder = Path(platformdirs.user_cache_dir("infraplan", appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        cache: str | bool = str(
            folder / f"hcl2-grammar-py{sys.version_info[0]}{sys.version_info[1]}.lark"
        )
    except OSError:
        cache = False
    return Lark.open(
        "hcl2.lark",
        parser="lalr",
        cache=cache,
        rel_to=hcl2_parser.__file__,
        propagate_positions=True,
        postlex=PostLexer(),
    )


def parse_hcl(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """The top-level body of an HCL file, or the problem that stopped parsing it."""
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = _hcl_parser().parse(text + "\n")  # the newline: as hcl2.parses_to_tree does
    except UnexpectedInput as exc:
        return None, [_hcl_problem(exc)]
    except (LarkError, RecursionError, ValueError) as exc:
        return None, [(0, f"not valid HCL: {type(exc).__name__}")]
    return (tree.children[0] if tree.children else None), []


# -- reading the tree -------------------------------------------------------------------------


def node_text(src: str, node: Any) -> str:
    meta = getattr(node, "meta", None)
    if meta is None or meta.empty:
        return ""
    return src[meta.start_pos : meta.end_pos]


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


def label(node: Any) -> str:
    """The text of a block label (`"aws_db_instance"`) or identifier."""
    from lark import Token, Tree

    parts: list[str] = []
    for sub in node.iter_subtrees_topdown() if isinstance(node, Tree) else []:
        for child in sub.children:
            if isinstance(child, Token) and child.type not in {"DBLQUOTE", "LBRACE", "RBRACE"}:
                parts.append(str(child))
    return "".join(parts)


def children(node: Any, data: str) -> list[Any]:
    from lark import Tree

    return [c for c in node.children if isinstance(c, Tree) and c.data == data]


def body_of(block: Any) -> Any:
    bodies = children(block, "body")
    return bodies[0] if bodies else None


def attributes(src: str, body: Any) -> dict[str, tuple[str, Any]]:
    """name → (raw expression text, node) for the attributes directly in a body."""
    out: dict[str, tuple[str, Any]] = {}
    if body is None:
        return out
    for attr in children(body, "attribute"):
        name = label(attr.children[0])
        out[name] = (node_text(src, attr.children[-1]), attr)
    return out


def blocks_of(body: Any) -> list[Any]:
    return children(body, "block") if body is not None else []


def block_head(block: Any) -> tuple[str, list[str]]:
    from lark import Tree

    kind = label(block.children[0])
    labels = [
        label(c)
        for c in block.children[1:]
        if isinstance(c, Tree) and c.data in {"string", "identifier", "string_lit"}
    ]
    return kind, labels
