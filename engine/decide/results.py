"""What the rules engine produces: firings (one rule, the facts it matched, what it concluded),
decisions with their traces, findings and policy violations. Plain models, rendered by every
output format and replayed by `explain`."""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from engine.core.modelbase import Field
from engine.core.models import Out


class MatchedFact(Out):
    type: str
    id: str
    fields: dict[str, str | int | bool]
    at: str = ""
    evidence: list[str] = Field(default_factory=list)


class Firing(Out):
    """One activation of one rule: the facts it matched and what it concluded."""

    rule: str
    expert: str
    source: str
    because: str
    facts: list[MatchedFact]
    conclusions: list[tuple[str, str]]
    violation: str = ""
    finding: str = ""
    severity: str = ""
    at: str = ""


class EngineError(RuntimeError):
    """The rules engine failed; a bug in infraplan or in durable_rules, not a user mistake."""


class TraceEntry(Out):
    """Why a value was decided: the rule, the expert it speaks for, the facts it matched."""

    value: str
    rule: str
    expert: str
    source: str
    because: str
    facts: list[MatchedFact]


class Decision(Out):
    """A decided dimension: its value, the rules behind it, and how a plan names it."""

    value: str | list[str] | None
    trace: list[TraceEntry]
    label: str = ""  # the dimension's short name (knowledge/decision-tree.yaml)
    summary: int = 0  # its row in a plan's summary table (0: not there)
    emphasis: bool = False


class Finding(Out):
    """Something a rule found in the estate or the spec, with the facts behind it."""

    rule: str
    expert: str
    source: str
    message: str
    evidence: list[str]
    severity: str = "info"  # error (the plan cannot be carried out as asked), warning or info


class WaivedBy(Out):
    """The spec's waiver that excuses a violation."""

    reason: str
    owner: str
    expires: str
    at: str


class Violation(Out):
    """A spec policy rule that fired: what `check` reports."""

    rule: str
    severity: str
    message: str
    at: str
    expert: str
    source: str
    facts: list[MatchedFact]
    waived_by: WaivedBy | None = None
