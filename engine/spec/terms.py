"""The term table a sentence is read with: every vocabulary term, environment name and marker
word (knowledge/vocabulary.yaml, environments.yaml, intake.yaml) by its first word, longest
first. Built once per knowledge (its digest first in the key) and remembered with the cached
knowledge base (engine/decide/kbcache.py)."""

from __future__ import annotations

import re

from engine.knowledge.model import Knowledge


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The singular words of a text, without punctuation."""
    return [singular(w) for w in re.findall(r"[a-z0-9]+", text.lower())]


def _build_table(
    knowledge_digest: str,
    vocabulary: tuple[tuple[str, tuple[str, ...]], ...],
    environments: tuple[tuple[str, tuple[str, ...]], ...],
    negators: tuple[str, ...],
    breaks: tuple[str, ...],
    context: tuple[str, ...],
    take_backs: tuple[str, ...],
    alternatives: tuple[str, ...],
    environment_take_backs: tuple[str, ...],
    non_production: tuple[str, ...],
    exceptions: tuple[str, ...],
) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """(term words, meaning) by the term's first word, longest first, then by words; meaning is
    a concept, `env:<id>` or a marker (`~not`, `~alt`, `~break`, `~context`, `~take-back`, ...:
    the "~" keeps the plain words "break" or "context" from meaning one). Only the terms that
    begin with a token can match at it, so reading looks at those alone (the order within them
    is the whole table's, so the first match is the same)."""
    out: set[tuple[tuple[str, ...], str]] = set()
    out |= {(tuple(words(term)), concept) for concept, terms in vocabulary for term in terms}
    out |= {(tuple(words(name)), f"env:{env}") for env, names in environments for name in names}
    out |= {(tuple(words(n)), "~not") for n in negators}
    out |= {(tuple(words(n)), "~alt") for n in alternatives}
    out |= {(tuple(words(n)), "~except") for n in exceptions}
    out |= {(tuple(words(b)), "~break") for b in breaks}
    out |= {(tuple(words(c)), "~context") for c in context}
    out |= {(tuple(words(t)), "~take-back") for t in take_backs}
    out |= {(tuple(words(t)), "~env-take-back") for t in environment_take_backs}
    out |= {(tuple(words(t)), "~non-production") for t in non_production}
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for term in sorted((t for t in out if t[0]), key=lambda t: (-len(t[0]), t)):
        index.setdefault(term[0][0], []).append(term)
    return index


Table = dict[str, list[tuple[tuple[str, ...], str]]]
# the tables built, by everything they are built from (the knowledge's digest first): `check`
# reads them from the cached knowledge base (engine/decide/kbcache.py) instead of building one
_TABLES: dict[tuple[object, ...], Table] = {}


def _inputs(knowledge: Knowledge) -> tuple[object, ...]:
    """What a reading table is built from (the knowledge's digest first)."""
    rules = knowledge.reading_rules
    environments = tuple(
        (e.id, tuple(n for n in (e.id, *e.aliases) if n not in rules.ambiguous_environment_words))
        for e in knowledge.environments
        if not e.needs_parent
    )
    return (
        knowledge.digest,
        tuple((t.id, tuple(t.terms)) for t in knowledge.terms),
        environments,
        tuple(rules.negators),
        tuple(rules.clause_breaks),
        tuple(rules.context_markers),
        tuple(rules.take_backs),
        tuple(rules.alternatives),
        tuple(rules.environment_take_backs),
        tuple(rules.non_production_words),
        tuple(rules.exceptions),
    )


def reading_table(knowledge: Knowledge) -> Table:
    """The term table for reading with this knowledge (built once per process, or remembered)."""
    inputs = _inputs(knowledge)
    table = _TABLES.get(inputs)
    if table is None:
        table = _TABLES[inputs] = _build_table(*inputs)  # type: ignore[arg-type]
    return table


def reading_tables(knowledge: Knowledge) -> dict[tuple[object, ...], Table]:
    """This knowledge's table, for a later process to remember (remember_tables)."""
    return {_inputs(knowledge): reading_table(knowledge)}


def remember_tables(tables: dict[tuple[object, ...], Table]) -> None:
    _TABLES.update(tables)


def next_meaning(tokens: list[str], i: int, table: Table) -> str:
    """What the words at position i mean: the concept of the term starting there, else the word."""
    if i >= len(tokens):
        return ""
    candidates = table.get(tokens[i], ())
    return next((c for t, c in candidates if tuple(tokens[i : i + len(t)]) == t), tokens[i])
