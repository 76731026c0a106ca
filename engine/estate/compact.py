"""Sharing what repeats in an assembled estate, so that it is held (and pickled, and loaded from
the estate cache) once: equal strings, and equal small records (why an object is live, how it is
delivered, the charts it installs).

An organisation's estate repeats itself: 60,000 Terraform blocks and 10,000 objects carry a few
thousand distinct delivery records and about a tenth as many distinct strings as they hold. Each
is a separate object when built (and pydantic copies strings and lists as it validates), so an
estate held about 200 MB where its distinct values need well under half of that.

Only values are replaced, each by an equal one: nothing anyone reads changes. Records are
frozen, so one record may stand for many. A container with contents stays its owner's (only
its contents are shared); an empty one is the one empty list or dict (EMPTY_LIST, EMPTY_DICT of engine/core/models.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from engine.core.models import EMPTY_DICT, EMPTY_LIST
from engine.estate.model import ChartUse, Delivered, Estate, Why

# small records that repeat, shared when equal. A record's fields are compared in order; its
# nested records are compared by identity, so a type listed here lists the types it holds first.
SHARED_BY_VALUE: tuple[type[BaseModel], ...] = (Why, ChartUse, Delivered)


_PLAIN = frozenset({int, bool, float, type(None)})  # values that are never shared


class _Sharer:
    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.records: dict[tuple[Any, ...], BaseModel] = {}
        self.kinds: dict[type, bool] = {}  # a type: is it a record?
        # a record met again (records are shared: one delivery record for many objects):
        # id → (the record, what stands for it). It holds the record, so the id stays its own.
        self.done: dict[int, tuple[BaseModel, BaseModel]] = {}

    def value(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self.strings.setdefault(value, value)
        if kind is list:
            return self.items(value) if value else EMPTY_LIST
        if kind is dict:
            if not value:
                return EMPTY_DICT
            return {self.value(k): self.value(v) for k, v in value.items()}
        record = self.kinds.get(kind)
        if record is None:
            record = self.kinds[kind] = issubclass(kind, BaseModel)
        return self.record(value) if record else value

    def items(self, values: list[Any]) -> list[Any]:
        strings = self.strings
        for i, item in enumerate(values):
            kind = type(item)
            if kind is str:
                values[i] = strings.setdefault(item, item)
            elif kind not in _PLAIN:
                shared = self.value(item)
                if shared is not item:
                    values[i] = shared
        return values

    def record(self, record: BaseModel) -> BaseModel:
        done = self.done.get(id(record))
        if done is not None:
            return done[1]
        fields = record.__dict__
        strings = self.strings
        for name, value in fields.items():  # (the common cases inline: this runs a million times)
            kind = type(value)
            if kind is str:
                fields[name] = strings.setdefault(value, value)  # an equal value: reads the same
            elif kind not in _PLAIN:
                shared = self.value(value)
                if shared is not value:
                    fields[name] = shared
        shared = record
        if type(record) in SHARED_BY_VALUE:
            key = (type(record), *(_identity(v) for v in fields.values()))
            shared = self.records.setdefault(key, record)
        self.done[id(record)] = (record, shared)
        return shared


def _identity(value: Any) -> Any:
    """A field's value as a dictionary key: itself when hashable, else what it holds (nested
    records, already shared, by identity)."""
    if isinstance(value, BaseModel):
        return id(value)
    if type(value) is list:
        return ("list", *(_identity(v) for v in value))
    if type(value) is dict:
        return ("dict", *((k, _identity(v)) for k, v in value.items()))
    return (type(value), value)  # True and 1 are equal keys; their types are not


def share_equal_values(estate: Estate) -> None:
    """Make equal strings and equal small records of the estate one object each, in place."""
    sharer = _Sharer()
    for name in type(estate).model_fields:
        sharer.value(getattr(estate, name))
