"""What a text says, as infraplan reads it (engine/spec/text.py reads a sentence,
engine/spec/ticket.py a change ticket field by field)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    """What a sentence says, as infraplan reads it."""

    concepts: frozenset[str]  # concepts and plain words stated (not negated)
    negated: frozenset[str]  # concepts and words in negated clauses
    environments: tuple[str, ...]  # environment ids stated, in knowledge order
    versions: tuple[str, ...]  # (from, to) or (to,) when the text names a version change
    question: bool  # a question about something, not a request to change it
    errand: bool = False  # an office task (a meeting, slides, a form), not a change
    clauses: tuple[frozenset[str], ...] = ()  # what each stated clause says, in order
    context: frozenset[str] = frozenset()  # what reasons and times say ("so it will reboot")
    watched: frozenset[str] = frozenset()  # what an alert or dashboard watches: not changed
    # environments a clause excludes and says nothing else about ("nothing in production",
    # "prod isn't involved"); not "no more uploaded certs on the production ingress"
    excluded_environments: tuple[str, ...] = ()

    @property
    def target_version(self) -> str:
        return self.versions[-1] if self.versions else ""
