"""Reading a spec: YAML with source maps, validated, then cross-checked against the knowledge."""

from __future__ import annotations

import hashlib
from pathlib import Path

from engine.core.errors import InputError, Problem, did_you_mean
from engine.core.validation import validate
from engine.core.yamlsrc import SourceMap, load_file, load_text
from engine.knowledge.model import Knowledge
from engine.spec.model import LoadedSpec, Spec

# spec declarations that name a value of a decision dimension: field → dimension
DECLARED_DIMENSIONS = {"risk": "risk", "strategy": "implementation_strategy"}


def load_spec(path: Path, knowledge: Knowledge, name_in_plan: str | None = None) -> LoadedSpec:
    """Read, validate and cross-check a spec file against the knowledge base.

    Errors name the file as the user gave it; the plan names it `name_in_plan` (see
    `stable_display`), so that plans do not depend on the working directory.
    """
    data, smap = load_file(path, str(path))
    loaded = finish_spec(data, smap, knowledge, hashlib.sha256(path.read_bytes()).hexdigest())
    if name_in_plan is None:
        return loaded
    smap.file = name_in_plan
    return LoadedSpec(spec=loaded.spec, display=name_in_plan, smap=smap, sha256=loaded.sha256)


def parse_spec(text: str, knowledge: Knowledge, display: str) -> LoadedSpec:
    data, smap = load_text(text, display)
    return finish_spec(data, smap, knowledge, hashlib.sha256(text.encode()).hexdigest())


def finish_spec(data: object, smap: SourceMap, knowledge: Knowledge, sha256: str) -> LoadedSpec:
    if not isinstance(data, dict):
        raise InputError(
            [
                smap.problem(
                    (), "expected a mapping with an `enhancement:` section (see docs/spec.md)"
                )
            ]
        )
    vocabularies = {field: knowledge.vocabulary(dim) for field, dim in DECLARED_DIMENSIONS.items()}
    vocabularies["urgency"] = list(knowledge.reading_rules.urgency_levels)
    spec = validate(Spec, data, smap, context={"vocabularies": vocabularies})
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
