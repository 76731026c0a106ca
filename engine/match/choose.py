"""Pattern choice: the knowledge pattern a spec follows, and the phases the plan uses."""

from __future__ import annotations

from engine.core.models import Out, Phase
from engine.knowledge.model import Knowledge, Pattern
from engine.spec.intake import concepts, score_patterns
from engine.spec.model import LoadedSpec


class PatternMatch(Out):
    pattern: str
    score: int
    reason: str


def match_pattern(
    loaded: LoadedSpec, knowledge: Knowledge
) -> tuple[Pattern | None, list[PatternMatch]]:
    """The pattern for a spec: named explicitly, else the best-scoring one of its category.

    Scoring is the free-text intake's (engine/spec/intake.py) over the spec's name and summary, plus
    50 when the spec's name is the pattern's example name. Returns the chosen pattern and every
    candidate, best first (ties broken by pattern id, never by file order).
    """
    e = loaded.spec.enhancement
    if e.pattern:
        chosen = knowledge.pattern(e.pattern)
        return chosen, [PatternMatch(pattern=e.pattern, score=100, reason="named in the spec")]
    found = concepts(" ".join([e.name.replace("-", " "), e.summary]), knowledge)
    scored = {c.id: (c.score, c.reason) for c in score_patterns(found, knowledge, e.category)}
    for p in knowledge.patterns:
        if p.category == e.category and p.name == e.name:
            score, reason = scored.get(p.id, (0, ""))
            scored[p.id] = (
                score + 50,
                "; ".join(r for r in (f'spec name is the example name "{p.name}"', reason) if r),
            )
    candidates = sorted(
        (
            PatternMatch(pattern=pid, score=score, reason=reason)
            for pid, (score, reason) in scored.items()
        ),
        key=lambda m: (-m.score, m.pattern),
    )
    chosen = knowledge.pattern(candidates[0].pattern) if candidates else None
    return chosen, candidates


def phases_for(loaded: LoadedSpec, pattern: Pattern | None) -> tuple[list[Phase], str]:
    """The implementation phases the plan follows and where they came from."""
    if loaded.spec.implementation_phases:
        return list(loaded.spec.implementation_phases), "spec"
    if pattern is not None and pattern.implementation_phases:
        return list(pattern.implementation_phases), f"pattern {pattern.id}"
    if pattern is not None and pattern.suggested_phases:
        return list(pattern.suggested_phases), f"pattern {pattern.id} (suggested)"
    return [], "none"
