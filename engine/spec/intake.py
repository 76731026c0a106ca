"""Intake: from a sentence (or a spec's name and summary) to a knowledge pattern or category.

The sentence is read (engine/spec/text.py) into stated and negated concepts. A pattern's
trigger is a concept phrase: it matches when all its concepts are stated; a pattern scores the
summed weights (knowledge/vocabulary.yaml) of every concept its matching triggers cover, so
"database upgrade" outweighs "upgrade" and a request that says more of a pattern counts more. An
anti-trigger that is stated rules the pattern out. The best pattern is chosen only when it
scores at least `min_pattern_score` and beats the next one by `min_margin`
(knowledge/intake.yaml); its confidence is best / (best + runner-up). Otherwise the request is
planned at category level: the domain category whose keywords weigh most (a `fallback`
category only when no domain category matches), and the plan says so. Ties never depend on
file order: they go to the lower id. A question, or a request with nothing left once its
negations are set apart, is refused.
"""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

import dataclasses
from typing import Any

from engine.core.errors import InputError, Problem
from engine.core.modelbase import Field
from engine.core.models import Out
from engine.knowledge.model import Knowledge, Pattern
from engine.spec.declared import booked_window, named_regimes, several_clusters, stated_risk
from engine.spec.model import LoadedSpec
from engine.spec.text import Reading, read, singular
from engine.spec.ticket import declared as ticket_declared
from engine.spec.ticket import ticket, window_text

__all__ = ["Candidate", "Match", "NoMatch", "match_text", "read", "spec_text"]


def trigger_words(trigger: str, concept_ids: set[str]) -> set[str]:
    return {w if w in concept_ids else singular(w.lower()) for w in trigger.split()}


class Candidate(Out):
    kind: str  # pattern or category
    id: str
    category: str
    score: int
    reason: str


class Match(Out):
    """What a text was matched to; `chosen` is None when nothing matched."""

    text: str
    concepts: list[str]
    negated: list[str] = Field(default_factory=list)
    chosen: Candidate | None
    confidence: float = 0.0  # of the chosen pattern; 0 at category level
    candidates: list[Candidate]
    why_category_level: str = ""  # when patterns scored but none was chosen

    @property
    def runners_up(self) -> list[Candidate]:
        chosen = (self.chosen.kind, self.chosen.id) if self.chosen else None
        return [c for c in self.candidates if (c.kind, c.id) != chosen][:3]


def _weight(words: set[str], knowledge: Knowledge) -> int:
    return sum(knowledge.concept_weight(w) for w in words)


def score_patterns(reading: Reading, knowledge: Knowledge, category: str = "") -> list[Candidate]:
    """Every pattern a reading triggers (and no anti-trigger rules out), best first."""
    concept_ids = {t.id for t in knowledge.terms}
    found = reading.concepts
    out = []
    for p in knowledge.patterns:
        if category and p.category != category:
            continue
        if any(trigger_words(a, concept_ids) <= found for a in p.anti_triggers):
            continue
        matched = [t for t in p.triggers if trigger_words(t, concept_ids) <= found]
        covered = set().union(*(trigger_words(t, concept_ids) for t in matched))
        if covered:
            out.append(
                Candidate(
                    kind="pattern",
                    id=p.id,
                    category=p.category,
                    score=_weight(covered, knowledge),
                    reason="triggers " + ", ".join(f'"{t}"' for t in matched),
                )
            )
    return sorted(out, key=lambda c: (-c.score, c.id))


def score_categories(
    reading: Reading, knowledge: Knowledge, concepts: frozenset[str] | None = None
) -> list[Candidate]:
    """Categories by the weight of their keywords in the reading; fallback categories last."""
    out = []
    fallback = {c.id for c in knowledge.categories if c.fallback}
    said = reading.concepts if concepts is None else concepts
    for c in knowledge.categories:
        hits = sorted(
            k for k in set(c.keywords) & said if not set(c.keywords_unless.get(k, ())) & said
        )
        if hits:
            out.append(
                Candidate(
                    kind="category",
                    id=c.id,
                    category=c.id,
                    score=_weight(set(hits), knowledge),
                    reason="keywords " + ", ".join(hits),
                )
            )
    return sorted(out, key=lambda c: (c.id in fallback, -c.score, c.id))


def choose(patterns: list[Candidate], knowledge: Knowledge) -> tuple[Candidate | None, float, str]:
    """The confident pattern (with its confidence), or None and why not."""
    rules = knowledge.reading_rules
    if not patterns:
        return None, 0.0, ""
    best = patterns[0]
    second = patterns[1].score if len(patterns) > 1 else 0
    confidence = round(best.score / (best.score + second), 2)
    if best.score < rules.min_pattern_score:
        return (
            None,
            confidence,
            f"the best pattern ({best.id}) scores {best.score}, below {rules.min_pattern_score}",
        )
    if best.score - second < rules.min_margin:
        return (
            None,
            confidence,
            f"{best.id} and {patterns[1].id} score alike ({best.score} and {second}); no pattern is clearly meant",
        )
    return best, confidence, ""


def _generic(candidate: Candidate, knowledge: Knowledge) -> bool:
    """A pattern of a fallback category matched only by the keywords of fallback categories and
    generic words (concepts that weigh 1: "tool", "platform", "update")."""
    category = knowledge.category(candidate.category)
    if category is None or not category.fallback:
        return False
    generic = {w for c in knowledge.categories if c.fallback for w in c.keywords}
    actions = set(knowledge.reading_rules.action_concepts)
    # nouns that weigh 1 ("tool", "platform", "system") are generic; an action says what is done
    generic |= {t.id for t in knowledge.terms if t.weight <= 1 and t.id not in actions}
    words = set(
        candidate.reason.removeprefix("triggers ").replace('"', "").replace(",", " ").split()
    )
    return words <= generic


def match_text(text: str, knowledge: Knowledge) -> Match:
    """The best pattern for a request, else the best category, else nothing.

    A ticket — a title line, then lines of detail — is about what its title names: the details
    ("... then remove the public IP", "restoring a backup is the only way back", "delete it on
    merge") describe how, and choose a pattern only within the title's category. When the title
    names nothing, the whole text decides.
    """
    match = _match(text, knowledge)
    title, _, details = text.strip().partition("\n")
    if match.chosen is None or not details.strip():
        return match
    titled = _match(title, knowledge)
    named = titled.chosen
    if named is None or named.category == match.chosen.category:
        return match
    within = [c for c in match.candidates if c.kind == "pattern" and c.category == named.category]
    pattern, confidence, _ = choose(within, knowledge)
    if pattern is not None:
        return match.model_copy(
            update={"chosen": pattern, "confidence": confidence, "why_category_level": ""}
        )
    return titled.model_copy(
        update={"text": text, "concepts": match.concepts, "negated": match.negated}
    )


def _match(text: str, knowledge: Knowledge) -> Match:
    """The best pattern for one text, else the best category, else nothing."""
    reading = read(text, knowledge)
    patterns = score_patterns(reading, knowledge)
    categories = score_categories(reading, knowledge)
    pattern, confidence, why = choose(patterns, knowledge)
    rules = knowledge.reading_rules
    category = next((c for c in categories if c.score >= rules.min_category_score), None)
    if pattern is None and category is None and not (reading.question or reading.errand):
        # "a required check that validates manifests in pull requests", "..., so the old
        # cluster can be removed": when what the request states names nothing, the clauses
        # describing it ("that ...", "so ...") are read too
        wider = dataclasses.replace(reading, concepts=reading.concepts | reading.context)
        patterns = score_patterns(wider, knowledge)
        pattern, confidence, why = choose(patterns, knowledge)
        categories = score_categories(wider, knowledge)
        category = next((c for c in categories if c.score >= rules.min_category_score), None)
    if pattern is not None and category is not None and _generic(pattern, knowledge):
        # "Install Velero": a fallback pattern (new tool) found only by its generic words yields
        # to the domain the request names (backups)
        fallback = {c.id for c in knowledge.categories if c.fallback}
        if category.id not in fallback:
            why = f"{pattern.id} is found only by the generic words of its kind; the request names the {category.id} domain"
            pattern, confidence = None, 0.0
    concept_ids = {t.id for t in knowledge.terms}
    return Match(
        text=text,
        concepts=sorted(reading.concepts & concept_ids),
        negated=sorted(reading.negated & concept_ids),
        chosen=None if reading.question or reading.errand else pattern or category,
        confidence=confidence if pattern else 0.0,
        candidates=patterns + categories,
        why_category_level=why,
    )


def closest(text: str, knowledge: Knowledge, count: int = 3) -> list[Pattern]:
    """Patterns sharing the most words with a text that matched nothing (for the error); only
    those sharing at least one."""
    reading = read(text, knowledge)
    found = reading.concepts | reading.negated
    concept_ids = {t.id for t in knowledge.terms}

    def overlap(p: Pattern) -> int:
        wanted = set().union(*(trigger_words(t, concept_ids) for t in p.triggers))
        return len(wanted & found)

    shared = [p for p in knowledge.patterns if overlap(p)]
    return sorted(shared, key=lambda p: (-overlap(p), p.id))[:count]


class NoMatch(InputError):
    """Nothing in the knowledge base matches a request: an input error (exit 2)."""

    def __init__(self, text: str, knowledge: Knowledge) -> None:
        reading = read(text, knowledge)
        self.patterns = [p.id for p in closest(text, knowledge)]
        self.categories = [c.id for c in knowledge.categories]
        if reading.question:
            why = "it is a question, not a change to plan"
        elif reading.errand:
            why = "it asks for an errand (a meeting, slides, a form), not a change to plan"
        elif reading.negated and not (reading.concepts & {t.id for t in knowledge.terms}):
            why = "it says what not to do, and nothing to do"
        else:
            why = "no pattern or category matches it"
        near = (
            f"Closest patterns: {', '.join(self.patterns)}. "
            if self.patterns
            else "No pattern shares a word with it. "
        )
        message = (
            f'cannot plan "{" ".join(text.split())}": {why}. {near}'
            f"Categories: {', '.join(self.categories)}. Say what should change "
            '(e.g. "rotate RDS credentials", "upgrade Karpenter to 1.1"), or write a spec (infraplan new, docs/spec.md).'
        )
        super().__init__([Problem("request", 0, 0, message)])


class SpecDraft(Out):
    """The spec a request becomes, before it is written: comment lines, the mapping, the match."""

    header: list[str]
    body: dict[str, Any]
    match: Match

    def text(self) -> str:
        import yaml

        dumped = yaml.safe_dump(
            self.body, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
        )
        return "\n".join(self.header) + "\n" + dumped


def spec_text(text: str, knowledge: Knowledge, repos: list[str] | None = None) -> tuple[str, Match]:
    """The spec YAML a request becomes: the matched pattern's, or its category's defaults."""
    draft = spec_draft(text, knowledge, repos)
    return draft.text(), draft.match


def spec_draft(text: str, knowledge: Knowledge, repos: list[str] | None = None) -> SpecDraft:
    """The spec a request becomes, as data (NoMatch when nothing matches)."""
    match = match_text(text, knowledge)
    if match.chosen is None:
        raise NoMatch(text, knowledge)
    reading = read(text, knowledge)
    # a one-line summary that reads as the request did: a line ended a sentence ("Add PDBs ...\n
    # Node upgrades keep evicting ...": the second line is the reason, not more of the change)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    summary = " ".join(
        line if line[-1] in ".;:!?," or n == len(lines) - 1 else f"{line}."
        for n, line in enumerate(lines)
    )
    if match.chosen.kind == "pattern":
        pattern = knowledge.pattern(match.chosen.id)
        assert pattern is not None
        enhancement: dict[str, object] = {
            "name": pattern.name,
            "category": pattern.category,
            "scope": pattern.scope,
            "summary": summary,
            "pattern": pattern.id,
        }
        agents = pattern.planning_agents
        phases = pattern.implementation_phases or pattern.suggested_phases
    else:
        category = knowledge.category(match.chosen.id)
        assert category is not None
        enhancement = {
            "name": f"{category.id}-enhancement",
            "category": category.id,
            "scope": category.default_scope,
            "summary": summary,
        }
        agents = category.planning_agents
        phases = category.implementation_phases
    prod = {e.id for e in knowledge.environments if e.prod}
    prod_excluded = bool(prod & set(reading.excluded_environments))
    if reading.environments and not set(reading.environments) & prod:
        # the request names only non-production environments: it reaches no further
        enhancement["environments"] = list(reading.environments)
    elif prod_excluded and not set(reading.environments) & prod:
        # "prod isn't involved at all": every environment before production
        enhancement["environments"] = [
            e.id for e in knowledge.environments if e.usual_path and not e.prod
        ]
    if reading.target_version:
        enhancement["target_version"] = reading.target_version
    wide = several_clusters(text, knowledge, str(enhancement["scope"]))
    if wide:
        enhancement["scope"] = wide
    declared = stated_risk(text, knowledge)
    if repos:
        enhancement["repos"] = sorted(repos)
    body: dict[str, Any] = {
        "enhancement": enhancement,
        "planning_agents": [{a.agent: a.task} for a in agents],
        "implementation_phases": [{p.name: p.task} for p in phases],
    }
    # "Risk: high", "Rollback: not possible, the old keys are revoked": a ticket's fields
    fields = ticket(text, knowledge.reading_rules)  # parsed once for both
    owners = ticket_declared(fields, knowledge.reading_rules)
    levels = knowledge.reading_rules.stated_risk_levels
    declared = max(
        filter(None, (declared, str(owners.pop("risk", "")))), key=levels.index, default=""
    )
    if declared:  # "the network team rates this change high risk": the owners' floor
        body["risk"] = declared
    body.update(owners)
    window = booked_window(text, knowledge) or booked_window(window_text(fields), knowledge)
    if window:  # "cut over in Thursday's 22:00 UTC window": the owners booked it
        body["change_window"] = window
    regimes = named_regimes(text, knowledge)
    if regimes:  # "before the SOC 2 audit on Friday": the change is made under that regime
        body["compliance"] = regimes
    chosen = (
        f"{match.chosen.kind} {match.chosen.id} (score {match.chosen.score}: {match.chosen.reason}"
    )
    chosen += f", confidence {match.confidence:.2f})" if match.chosen.kind == "pattern" else ")"
    others = ", ".join(f"{c.kind} {c.id} ({c.score})" for c in match.runners_up) or "none"
    header = [
        f"# Generated by `infraplan new` from: {summary}",
        f"# Matched {chosen}; also considered: {others}.",
        "# The agents and phases are suggestions; edit them to what the change really is.",
        "# Optional declarations a reviewer checks: risk, strategy, rollback, feature_flag,",
        "# change_window, compliance, owners, reversible, urgency, request_path, data_at_stake.",
    ]
    return SpecDraft(header=header, body=body, match=match)


def spec_from_request(sentence: str, knowledge: Knowledge, repos: list[str]) -> LoadedSpec:
    """The spec a sentence becomes, remembering the sentence for the plan (NoMatch when none)."""
    from dataclasses import replace

    from engine.spec.load import parse_spec

    text, _ = spec_text(sentence, knowledge, repos)
    # its lines kept: a ticket's title line names what the lines after it describe (match_text)
    lines = [" ".join(line.split()) for line in sentence.splitlines()]
    return replace(
        parse_spec(text, knowledge, "request"), request="\n".join(line for line in lines if line)
    )
