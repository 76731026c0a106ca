"""Shared pydantic base classes and small value types."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class Strict(BaseModel):
    """A model for hand-written input: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Out(BaseModel):
    """A model for output: plain, immutable."""

    model_config = ConfigDict(frozen=True)


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


class WithAssignments(Strict):
    @model_validator(mode="before")
    @classmethod
    def _seed_lists(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "planning_agents" in data:
                data["planning_agents"] = single_key_items(data["planning_agents"], "agent", "task")
            for key in ("implementation_phases", "suggested_phases"):
                if key in data:
                    data[key] = single_key_items(data[key], "name", "task")
        return data
