"""Multi-document YAML from real repositories, read defensively.

Real repositories hold custom tags (`!env_var`), the `=` value tag, template syntax, alias
bombs and broken files. Each document becomes `(line, data)`; each problem a `(line, reason)`.
Memory stays bounded: a document is checked before anything walks it (engine/core/yamlguard.py):
one larger than a limit once aliases are expanded, nested deeper than INFRAPLAN_MAX_YAML_DEPTH,
with a recursive alias or an overlong integer is refused (PyYAML shares aliased objects, so the
danger is in traversing, not constructing).
"""

from __future__ import annotations

from typing import Any

import yaml

from engine.core import limits
from engine.core.yamlguard import check_node

# the default of INFRAPLAN_MAX_YAML_NODES
MAX_EXPANDED_NODES = limits.Limits().yaml_nodes

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TolerantLoader(_Base):
    """Safe loading that turns unknown tags into plain values and remembers that it did."""

    unknown_tags: list[tuple[int, str]]


def _unknown_tag(loader: TolerantLoader, tag_suffix: str, node: yaml.Node) -> Any:
    loader.unknown_tags.append((node.start_mark.line + 1, node.tag))
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


class RedefiningLoader(yaml.SafeLoader):
    """The pure-Python loader, letting a later anchor redefine an earlier one (YAML 1.2 allows
    it; libyaml refuses). Used only for files the C loader rejects for that reason."""

    unknown_tags: list[tuple[int, str]]

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            self.anchors.pop(anchor, None)
        return super().compose_node(parent, index)


for _loader in (TolerantLoader, RedefiningLoader):
    _loader.add_multi_constructor("!", _unknown_tag)
    _loader.add_multi_constructor("tag:", _unknown_tag)
    _loader.add_constructor(
        "tag:yaml.org,2002:value",
        lambda loader, node: loader.construct_scalar(node),  # type: ignore[arg-type]
    )


def load_documents(text: str) -> tuple[list[tuple[int, Any]], list[tuple[int, str]]]:
    """Every document of a YAML stream with its first line; problems as (line, reason)."""
    docs, problems = _load(text, TolerantLoader)
    if any("duplicate anchor" in reason for _, reason in problems):
        docs, problems = _load(text, RedefiningLoader)
    return docs, problems


def _load(text: str, loader_class: Any) -> tuple[list[tuple[int, Any]], list[tuple[int, str]]]:
    docs: list[tuple[int, Any]] = []
    problems: list[tuple[int, str]] = []
    loader = loader_class(text)
    loader.unknown_tags = []
    bounds = limits.current()
    count = 0
    try:
        while loader.check_node():
            count += 1
            if count > bounds.yaml_documents:
                mark = loader.peek_event().start_mark
                problems.append(
                    (
                        mark.line + 1,
                        f"more than {bounds.yaml_documents} YAML documents in one file "
                        "(INFRAPLAN_MAX_YAML_DOCUMENTS): the rest skipped",
                    )
                )
                break
            node = loader.get_node()
            if node is None:
                continue
            line = node.start_mark.line + 1
            refused = check_node(node, bounds.yaml_depth, bounds.yaml_nodes, bounds.int_digits)
            if refused is not None:
                problems.append((refused.line, f"document refused: {refused.reason}: skipped"))
                continue
            try:
                docs.append((line, loader.construct_document(node)))
            except yaml.YAMLError as exc:
                problems.append((line, f"cannot construct YAML document: {_short(exc)}"))
            except (ValueError, OverflowError, TypeError) as exc:  # `2024-02-30`, a huge number
                reason = str(exc).split(";")[0] or type(exc).__name__
                problems.append((line, f"cannot read a value: {reason}: skipped"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.append((mark.line + 1 if mark else 0, f"not valid YAML: {_short(exc)}"))
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        problems.append((0, f"not valid YAML: {_short(exc)}"))
    finally:
        loader.dispose()
    for line, tag in loader.unknown_tags:
        problems.append((line, f"custom YAML tag {tag} read as a plain value"))
    return docs, problems


def _short(exc: BaseException) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        return (
            " ".join(str(part) for part in (exc.context, exc.problem) if part) or type(exc).__name__
        )
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
