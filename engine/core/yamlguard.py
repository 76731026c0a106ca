"""Guards for YAML from anywhere: a composed document is checked before anything builds Python
values from it or walks it.

PyYAML shares an aliased node wherever it is referenced, so a few lines of aliases (a "billion
laughs") compose cheaply but expand to billions of values when walked; an alias inside its own
anchor (`owners: &a [*a]`) never ends; deep nesting overflows Python's stack. One iterative pass
over the node graph measures the document as if aliases were expanded — without expanding them —
and stops at the first limit crossed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml

INT_TAG = "tag:yaml.org,2002:int"


@dataclass(frozen=True)
class Refusal:
    """Why a document is refused, and where (1-based line and column)."""

    line: int
    column: int
    reason: str


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def _at(node: yaml.Node, reason: str) -> Refusal:
    return Refusal(node.start_mark.line + 1, node.start_mark.column + 1, reason)


def check_node(root: yaml.Node, max_depth: int, max_nodes: int, max_digits: int) -> Refusal | None:
    """The first limit a composed document crosses, or None.

    Sizes and heights of shared (aliased) nodes are remembered, so the pass is linear in the
    composed document however large its expansion would be.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_nodes: set[int] = set()
    # (node, its depth, an iterator over its children, [expanded size, height] so far)
    stack: list[tuple[yaml.Node, int, Iterator[yaml.Node], list[int]]] = []

    def leaf(node: yaml.Node) -> Refusal | None:
        if (
            isinstance(node, yaml.ScalarNode)
            and node.tag == INT_TAG
            and sum(c.isdigit() for c in str(node.value)) > max_digits
        ):
            return _at(node, f"an integer of more than {max_digits} digits")
        return None

    if not isinstance(root, yaml.MappingNode | yaml.SequenceNode):
        return leaf(root)
    stack.append((root, 1, _children(root), [1, 1]))
    open_nodes.add(id(root))
    while stack:
        node, depth, children, acc = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            open_nodes.discard(id(node))
            size[id(node)], height[id(node)] = acc
            if stack:
                parent = stack[-1][3]
                parent[0] += acc[0]
                parent[1] = max(parent[1], acc[1] + 1)
                if parent[0] > max_nodes:
                    return _at(stack[0][0], _too_large(max_nodes))
            continue
        key = id(child)
        if key in open_nodes:
            return _at(child, "an alias refers to a node that contains it (a recursive alias)")
        if key in size:  # an alias to a finished node: count its expansion, do not walk it
            acc[0] += size[key]
            acc[1] = max(acc[1], height[key] + 1)
            if depth + height[key] > max_depth:
                return _at(child, _too_deep(max_depth))
        elif isinstance(child, yaml.MappingNode | yaml.SequenceNode):
            if depth + 1 > max_depth:
                return _at(child, _too_deep(max_depth))
            stack.append((child, depth + 1, _children(child), [1, 1]))
            open_nodes.add(key)
            continue
        else:
            refusal = leaf(child)
            if refusal is not None:
                return refusal
            size[key], height[key] = 1, 1
            acc[0] += 1
        if acc[0] > max_nodes:
            return _at(stack[0][0], _too_large(max_nodes))
    return None


def _too_deep(limit: int) -> str:
    return f"nested more than {limit} levels deep (INFRAPLAN_MAX_YAML_DEPTH)"


def _too_large(limit: int) -> str:
    return f"more than {limit} values once YAML aliases are expanded (INFRAPLAN_MAX_YAML_NODES)"
