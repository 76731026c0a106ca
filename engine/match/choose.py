"""Pattern choice: the knowledge pattern a spec follows — with its evidence and confidence — and
the phases the plan uses.

A spec that names its pattern follows it. Otherwise its name and summary are read like a
request (engine/spec/intake.py), among the patterns of its category; a spec named exactly like
a seed example (`rds-rotation-integration`) follows that example. A pattern is chosen only when
it is clearly meant (knowledge/intake.yaml: a minimum score and a margin over the next); below
that the plan is made at category level and says why. A wrong pattern must never silently
rewrite a plan.
"""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from engine.core.modelbase import Field
from engine.core.models import Out, Phase
from engine.knowledge.model import Knowledge, Pattern
from engine.spec.intake import Candidate, choose, match_text, score_patterns
from engine.spec.model import LoadedSpec
from engine.spec.text import read

NAMED_SCORE = 100  # the spec names the pattern
EXAMPLE_NAME_BONUS = 50  # the spec is named like the pattern's seed example


class PatternMatch(Out):
    pattern: str
    score: int
    reason: str


class PatternChoice(Out):
    """Why a pattern was chosen (or none), how sure the choice is, and what else was considered."""

    pattern: str = ""  # "" when planned at category level
    confidence: float = 0.0
    reason: str = ""
    candidates: list[PatternMatch] = Field(default_factory=list)
    category_level: str = ""  # why no pattern was chosen


def match_pattern(loaded: LoadedSpec, knowledge: Knowledge) -> tuple[Pattern | None, PatternChoice]:
    """The pattern for a spec (or None: category level), and the evidence for the choice."""
    e = loaded.spec.enhancement
    if loaded.request:  # a spec written from a sentence: the sentence's own match is the evidence
        return _from_request(loaded.request, knowledge)
    if e.pattern:
        chosen = knowledge.pattern(e.pattern)
        match = PatternMatch(pattern=e.pattern, score=NAMED_SCORE, reason="named in the spec")
        return chosen, PatternChoice(
            pattern=e.pattern, confidence=1.0, reason=match.reason, candidates=[match]
        )
    # a name `infraplan new` gave says nothing the summary does not (engine/match/change.text_of)
    drafted = e.name in (e.pattern, f"{e.category}-enhancement")
    text = loaded.request or " ".join([e.name.replace("-", " ") if not drafted else "", e.summary])
    scores = {
        c.id: (c.score, c.reason)
        for c in score_patterns(read(text, knowledge), knowledge, e.category)
    }
    for p in knowledge.patterns:
        if p.category == e.category and p.name == e.name:
            score, reason = scores.get(p.id, (0, ""))
            example = f'spec name is the seed example name "{p.name}"'
            scores[p.id] = (
                score + EXAMPLE_NAME_BONUS,
                "; ".join(r for r in (example, reason) if r),
            )
    scored = sorted(
        (
            Candidate(kind="pattern", id=pid, category=e.category, score=score, reason=reason)
            for pid, (score, reason) in scores.items()
        ),
        key=lambda c: (-c.score, c.id),
    )
    best, confidence, why = choose(scored, knowledge)
    candidates = [PatternMatch(pattern=c.id, score=c.score, reason=c.reason) for c in scored]
    rival = _rival(text, knowledge, e.category, best)
    if best is not None and rival is not None:
        # weighed as a sentence is: a pattern of another category that scores as high means
        # the words do not say which is meant ("ship the CloudFront logs to Datadog")
        why = (
            f"{best.id} and {rival.id} (category {rival.category}) score alike "
            f"({best.score} and {rival.score}); no pattern is clearly meant"
        )
        best = None
    if best is None:
        return None, PatternChoice(
            confidence=confidence,
            candidates=candidates,
            category_level=why or "no pattern of the category matches the spec's name and summary",
        )
    return knowledge.pattern(best.id), PatternChoice(
        pattern=best.id, confidence=confidence, reason=best.reason, candidates=candidates
    )


def _rival(
    text: str, knowledge: Knowledge, category: str, best: Candidate | None
) -> Candidate | None:
    """A pattern of another category the spec's words trigger as strongly as its best one
    (not when the spec's name is a seed example's: that names the pattern)."""
    if best is None or "seed example name" in best.reason:
        return None
    others = [
        c
        for c in score_patterns(read(text, knowledge), knowledge)
        if c.category != category and c.score >= best.score
    ]
    return others[0] if others else None


def _from_request(request: str, knowledge: Knowledge) -> tuple[Pattern | None, PatternChoice]:
    match = match_text(request, knowledge)
    candidates = [
        PatternMatch(pattern=c.id, score=c.score, reason=c.reason)
        for c in match.candidates
        if c.kind == "pattern"
    ]
    if match.chosen is not None and match.chosen.kind == "pattern":
        return knowledge.pattern(match.chosen.id), PatternChoice(
            pattern=match.chosen.id,
            confidence=match.confidence,
            reason=match.chosen.reason,
            candidates=candidates,
        )
    return None, PatternChoice(
        confidence=match.confidence,
        candidates=candidates,
        category_level=match.why_category_level or "no pattern matches the request",
    )


def phases_for(
    loaded: LoadedSpec, pattern: Pattern | None, knowledge: Knowledge
) -> tuple[list[Phase], str]:
    """The implementation phases the plan follows and where they came from."""
    if loaded.spec.implementation_phases:
        return list(loaded.spec.implementation_phases), "spec"
    if pattern is not None and pattern.implementation_phases:
        return list(pattern.implementation_phases), f"pattern {pattern.id}"
    if pattern is not None and pattern.suggested_phases:
        return list(pattern.suggested_phases), f"pattern {pattern.id} (suggested)"
    category = knowledge.category(loaded.spec.enhancement.category)
    if category is not None and category.implementation_phases:
        return list(category.implementation_phases), f"category {category.id} (suggested)"
    return [], "none"
