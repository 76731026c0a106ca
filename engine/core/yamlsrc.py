"""YAML documents that remember where each value came from.

Specs, rules and knowledge are small hand-written files whose errors must point at
file:line:column. PyYAML's composer keeps marks on nodes; we build plain Python values from
the nodes and keep a side table from each value's path to its position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.core import limits
from engine.core.errors import InputError, Problem
from engine.core.files import read_text
from engine.core.yamlguard import check_node

try:  # the C loader is several times faster; fall back when libyaml is absent
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class SourceMap:
    """Where each key and value of a document sits in its file."""

    file: str
    keys: dict[PathKey, Position] = field(default_factory=dict)
    values: dict[PathKey, Position] = field(default_factory=dict)

    def at(self, path: PathKey, *, key: bool = False) -> Position:
        """The position of a path, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), Position(1, 1))

    def problem(self, path: PathKey, message: str, *, key: bool = False) -> Problem:
        pos = self.at(path, key=key)
        return Problem(self.file, pos.line, pos.column, message, dotted(path))


def dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _build(
    node: yaml.Node, loader: Any, path: PathKey, smap: SourceMap, problems: list[Problem]
) -> Any:
    smap.values[path] = _position(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader, (*path, "?"), smap, problems)
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            child = (*path, key)
            if key in result:
                pos = _position(key_node)
                problems.append(
                    Problem(
                        smap.file, pos.line, pos.column, f'duplicate key "{key}"', dotted(child)
                    )
                )
                continue
            smap.keys[child] = _position(key_node)
            result[key] = _build(value_node, loader, child, smap, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, loader, (*path, i), smap, problems) for i, item in enumerate(node.value)
        ]
    return _scalar(node, loader, path, smap, problems)


def _scalar(
    node: yaml.Node, loader: Any, path: PathKey, smap: SourceMap, problems: list[Problem]
) -> Any:
    """A scalar's value; an impossible date or number is a problem at its place, not a crash."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, TypeError) as exc:
        pos = _position(node)
        reason = str(exc).split(";")[0] or type(exc).__name__
        problems.append(
            Problem(
                smap.file, pos.line, pos.column, f"cannot read the value: {reason}", dotted(path)
            )
        )
        return None


def load_text(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document; raise InputError naming file:line:column on any problem."""
    smap = SourceMap(file)
    try:
        loader = _Loader(text)
    except UnicodeError:  # text that did not come from a UTF-8 file
        raise InputError([Problem(file, 1, 1, "not UTF-8 text")]) from None
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is not None:
            bounds = limits.current()
            refused = check_node(node, bounds.yaml_depth, bounds.yaml_nodes, bounds.int_digits)
            if refused is not None:
                raise InputError([Problem(file, refused.line, refused.column, refused.reason)])
        data = None if node is None else _build(node, loader, (), smap, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise InputError(
            [Problem(file, line, col, f"not valid YAML: {exc.problem or exc}")]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, 1, 1, f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(file, 1, 1, "not readable: nested too deeply")]) from None
    finally:
        loader.dispose()
    if problems:
        raise InputError(problems)
    return data, smap


def load_file(path: Path, display: str | None = None) -> tuple[Any, SourceMap]:
    """Read and parse a YAML file a user wrote (a spec, rule, knowledge file or config).

    Only a regular file of at most INFRAPLAN_MAX_INPUT_BYTES is read; unreadable, oversized or
    undecodable files are InputErrors too.
    """
    name = display or str(path)
    limit = limits.current().input_bytes
    text = read_text(path, limit, name, setting="INFRAPLAN_MAX_INPUT_BYTES")
    return load_text(text, name)
