"""The enhancement spec: the seed's request structure plus declarations a reviewer can check.

    enhancement:
      name: rds-rotation-integration
      category: secret-management
      scope: multi-environment
    planning_agents:
      - secret-guardian: "Design rotation workflows"
    implementation_phases:
      - terraform: "Create rotation Lambda and policies"
    rollback: "Disable rotation, pin the last good secret version"

Loading (engine/spec/load.py) reports every problem at once, each at file:line:column with what
was expected.
"""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

import re
from dataclasses import dataclass
from datetime import date

from engine.core.modelbase import Field, ValidationInfo, field_validator
from engine.core.models import Assignment, Phase, Strict, WithAssignments
from engine.core.yamlsrc import SourceMap

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class EnhancementInfo(Strict):
    """What is being enhanced."""

    name: str
    category: str
    scope: str
    summary: str = ""
    pattern: str = Field(default="", description="A knowledge pattern id; inferred when empty.")
    environments: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    repos: list[str] = Field(default_factory=list)
    target_version: str = Field(
        default="", description="The version the change moves to, when it names one."
    )

    @field_validator("name")
    @classmethod
    def _kebab(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError(
                f'expected a lower-case kebab-case name such as "rds-rotation-integration", got {v!r}'
            )
        return v


class Waiver(Strict):
    """A policy rule waived for this spec: who decided it, why, and until when."""

    rule: str
    reason: str = ""
    owner: str = ""
    expires: date | None = None


class Spec(WithAssignments):
    """An enhancement spec file."""

    enhancement: EnhancementInfo
    planning_agents: list[Assignment] = Field(default_factory=list)
    implementation_phases: list[Phase] = Field(default_factory=list)
    risk: str | None = Field(
        default=None, description="The owners' risk estimate: a value of the risk dimension."
    )
    strategy: str | None = Field(default=None, description="At least this implementation strategy.")
    rollback: str | None = None
    feature_flag: str | bool | None = None
    change_window: str | None = None
    compliance: list[str] = Field(default_factory=list)
    owners: list[str] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)
    # what the change does, when its authors know better than its words say (docs/spec.md)
    reversible: bool | None = Field(
        default=None, description="false: the change cannot be rolled back (a one-way change)."
    )
    urgency: str | None = Field(
        default=None,
        description="normal, urgent or emergency (fixing an exploited vulnerability or a leak).",
    )
    request_path: bool | None = Field(
        default=None, description="true: the change sits in every request's path."
    )
    data_at_stake: bool | None = Field(
        default=None, description="true: stateful data (databases, volumes) is changed."
    )

    @field_validator("risk", "strategy", "urgency")
    @classmethod
    def _a_decided_value(cls, v: str | None, info: ValidationInfo) -> str | None:
        """A declared value must be one the decision tree knows (given as validation context)."""
        vocabularies = (info.context or {}).get("vocabularies", {})
        allowed = vocabularies.get(info.field_name)
        if v is not None and allowed is not None and v not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {v!r}")
        return v


@dataclass(frozen=True)
class LoadedSpec:
    """A validated spec with where each of its values sits in the file."""

    spec: Spec
    display: str
    smap: SourceMap
    sha256: str
    request: str = ""  # the sentence a generated spec came from

    def origin(self, *path: str | int) -> str:
        """file:line of a spec field: the key's line for a mapping entry, else the value's."""
        if self.request:
            return "request"
        pos = self.smap.keys.get(path) or self.smap.at(path)
        return f"{self.display}:{pos.line}"
