"""Shared pydantic base classes and small value types."""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator

# one set object per distinct combination of fields set, shared by every instance of a frozen
# model: pydantic keeps a set per instance (over 2 KB for a Terraform block: half an estate's
# memory). Sharing is safe only because these models are frozen: pydantic then never adds to
# an instance's set in place (model_copy copies the set before updating it).
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


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
