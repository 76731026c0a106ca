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

Loading reports every problem at once, each at file:line:column with what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from engine.errors import InputError, Problem, did_you_mean
from engine.knowledge import Knowledge
from engine.models import Assignment, Phase, Strict, WithAssignments
from engine.validation import validate
from engine.yamlsrc import SourceMap, load_file, load_text

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
    risk: Literal["low", "medium", "high", "critical"] | None = None
    strategy: Literal["direct", "staged", "extensive-testing", "maintenance-window"] | None = None
    rollback: str | None = None
    feature_flag: str | bool | None = None
    change_window: str | None = None
    compliance: list[str] = Field(default_factory=list)
    owners: list[str] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)


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


def load_spec(path: Path, knowledge: Knowledge, name_in_plan: str | None = None) -> LoadedSpec:
    """Read, validate and cross-check a spec file against the knowledge base.

    Errors name the file as the user gave it; the plan names it `name_in_plan` (see
    `stable_display`), so that plans do not depend on the working directory.
    """
    import hashlib

    data, smap = load_file(path, str(path))
    loaded = _finish(data, smap, knowledge, hashlib.sha256(path.read_bytes()).hexdigest())
    if name_in_plan is None:
        return loaded
    smap.file = name_in_plan
    return LoadedSpec(spec=loaded.spec, display=name_in_plan, smap=smap, sha256=loaded.sha256)


def parse_spec(text: str, knowledge: Knowledge, display: str) -> LoadedSpec:
    import hashlib

    data, smap = load_text(text, display)
    return _finish(data, smap, knowledge, hashlib.sha256(text.encode()).hexdigest())


def _finish(data: object, smap: SourceMap, knowledge: Knowledge, sha256: str) -> LoadedSpec:
    if not isinstance(data, dict):
        raise InputError(
            [
                smap.problem(
                    (), "expected a mapping with an `enhancement:` section (see docs/spec.md)"
                )
            ]
        )
    spec = validate(Spec, data, smap)
    problems = cross_check(spec, smap, knowledge)
    if problems:
        raise InputError(problems)
    return LoadedSpec(spec=spec, display=smap.file, smap=smap, sha256=sha256)


def cross_check(spec: Spec, smap: SourceMap, knowledge: Knowledge) -> list[Problem]:
    """Names in the spec must be known to the knowledge base."""
    problems = []
    e = spec.enhancement
    categories = [c.id for c in knowledge.categories]
    if e.category not in categories:
        problems.append(
            smap.problem(
                ("enhancement", "category"),
                f'unknown category "{e.category}"{did_you_mean(e.category, categories)}; expected one of {", ".join(categories)}',
            )
        )
    scopes = [s.id for s in knowledge.scopes]
    if e.scope not in scopes:
        problems.append(
            smap.problem(
                ("enhancement", "scope"),
                f'unknown scope "{e.scope}"{did_you_mean(e.scope, scopes)}; expected one of {", ".join(scopes)}',
            )
        )
    patterns = [p.id for p in knowledge.patterns]
    if e.pattern and e.pattern not in patterns:
        problems.append(
            smap.problem(
                ("enhancement", "pattern"),
                f'unknown pattern "{e.pattern}"{did_you_mean(e.pattern, patterns)}; expected one of {", ".join(patterns)}',
            )
        )
    for i, env in enumerate(e.environments):
        if knowledge.environment(env) is None:
            names = [n for x in knowledge.environments for n in (x.id, *x.aliases)]
            problems.append(
                smap.problem(
                    ("enhancement", "environments", i),
                    f'unknown environment "{env}"{did_you_mean(env, names)}; expected one of {", ".join(x.id for x in knowledge.environments)} or an alias',
                )
            )
    experts = [x.id for x in knowledge.experts]
    for i, a in enumerate(spec.planning_agents):
        if a.agent not in experts:
            problems.append(
                smap.problem(
                    ("planning_agents", i),
                    f'unknown planning agent "{a.agent}"{did_you_mean(a.agent, experts)}; expected one of {", ".join(experts)}',
                )
            )
    return problems


def stable_display(path: Path) -> str:
    """How a spec is named in a plan: relative to its git work tree, else its file name.

    Never absolute and never relative to the working directory, so the same spec gives the
    same plan wherever infraplan runs.
    """
    resolved = path.resolve()
    for parent in resolved.parents:
        if (parent / ".git").exists():
            return resolved.relative_to(parent).as_posix()
    return resolved.name
