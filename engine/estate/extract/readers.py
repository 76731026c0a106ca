"""Reading loosely typed YAML values: a string, a mapping, a list, a reference, or nothing."""

from __future__ import annotations

from typing import Any

from engine.estate.extract.kinds import Ref


def text(v: Any) -> str:
    if v is None or isinstance(v, dict | list):
        return ""
    return str(v)


def mapping(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def items(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def ref(v: Any, default_kind: str = "") -> Ref | None:
    d = mapping(v)
    name = text(d.get("name"))
    if not name:
        return None
    return Ref(
        kind=text(d.get("kind")) or default_kind, name=name, namespace=text(d.get("namespace"))
    )


def refs(v: Any, default_kind: str) -> list[Ref]:
    out = []
    for item in items(v):
        found = (
            ref(item, default_kind)
            if isinstance(item, dict)
            else Ref(kind=default_kind, name=text(item))
            if text(item)
            else None
        )
        if found is not None:
            out.append(found)
    return out
