"""Shared pydantic base classes and small value types."""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from collections.abc import Mapping
from typing import Any, Self, SupportsIndex, TypeVar

from engine.core.modelbase import BaseModel, ConfigDict, model_validator

# one set object per distinct combination of fields set, shared by every instance of a frozen
# model: pydantic keeps a set per instance (over 2 KB for a Terraform block: half an estate's
# memory). Sharing is safe only because these models are frozen: pydantic then never adds to
# an instance's set in place (model_copy copies the set before updating it).
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


# the one empty list and the one empty dict that the empty fields of an estate's records hold,
# from extraction on: two thirds of an organisation's containers are empty (690,000, 40 MB, at
# the scale bench's full size). Nothing changes a record's containers in place: records are
# frozen and built anew when changed (tests/estate/test_shared_empties.py holds this).
EMPTY_LIST: list[Any] = []
EMPTY_DICT: dict[Any, Any] = {}


def share_empties(model: BaseModel) -> None:
    """The model's empty list and dict fields made the shared empties, in place: equal values."""
    values = model.__dict__
    for name, value in values.items():
        if not value:
            kind = type(value)
            if kind is list:
                values[name] = EMPTY_LIST
            elif kind is dict:
                values[name] = EMPTY_DICT


def fields_set_of(names: frozenset[str]) -> set[str]:
    """The set shared by every instance whose fields set are `names`."""
    shared = _FIELDS_SETS.get(names)
    return shared if shared is not None else _FIELDS_SETS.setdefault(names, set(names))


def shared_fields_set(model: BaseModel) -> None:
    fields = model.__pydantic_fields_set__
    shared = _FIELDS_SETS.setdefault(frozenset(fields), fields)
    if shared is not fields:
        object.__setattr__(model, "__pydantic_fields_set__", shared)


class Strict(BaseModel):
    """A model for hand-written input: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        # pickled compactly, as Out is (the cached knowledge base holds thousands of these),
        # with one fields set per combination of fields set: safe as instances are frozen
        if self.__pydantic_extra__ is None and self.__pydantic_private__ is None:
            fields_set = fields_set_of(frozenset(self.__pydantic_fields_set__))
            return _restored, (type(self), self.__dict__, fields_set)
        return super().__reduce_ex__(protocol)


class Out(BaseModel):
    """A model for output: plain, immutable. Estates hold hundreds of thousands of these, so
    instances share their record of which fields were set (see shared_fields_set)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    def model_post_init(self, context: Any, /) -> None:
        shared_fields_set(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copied = super().model_copy(update=update, deep=deep)
        shared_fields_set(copied)
        return copied

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        # pickled as its class, fields and fields set: pydantic's own state is a new dict per
        # instance, which the pickler's memo keeps until the end (an estate: 100,000 of them)
        if self.__pydantic_extra__ is None and self.__pydantic_private__ is None:
            return _restored, (type(self), self.__dict__, self.__pydantic_fields_set__)
        return super().__reduce_ex__(protocol)


M = TypeVar("M", bound=BaseModel)


def _restored(cls: type[M], values: dict[str, Any], fields_set: set[str]) -> M:
    """An Out or Strict instance as pickled (their __reduce_ex__)."""
    model = cls.__new__(cls)
    set_ = object.__setattr__
    set_(model, "__dict__", values)
    set_(model, "__pydantic_fields_set__", fields_set)
    set_(model, "__pydantic_extra__", None)
    set_(model, "__pydantic_private__", None)
    return model


def single_key_items(value: Any, key_name: str, value_name: str) -> Any:
    """Accept the seed's `- name: "text"` list items as `{key_name: name, value_name: text}`."""
    if not isinstance(value, list):
        return value
    items = []
    for item in value:
        if isinstance(item, dict) and len(item) == 1 and key_name not in item:
            ((name, text),) = item.items()
            items.append({key_name: name, value_name: text})
        elif isinstance(item, str):
            items.append({key_name: item, value_name: ""})
        else:
            items.append(item)
    return items


class Assignment(Strict):
    """A planning agent and what it is asked to do (`- secret-guardian: "Design rotation workflows"`)."""

    agent: str
    task: str = ""


class Phase(Strict):
    """An implementation phase (`- terraform: "Create rotation Lambda and policies"`)."""

    name: str
    task: str = ""


# the lists written in the seed's `- name: "text"` form: field → (key name, value name). The
# spec's JSON Schema (engine/audit/schema.py) describes the same forms from this table.
SEED_LISTS: dict[str, tuple[str, str]] = {
    "planning_agents": ("agent", "task"),
    "implementation_phases": ("name", "task"),
    "suggested_phases": ("name", "task"),
}


class WithAssignments(Strict):
    @model_validator(mode="before")
    @classmethod
    def _seed_lists(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for key, (key_name, value_name) in SEED_LISTS.items():
                if key in data:
                    data[key] = single_key_items(data[key], key_name, value_name)
        return data
