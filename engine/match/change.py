"""The change model: what this change does, as traits with the evidence behind each.

A trait (knowledge/traits.yaml) comes from
- the category and the chosen pattern (what every change of that kind does),
- the spec's own declarations (`reversible: false` → one-way; knowledge says which),
- the change kinds its words show (knowledge/change-kinds.yaml), read from the request or the
  spec's name and summary — unless the category only describes (documentation),
- the change kinds its phases show, when a person wrote the phases (a spec) or they are a seed
  example's; phases infraplan suggested for a sentence are no evidence of what the change does.
Counting phases, agents or clusters never gives a trait.
"""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

import re

from engine.core.models import Out, Phase
from engine.knowledge.change import ChangeKind
from engine.knowledge.model import Knowledge, Pattern
from engine.spec.model import LoadedSpec
from engine.spec.text import Reading, read


class TraitEvidence(Out):
    """Why a change has a trait: where it came from, and where that is written."""

    trait: str
    source: str  # category X, pattern X, change kind X (words ...), phase X, declared field
    at: str  # file:line, "request", or "pattern X"


def text_of(loaded: LoadedSpec) -> str:
    """The words that say what the change is: the request, else the spec's name and summary. A
    name `infraplan new` gave (the pattern's, or `<category>-enhancement`) says nothing the
    summary does not, and would count the pattern's own words twice."""
    e = loaded.spec.enhancement
    drafted = e.name in (e.pattern, f"{e.category}-enhancement")
    name = "" if drafted else e.name.replace("-", " ")
    return loaded.request or f"{name} {e.summary}".strip()


def phases_are_evidence(
    loaded: LoadedSpec, pattern: Pattern | None, knowledge: Knowledge | None = None
) -> bool:
    """Whether the plan's phases say what the change does: written by a person, or the seed's.
    A draft `infraplan new` wrote at category level (its name `<category>-enhancement`, its
    phases the category's suggestions, untouched) says nothing its sentence did not."""
    if loaded.spec.implementation_phases and not loaded.request:
        return not (knowledge is not None and _category_draft(loaded, knowledge))
    return bool(pattern and pattern.implementation_phases)


def _category_draft(loaded: LoadedSpec, knowledge: Knowledge) -> bool:
    e = loaded.spec.enhancement
    category = knowledge.category(e.category)
    if category is None or e.name != f"{category.id}-enhancement":
        return False
    written = [(p.name, p.task) for p in loaded.spec.implementation_phases]
    return written == [(p.name, p.task) for p in category.implementation_phases]


def only_describes(loaded: LoadedSpec, knowledge: Knowledge) -> bool:
    """Whether a person wrote the phases and every one of them only describes (runbooks, guides):
    whatever the summary names, such a change changes nothing it writes about."""
    phases = loaded.spec.implementation_phases
    if not phases or loaded.request:
        return False
    describing = {k.id for k in knowledge.phase_kinds if k.describes_only}
    return all(knowledge.phase_kind(p.name, p.task) in describing for p in phases)


def change_model(
    loaded: LoadedSpec,
    knowledge: Knowledge,
    pattern: Pattern | None,
    phases: list[Phase],
    reading: Reading | None = None,
) -> list[TraitEvidence]:
    """Every trait the change has, with its evidence, in a stable order."""
    spec, e = loaded.spec, loaded.spec.enhancement
    out: list[TraitEvidence] = []
    category = knowledge.category(e.category)
    if only_describes(loaded, knowledge):
        # a runbook about rotating the production password rotates nothing: neither the
        # category's traits, the pattern's nor the words' apply, only what the spec declares
        category, pattern = None, None
        reading = None
        describing = True
    else:
        describing = False
    if category is not None:
        at = loaded.origin("enhancement", "category")
        out += [
            TraitEvidence(trait=t, source=f"category {category.id}", at=at) for t in category.traits
        ]
    if pattern is not None:
        at = f"pattern {pattern.id}"
        out += [
            TraitEvidence(trait=t, source=f"pattern {pattern.id}", at=at) for t in pattern.traits
        ]
    for info in knowledge.trait_infos:
        for field, value in sorted(info.declared.items()):
            if getattr(spec, field, None) == value:
                said = str(value).lower() if isinstance(value, bool) else value
                out.append(
                    TraitEvidence(
                        trait=info.id, source=f"declared {field}: {said}", at=loaded.origin(field)
                    )
                )
    out += _rollback_evidence(loaded, knowledge)
    if not describing and (category is None or not category.describes_only):
        reading = reading or read(text_of(loaded), knowledge)
        at = "request" if loaded.request else loaded.origin("enhancement", "summary")
        for kind, shown in _kinds_said(reading, knowledge):
            words = " + ".join(shown)
            out += [
                TraitEvidence(trait=t, source=f"change kind {kind.id} ({words})", at=at)
                for t in kind.traits
            ]
    # what rules a kind out wherever it is said rules out the phases showing it too: a draft's
    # "policies" phase is no admission change when the request says "audit mode only"
    spoken = reading.concepts | reading.context if reading is not None else frozenset()
    if not describing and phases_are_evidence(loaded, pattern, knowledge):
        for i, phase in enumerate(phases):
            at = (
                loaded.origin("implementation_phases", i)
                if loaded.spec.implementation_phases
                else f"pattern {pattern.id if pattern else ''}"
            )
            out += _phase_evidence(phase, knowledge, at, spoken)
    unique = {(x.trait, x.source): x for x in out}
    return sorted(unique.values(), key=lambda x: (x.trait, x.source))


def _rollback_evidence(loaded: LoadedSpec, knowledge: Knowledge) -> list[TraitEvidence]:
    """Traits the spec's own rollback states ("the authentication mode cannot go back"): an
    author who writes that part of the change has no way back has said it is one-way."""
    rollback = " ".join(str(getattr(loaded.spec, "rollback", "") or "").lower().split())
    rollback = rollback.replace("’", "'").replace("can't", "cannot").replace("can not", "cannot")
    return [
        TraitEvidence(trait=trait, source=f'rollback says "{said}"', at=loaded.origin("rollback"))
        for trait, phrases in sorted(knowledge.reading_rules.rollback_says.items())
        for said in phrases
        if _says(rollback, said)
    ]


def _says(text: str, phrase: str) -> bool:
    """Whether `text` says `phrase`; "..." in a phrase stands for up to four words ("restore ...
    snapshot" is said by "restore the pre-upgrade snapshot"), and a "^" before it means the text
    opens with it (a rollback that is a restore, not one that ends in one)."""
    if "..." not in phrase and not phrase.startswith("^"):
        return phrase in text
    gap = r"(?:\W+\w+){0,4}?\W+"
    start = "^" if phrase.startswith("^") else ""
    parts = phrase.removeprefix("^").split("...")
    return bool(re.search(start + gap.join(rf"\b{re.escape(p.strip())}\b" for p in parts), text))


def _kinds_said(
    reading: Reading, knowledge: Knowledge, whole: bool = False
) -> list[tuple[ChangeKind, list[str]]]:
    """The change kinds a reading shows, each with the concepts that show it; `whole` reads
    the text as one clause (a phase's task is one step)."""
    spoken = reading.concepts | reading.context
    # "a panel showing unplanned downtime": what is watched is said, and not done
    heard = spoken - (reading.watched - reading.concepts)
    found = []
    for kind in knowledge.change_kinds:
        if set(kind.unless_anywhere) & spoken or set(kind.unless_stated) & reading.concepts:
            continue
        # what a change does is said within one clause: "turn on PITR for the DB, and also
        # upgrade it to 16" is a backup and an engine upgrade
        across = kind.anywhere or whole
        scopes = [heard] if across else list(reading.clauses)
        # said anywhere, a kind of two or more concepts still has one of them in what is asked:
        # "the require-team-label policy blocks them" is why a label is added, no enforcing
        shown = next(
            (
                group
                for scope in scopes
                if not set(kind.unless) & scope
                for group in kind.when
                if set(group) <= scope
                and (not across or len(group) == 1 or set(group) & reading.concepts)
            ),
            None,
        )
        if shown is not None:
            found.append((kind, shown))
    return found


def _phase_evidence(
    phase: Phase, knowledge: Knowledge, at: str, spoken: frozenset[str]
) -> list[TraitEvidence]:
    """What a phase shows: the change kinds its name stands for — unless its task says
    otherwise ("node-pools: add a spot NodePool" adds capacity, it replaces no node), and then
    the change kinds the task's own words show."""
    name = phase.name.strip().lower()
    named = [k for k in knowledge.change_kinds if name in k.phases]
    # the task is read only where a kind its name stands for can be ruled out by the task
    needed = phase.task and any(k.phase_unless for k in named)
    task = read(phase.task, knowledge) if needed else None
    out = []
    for kind in named:
        if set(kind.unless_anywhere) & spoken:
            continue
        if task is not None and set(kind.phase_unless) & task.concepts:
            out += [
                TraitEvidence(trait=t, source=f"phase {phase.name} task ({k.id})", at=at)
                for k, _ in _kinds_said(task, knowledge, whole=True)
                for t in k.traits
            ]
        else:
            out += [
                TraitEvidence(trait=t, source=f"phase {phase.name} ({kind.id})", at=at)
                for t in kind.traits
            ]
    return out
