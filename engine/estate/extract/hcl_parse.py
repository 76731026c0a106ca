"""Parsing HCL with python-hcl2's grammar (its lark tree, with line numbers), the compiled
grammar cached in infraplan's cache folder; a parse error names its position, never the text."""

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
