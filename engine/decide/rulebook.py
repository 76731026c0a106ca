"""Declarative rules: the rule model (engine/decide/compile.py compiles YAML into it, load.py
loads folders of it, durable.py evaluates it).

A rule file is a YAML list of rules:

    - id: risk.prod-credentials
      expert: secret-guardian
      when:
        all:
          - enhancement: {category: secret-management, touches_prod: true}
      then: {risk: medium}
      because: Rotating production credentials can break every app that holds them.

A condition names a fact type (see engine/facts/schema.py) or, as a shorthand for a `decision` fact, a
decision dimension (`risk: {$gte: medium}`). Rules that conclude `violation` are spec policy
rules: they run after the decisions are final and are what `infraplan check` reports.
"""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from typing import Any, Literal

from engine.core.digest import SourceFile, digest_files
from engine.core.modelbase import Field
from engine.core.models import Strict
from engine.facts.schema import Scalar


class Test(Strict):
    """One compiled field test: `field op value`."""

    field: str
    op: str
    value: Scalar | list[Scalar]


class Condition(Strict):
    """One condition of a rule: a fact of `fact_type` whose fields pass every test."""

    fact_type: str
    tests: list[Test]
    line: int


class Conclusion(Strict):
    dimension: str
    values: list[str] = Field(default_factory=list)
    value_from: str = ""  # "fact_type.field": copy the value of a matched fact's field


class Rule(Strict):
    id: str
    expert: str
    because: str
    mode: Literal["all", "any"]
    conditions: list[Condition]
    conclusions: list[Conclusion] = Field(default_factory=list)
    violation: str = ""
    finding: str = ""  # a message for the plan's findings, with {fact_type.field} placeholders
    # a violation's severity (error by default), or a finding's (info by default)
    severity: Literal["error", "warning", "info"] = "error"
    at: str = ""  # "fact_type.field" whose origin locates a violation
    source: str  # file:line where the rule is defined
    description: str = ""
    remedy: dict[str, list[str]] = Field(default_factory=dict)

    @property
    def is_policy(self) -> bool:
        return bool(self.violation)


class RawRule(Strict):
    """A rule as written in YAML."""

    id: str
    expert: str
    when: dict[str, list[dict[str, Any]]]
    then: dict[str, Any]
    because: str
    severity: Literal["error", "warning", "info"] | None = Field(
        default=None,
        description="A violation's severity (default error) or a finding's (default info; error: "
        "the plan cannot be carried out as asked).",
    )
    at: str = ""
    description: str = ""
    remedy: dict[str, list[str]] = Field(
        default_factory=dict,
        description="How `infraplan new` satisfies a policy rule in a spec it writes: a spec field "
        "and candidate values, the first that is not empty once {pattern_rollback} is filled in.",
    )


class Rulebook(Strict):
    rules: list[Rule]
    files: list[SourceFile]

    @property
    def decision_rules(self) -> list[Rule]:
        return [r for r in self.rules if not r.is_policy]

    @property
    def policy_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.is_policy]

    @property
    def digest(self) -> str:
        return digest_files(self.files)


class Disable(Strict):
    """An overlay entry that removes a rule: `- {disable: risk.all-teams, reason: "..."}`."""

    disable: str
    reason: str
