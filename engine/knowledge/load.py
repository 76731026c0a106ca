"""Loading the knowledge base: every file validated, every cross-reference checked. The bundled
folder comes first; overlay folders (an organisation's own knowledge) come after and
may add entries, replace one explicitly (`replaces: true`) or disable a bundled pattern
(`disabled.yaml`). Errors name file:line:column and are reported all at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.core.errors import InputError, Problem, did_you_mean
from engine.core.models import Strict
from engine.core.yamlsrc import SourceMap
from engine.knowledge.change import ChangeKind
from engine.knowledge.evidence import check_evidence
from engine.knowledge.folders import read_folders, unique_entries
from engine.knowledge.model import (
    Category,
    Dimension,
    Knowledge,
    Pattern,
    PhaseKind,
    Stage,
)
from engine.knowledge.reading import ESTATE_FILES, EstateKnowledge


def load_knowledge(dirs: Sequence[Path]) -> Knowledge:
    """Load and cross-check the knowledge folders (the bundled one first, overlays after)."""
    entries, files, disabled, problems = read_folders(dirs, None)
    if problems:
        raise InputError(problems)
    unique = {field: unique_entries(items, problems) for field, items in entries.items()}
    for pattern_id, where, at in disabled:
        before = len(unique["patterns"])
        unique["patterns"] = [p for p in unique["patterns"] if getattr(p, "id", "") != pattern_id]
        if len(unique["patterns"]) == before:
            problems.append(where.problem(at, f'cannot disable unknown pattern "{pattern_id}"'))
    knowledge = Knowledge(
        **unique,
        files=sorted(files, key=lambda f: f.path),
    )
    problems.extend(_cross_check(knowledge, entries))
    problems.extend(_check_change_model(knowledge, entries))
    problems.extend(_check_grounding(knowledge, entries))
    problems.extend(check_evidence(knowledge, entries["metrics"], entries["briefs"]))
    if problems:
        raise InputError(problems)
    return knowledge


def load_estate_knowledge(dirs: Sequence[Path]) -> EstateKnowledge:
    """Only what reading an estate uses (ESTATE_FILES), for `facts` and `graph`: validated like
    the whole knowledge base; the other files are not read (`plan` and `check` report theirs)."""
    entries, files, _, problems = read_folders(dirs, ESTATE_FILES)
    if problems:
        raise InputError(problems)
    unique = {
        field: unique_entries(entries[field], problems) for field in ("environments", "estate")
    }
    if problems:
        raise InputError(problems)
    return EstateKnowledge(**unique, files=sorted(files, key=lambda f: f.path))


def _cross_check(
    k: Knowledge, entries: dict[str, list[tuple[Strict, SourceMap, tuple[str | int, ...]]]]
) -> list[Problem]:
    problems: list[Problem] = []
    stage_ids = [s.id for s in k.stages]
    experts = {e.id for e in k.experts}
    categories = {c.id for c in k.categories}
    scopes = {s.id for s in k.scopes}
    probes = {p.name for p in k.probes}
    concepts = {t.id for t in k.terms}
    for category, smap, path in entries["categories"]:
        assert isinstance(category, Category)
        for word in category.keywords:
            if word not in concepts:
                problems.append(
                    smap.problem(
                        (*path, "keywords"),
                        f'unknown vocabulary concept "{word}"{did_you_mean(word, concepts)}',
                    )
                )
        for word, unless in sorted(category.keywords_unless.items()):
            for bad in [w for w in (word, *unless) if w not in concepts]:
                problems.append(
                    smap.problem(
                        (*path, "keywords_unless", word),
                        f'unknown vocabulary concept "{bad}"{did_you_mean(bad, concepts)}',
                    )
                )
        for i, a in enumerate(category.planning_agents):
            if a.agent not in experts:
                problems.append(
                    smap.problem(
                        (*path, "planning_agents", i),
                        f'unknown expert "{a.agent}"{did_you_mean(a.agent, experts)}',
                    )
                )
        if category.default_scope not in scopes:
            problems.append(
                smap.problem((*path, "default_scope"), f'unknown scope "{category.default_scope}"')
            )
    for pattern, smap, _path in entries["patterns"]:
        assert isinstance(pattern, Pattern)
        if pattern.category not in categories:
            problems.append(
                smap.problem(
                    ("category",),
                    f'unknown category "{pattern.category}"{did_you_mean(pattern.category, categories)}',
                )
            )
        if pattern.scope not in scopes:
            problems.append(
                smap.problem(
                    ("scope",),
                    f'unknown scope "{pattern.scope}"{did_you_mean(pattern.scope, scopes)}',
                )
            )
        for i, a in enumerate(pattern.planning_agents):
            if a.agent not in experts:
                problems.append(
                    smap.problem(
                        ("planning_agents", i),
                        f'unknown expert "{a.agent}"{did_you_mean(a.agent, experts)}',
                    )
                )
        for field_name in ("probes", "integration"):
            for i, name in enumerate(getattr(pattern, field_name)):
                if name not in probes:
                    problems.append(
                        smap.problem(
                            (field_name, i),
                            f'unknown probe "{name}"{did_you_mean(name, probes)}; probes are defined in knowledge/probes.yaml',
                        )
                    )
        for i, name in enumerate(pattern.integration):
            if name not in pattern.probes:
                problems.append(
                    smap.problem(
                        ("integration", i), f'probe "{name}" must also be listed in probes'
                    )
                )
        for stage in pattern.stages:
            if stage not in stage_ids:
                problems.append(
                    smap.problem(
                        ("stages", stage),
                        f'unknown stage "{stage}"; expected one of {", ".join(stage_ids)}',
                        key=True,
                    )
                )
    for stage_entry, smap, path in entries["stages"]:
        assert isinstance(stage_entry, Stage)
        for agent in stage_entry.agents:
            if agent not in experts:
                problems.append(smap.problem((*path, "agents"), f'unknown expert "{agent}"'))
    for dim, smap, path in entries["dimensions"]:
        assert isinstance(dim, Dimension)
        if dim.stage not in stage_ids:
            problems.append(
                smap.problem(
                    (*path, "stage"),
                    f'unknown stage "{dim.stage}"; expected one of {", ".join(stage_ids)}',
                )
            )
    layers = {layer.id for layer in k.rollout}
    for kind, smap, path in entries["phase_kinds"]:
        assert isinstance(kind, PhaseKind)
        if kind.layer not in layers:
            problems.append(
                smap.problem(
                    (*path, "layer"),
                    f'unknown rollout layer "{kind.layer}"{did_you_mean(kind.layer, layers)}',
                )
            )
    problems.extend(
        _exactly_one(items, what, file)
        for items, what, file in (
            ([s for s in k.stages if s.holds_rollout], "stage holds the rollout", "stages.yaml"),
            ([p for p in k.phase_kinds if p.default], "phase kind is the default", "phases.yaml"),
            ([r for r in k.rollout if r.default], "rollout layer is the default", "rollout.yaml"),
        )
        if len(items) != 1
    )
    numbers = [s.number for s in k.stages]
    if len(set(numbers)) != len(numbers):
        problems.append(Problem("knowledge/stages.yaml", 1, 1, "stage numbers must be unique"))
    if not k.feature_flags:
        problems.append(Problem("knowledge/feature-flags.yaml", 1, 1, "expected one entry"))
    return problems


def _exactly_one(items: Sequence[object], what: str, file: str) -> Problem:
    return Problem(f"knowledge/{file}", 1, 1, f"exactly one {what}; found {len(items)}")


def _check_change_model(
    k: Knowledge, entries: dict[str, list[tuple[Strict, SourceMap, tuple[str | int, ...]]]]
) -> list[Problem]:
    """Traits named anywhere exist in traits.yaml; change kinds name known concepts."""
    problems: list[Problem] = []
    traits = set(k.traits)
    concepts = {t.id for t in k.terms}
    named: list[tuple[list[str], SourceMap, tuple[str | int, ...]]] = []
    for field in ("categories", "change_kinds"):
        for entry, smap, path in entries[field]:
            named.append((list(getattr(entry, "traits", [])), smap, (*path, "traits")))
    named += [
        (list(getattr(p, "traits", [])), smap, ("traits",)) for p, smap, _ in entries["patterns"]
    ]
    for names, smap, path in named:
        problems.extend(
            smap.problem(
                path,
                f'unknown trait "{name}"{did_you_mean(name, traits)}; traits are defined in knowledge/traits.yaml',
            )
            for name in names
            if name not in traits
        )
    owner: dict[str, str] = {}
    for term, smap, path in entries["terms"]:
        for i, word in enumerate(getattr(term, "terms", [])):
            first = owner.setdefault(word.lower(), getattr(term, "id", ""))
            if first != getattr(term, "id", ""):
                problems.append(
                    smap.problem(
                        (*path, "terms", i),
                        f'"{word}" already means {first}: a term names one concept',
                    )
                )
    for kind, smap, path in entries["change_kinds"]:
        assert isinstance(kind, ChangeKind)
        spoken = {w.removesuffix("*2") for group in kind.when for w in group}
        for word in spoken | set(kind.unless) | set(kind.unless_anywhere):
            if word not in concepts:
                problems.append(
                    smap.problem(
                        path,
                        f'unknown vocabulary concept "{word}"{did_you_mean(word, concepts)}',
                    )
                )
    return problems


def _check_grounding(
    k: Knowledge, entries: dict[str, list[tuple[Strict, SourceMap, tuple[str | int, ...]]]]
) -> list[Problem]:
    """Reversibility names known traits and probes, settings known probes; every value of the
    decision in_place has its effect in in-place.yaml and every effect is such a value."""
    problems: list[Problem] = []
    traits, probes = set(k.traits), {p.name for p in k.probes}
    for field in ("reversibility", "settings"):
        for entry, smap, path in entries[field]:
            trait = getattr(entry, "trait", "")
            if trait and trait not in traits:
                problems.append(
                    smap.problem(
                        (*path, "trait"), f'unknown trait "{trait}"{did_you_mean(trait, traits)}'
                    )
                )
            problems += [
                smap.problem((*path, "probes"), f'unknown probe "{n}"{did_you_mean(n, probes)}')
                for n in getattr(entry, "probes", [])
                if n not in probes
            ]
    known = {c.id for c in k.controllers}  # wording conditions name known controllers
    problems += [
        smap.problem((*path, "controllers"), f'unknown controller "{n}"{did_you_mean(n, known)}')
        for entry, smap, path in entries["wording"]
        for n in [*getattr(entry, "controllers", []), *getattr(entry, "reading", [])]
        if n not in known
    ]
    values = {v.id for d in k.dimensions if d.id == "in_place" for v in d.values}
    effects = {e.id for e in k.in_place}
    for entry, smap, path in entries["in_place"]:
        if getattr(entry, "id", "") not in values:
            problems.append(
                smap.problem(
                    (*path, "id"),
                    f'"{getattr(entry, "id", "")}" is not a value of the in_place decision (decision-tree.yaml)',
                )
            )
    problems.extend(
        Problem("knowledge/in-place.yaml", 1, 1, f'no effect for the in_place value "{v}"')
        for v in sorted(values - effects)
    )
    return problems
