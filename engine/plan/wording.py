"""Only this estate's words: plan texts from knowledge (stage tasks, pattern notes, phases, risks,
rollback) are rewritten where they hold words of the bundled example or of the seed's company
that neither the estate nor the request has (knowledge/wording.yaml); work the estate already has
(the `in_place` decision, knowledge/in-place.yaml) marks phases done and drops the texts that no
longer apply; each stage's agents are the experts decided for it."""

from __future__ import annotations

from collections.abc import Callable

from engine.decide.results import Decision
from engine.estate.model import Estate
from engine.knowledge.grounding import InPlaceEffect
from engine.knowledge.model import Knowledge, Pattern
from engine.spec.model import LoadedSpec


def estate_words(estate: Estate | None, loaded: LoadedSpec) -> str:
    """Everything the estate and the request name, lower-cased: repository, file, object,
    chart, cluster and Terraform names, and the request (the spec's own text for a spec)."""
    spec = loaded.spec
    parts = (
        [loaded.request]
        if loaded.request
        else [
            spec.model_dump_json(),
        ]
    )
    if estate is not None:
        parts += [r.name for r in estate.repos] + [c.name for c in estate.clusters]
        for o in estate.objects:
            parts += [o.path, o.name, o.namespace, *[c.name for c in o.delivery.charts]]
        for b in estate.terraform:
            parts += [b.path, b.name, b.type, b.source, *[c.name for c in b.delivery.charts]]
        parts += [c.path + " " + c.name for c in estate.charts]
        parts += [w.path for w in estate.workflows]
    return "\n".join(parts).lower()


def rewriter(knowledge: Knowledge, present: str, empty: set[str]) -> Callable[[str], str]:
    """A function rewording one text (`present`: estate_words; `empty`: plan lists that are
    empty, for `when_empty` entries)."""
    active = [
        w
        for w in knowledge.wording
        if not w.condition
        and (not w.when_empty or w.when_empty in empty)
        and not any(u.lower() in present for u in w.unless)
    ]

    def reword(text: str) -> str:
        for w in active:
            lowered = text.lower()
            at = lowered.find(w.find.lower())
            while at >= 0:
                text = text[:at] + w.replace + text[at + len(w.find) :]
                lowered = text.lower()
                at = lowered.find(w.find.lower(), at + len(w.replace))
        return text

    return reword


def in_place_effects(decisions: dict[str, Decision], knowledge: Knowledge) -> list[InPlaceEffect]:
    """The effects (knowledge/in-place.yaml) of the `in_place` values the rules decided."""
    decision = decisions.get("in_place")
    values = decision.value if decision is not None and isinstance(decision.value, list) else []
    return [e for e in knowledge.in_place if e.id in values]


def done_by(task: str, effects: list[InPlaceEffect]) -> str:
    """The title of the first effect whose phase words the task holds ("" when none)."""
    lowered = task.lower()
    return next((e.title for e in effects if any(w in lowered for w in e.phases)), "")


def still_applies(text: str, effects: list[InPlaceEffect]) -> bool:
    lowered = text.lower()
    return not any(phrase in lowered for e in effects for phrase in e.texts)


def stage_agents(
    knowledge: Knowledge,
    stage_id: str,
    decisions: dict[str, Decision],
    notes: list[str],
    assigned: list[str],
    fallback: list[str],
) -> list[str]:
    """A stage's agents: the experts whose rules decided its decisions, the experts its notes
    name ("flux-navigator identifies: ..."), and, for the first stages, the planning agents;
    in knowledge order. The seed's primary agents only when none of these is known."""
    dims = [d.id for d in knowledge.dimensions if d.stage == stage_id]
    named = {t.expert for d in dims if d in decisions for t in decisions[d].trace}
    named |= {e.id for e in knowledge.experts for n in notes if n.startswith(e.id + " ")}
    named |= set(assigned)
    ordered = [e.id for e in knowledge.experts if e.id in named]
    return ordered or list(fallback)


def pattern_notes(
    pattern: Pattern | None,
    stage_id: str,
    effects: list[InPlaceEffect],
    reword: Callable[[str], str],
) -> list[str]:
    notes = pattern.stages.get(stage_id, []) if pattern is not None else []
    return [reword(n) for n in notes if still_applies(n, effects)]
