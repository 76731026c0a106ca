"""Intake: from a sentence (or a spec's name and summary) to a knowledge pattern or category.

Text is lower-cased, stripped of punctuation and plurals, and every vocabulary term (longest
first) becomes its concept (knowledge/vocabulary.yaml): "Aurora passwords" → {database,
credential}. A pattern scores 10 points per word of each trigger whose words are all present;
a category scores 1 per keyword present. The best score wins and ties go to the lower id, so
the choice never depends on file order. Runners-up are kept for the plan.
"""

from __future__ import annotations

import re
from functools import cache

from engine.core.errors import InputError, Problem
from engine.core.models import Out
from engine.knowledge.model import Knowledge, Pattern
from engine.spec.model import LoadedSpec

_WORD = re.compile(r"[a-z0-9]+")


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [singular(w) for w in _WORD.findall(text.lower())]


@cache
def _terms(
    knowledge_digest: str, vocabulary: tuple[tuple[str, tuple[str, ...]], ...]
) -> list[tuple[tuple[str, ...], str]]:
    """(term words, concept), longest terms first; cached per knowledge base."""
    out = {(tuple(words(term)), concept) for concept, terms in vocabulary for term in terms}
    return sorted(out, key=lambda t: (-len(t[0]), t))


def concepts(text: str, knowledge: Knowledge) -> set[str]:
    """The concepts and remaining words of a text."""
    vocabulary = tuple((t.id, tuple(t.terms)) for t in knowledge.terms)
    terms = _terms(knowledge.digest, vocabulary)
    tokens = words(text)
    found: set[str] = set()
    i = 0
    while i < len(tokens):
        for term, concept in terms:
            if term and tuple(tokens[i : i + len(term)]) == term:
                found.add(concept)
                i += len(term)
                break
        else:
            found.add(tokens[i])
            i += 1
    return found


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
    chosen: Candidate | None
    candidates: list[Candidate]

    @property
    def runners_up(self) -> list[Candidate]:
        chosen = (self.chosen.kind, self.chosen.id) if self.chosen else None
        return [c for c in self.candidates if (c.kind, c.id) != chosen][:3]


def score_patterns(found: set[str], knowledge: Knowledge, category: str = "") -> list[Candidate]:
    concept_ids = {t.id for t in knowledge.terms}
    out = []
    for p in knowledge.patterns:
        if category and p.category != category:
            continue
        score, reasons = 0, []
        for trigger in p.triggers:
            needed = trigger_words(trigger, concept_ids)
            if needed and needed <= found:
                score += 10 * len(needed)
                reasons.append(f'"{trigger}"')
        if score:
            out.append(
                Candidate(
                    kind="pattern",
                    id=p.id,
                    category=p.category,
                    score=score,
                    reason="triggers " + ", ".join(reasons),
                )
            )
    return sorted(out, key=lambda c: (-c.score, c.id))


def score_categories(found: set[str], knowledge: Knowledge) -> list[Candidate]:
    out = []
    for c in knowledge.categories:
        hits = sorted(set(c.keywords) & found)
        if hits:
            out.append(
                Candidate(
                    kind="category",
                    id=c.id,
                    category=c.id,
                    score=len(hits),
                    reason="keywords " + ", ".join(hits),
                )
            )
    return sorted(out, key=lambda c: (-c.score, c.id))


def match_text(text: str, knowledge: Knowledge) -> Match:
    """The best pattern for a sentence, else the best category, else nothing."""
    found = concepts(text, knowledge)
    patterns = score_patterns(found, knowledge)
    categories = score_categories(found, knowledge)
    chosen = patterns[0] if patterns else categories[0] if categories else None
    return Match(
        text=text,
        concepts=sorted(found & {t.id for t in knowledge.terms}),
        chosen=chosen,
        candidates=patterns + categories,
    )


def closest(text: str, knowledge: Knowledge, count: int = 3) -> list[Pattern]:
    """Patterns sharing the most words with a text that matched nothing (for the error)."""
    found = concepts(text, knowledge)
    concept_ids = {t.id for t in knowledge.terms}

    def overlap(p: Pattern) -> int:
        wanted = set().union(*(trigger_words(t, concept_ids) for t in p.triggers)) | set(
            words(p.title)
        )
        return len(wanted & found)

    ranked = sorted(knowledge.patterns, key=lambda p: (-overlap(p), p.id))
    return ranked[:count]


class NoMatch(InputError):
    """Nothing in the knowledge base matches a request: an input error (exit 2)."""

    def __init__(self, text: str, knowledge: Knowledge) -> None:
        self.patterns = [p.id for p in closest(text, knowledge)]
        self.categories = [c.id for c in knowledge.categories]
        message = (
            f'no pattern or category matches "{text}". Closest patterns: {", ".join(self.patterns)}. '
            f"Categories: {', '.join(self.categories)}. Rephrase with what the change is about "
            '(e.g. "rotate RDS credentials", "upgrade Karpenter"), or write a spec (infraplan new, docs/spec.md).'
        )
        super().__init__([Problem("request", 0, 0, message)])


def spec_text(text: str, knowledge: Knowledge, repos: list[str] | None = None) -> tuple[str, Match]:
    """The spec YAML a request becomes: the matched pattern's, or its category's defaults."""
    import yaml

    match = match_text(text, knowledge)
    if match.chosen is None:
        raise NoMatch(text, knowledge)
    summary = " ".join(text.split())
    body: dict[str, object]
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
    if repos:
        enhancement["repos"] = sorted(repos)
    body = {
        "enhancement": enhancement,
        "planning_agents": [{a.agent: a.task} for a in agents],
        "implementation_phases": [{p.name: p.task} for p in phases],
    }
    chosen = (
        f"{match.chosen.kind} {match.chosen.id} (score {match.chosen.score}: {match.chosen.reason})"
    )
    others = ", ".join(f"{c.kind} {c.id} ({c.score})" for c in match.runners_up) or "none"
    header = [
        f"# Generated by `infraplan new` from: {summary}",
        f"# Matched {chosen}; also considered: {others}.",
        "# Edit freely; `infraplan check` validates it. Optional declarations a reviewer checks:",
        "# risk, strategy, rollback, feature_flag, change_window, compliance, owners (docs/spec.md).",
    ]
    dumped = yaml.safe_dump(
        body, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    return "\n".join(header) + "\n" + dumped, match


def spec_from_request(sentence: str, knowledge: Knowledge, repos: list[str]) -> LoadedSpec:
    """The spec a sentence becomes, remembering the sentence for the plan (NoMatch when none)."""
    from dataclasses import replace

    from engine.spec.load import parse_spec

    text, _ = spec_text(sentence, knowledge, repos)
    return replace(parse_spec(text, knowledge, "request"), request=" ".join(sentence.split()))
