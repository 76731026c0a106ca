"""The version change a sentence names ("from 13 to 15", "to 1.31", "5.7 to 8.0", "postgres 14
to 16"), told apart from counts and sizes ("from 6 to 3 data nodes", "max from 20 to 40")."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from engine.spec.terms import singular

if TYPE_CHECKING:
    from engine.knowledge.change import IntakeSettings

# numbers that are no version of what changes, blanked before reading: protocol versions ("TLS
# 1.2", "HTTP/2"), IP addresses and ranges ("0.0.0.0/0") and a version's other name in
# brackets ("from 2.11 (5.7) to 3.05 (8.0)")
_NOT_VERSIONS = [
    re.compile(r"\b(tls|ssl|http)\s*/?\s*v?\d+(\.\d+)*\+?"),
    re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?![.\d])"),  # addresses: "0.0.0.0/0"
    re.compile(r"\(\s*v?\d+(?:\.\d+)*\s*\)"),
]
_NUMBER = r"v?(\d+(?:\.\d+)*)"
_HOPS = [
    re.compile(
        rf"\bto\s+(?:version\s+)?{_NUMBER}\s+from\s+(?:version\s+)?{_NUMBER}(?!\.\d)(\s+\w+)?"
    ),
    re.compile(
        rf"\bfrom\s+(?:[a-z][a-z.]*\s+)?{_NUMBER}\s+to\s+(?:[a-z][a-z.]*\s+)?{_NUMBER}(?!\.\d)(\s+\w+)?"
    ),
    re.compile(rf"\bversion\s+{_NUMBER}\s+to\s+(?:version\s+)?{_NUMBER}(?!\.\d)(\s+\w+)?"),
    re.compile(r"\bv?(\d+\.\d+(?:\.\d+)*)\s*(?:→|->|to)\s*v?(\d+\.\d+(?:\.\d+)*)(?!\.\d)(\s+\w+)?"),
    re.compile(r"\bv?(\d+(?:\.\d+)*)\s*(?:→|->)\s*v?(\d+(?:\.\d+)*)(?!\.\d)(\s+\w+)?"),
]
_DOTTED = re.compile(r"\bv?(\d+\.\d+(?:\.\d+)*)\b")
# "postgres 14 to 16": whole numbers after a product whose releases are whole numbers
_NAMED_HOP = re.compile(r"\b([a-z][a-z0-9-]*)\s+v?(\d+)\s+to\s+v?(\d+)(?!\d|\.\d)(\s+\w+)?")
# "13 -> 16" (arrows read as "to") in a text naming a product whose releases are whole numbers
_WHOLE_HOP = re.compile(r"\bv?(\d+)\s+to\s+v?(\d+)(?!\d|\.\d)(\s+\w+)?")
# "Aurora PostgreSQL 12 leaves standard support: upgrade the cluster to 16": a product's whole
# version named first, then a whole number it moves up to
_NAMED_FROM = re.compile(r"\b([a-z][a-z0-9-]*)\s+v?(\d+)(?![.\d])")
_WHOLE_TARGET = re.compile(r"\bto\s+(?:version\s+)?v?(\d+)(?![\d.]\d)(\s+\w+)?")
_TARGET = re.compile(
    r"\bto\s+(?:version\s+)?(?:v(\d+(?:\.\d+)*)|(\d+\.\d+(?:\.\d+)*))(?!\.\d)(\s+\w+)?"
)
# "go to Postgres 15": a version after the name of what moves to it; words that are no such
# name ("to port 8080", "need to add 10 more runners") come from knowledge/intake.yaml
_NAMED_TARGET = r"\bto\s+(?!(?:{})\b)[a-z][a-z0-9]*\s+v?(\d+(?:\.\d+)*)(?![.\d-])(\s+\w+)?"


@functools.lru_cache(maxsize=8)
def _named_target(not_names: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(map(re.escape, not_names)) or "(?!)"
    return re.compile(_NAMED_TARGET.format(words))


def version_change(text: str, rules: IntakeSettings) -> tuple[str, ...]:
    """The version change a lower-cased text names: (from, to), (to,) or (); counts ("max from
    20 to 40", "from 6 to 3 data nodes", "increase the partitions of the topic from 12 to 48":
    a clause opening with a counting verb) and sizes are not versions; whole numbers more than
    `max_version_jump` apart are a count ("from 24 to 400": no release jumps that many majors).
    The words and limits are knowledge/intake.yaml's `reading`."""

    units, products = set(rules.quantity_units), set(rules.versioned_products)
    quantities, counting = set(rules.quantity_words), set(rules.counting_verbs)
    max_jump = rules.max_version_jump

    for pattern in _NOT_VERSIONS:
        text = pattern.sub(" ", text)
    for (
        name
    ) in rules.numbered_names:  # "to Route 53", "Finding 7": a number in a name or a label's number
        words = r"\s*".join(map(re.escape, name.split()))
        text = re.sub(rf"\b{words}(?:\s*#?\d+)?\b", " ", text)

    def quantity(tail: str | None) -> bool:
        return bool(tail) and singular(tail.strip()) in units  # type: ignore[union-attr]

    def clause_before(m: re.Match[str]) -> list[str]:
        """The words of the clause up to a match."""
        return re.split(r"[.;:,!?]", text[: m.start()])[-1].split()

    def counted(m: re.Match[str]) -> bool:
        """Whole numbers after a word that counts ("max from 20 to 40", "size 2 to size 3",
        "replication factor from 2 to 3")."""
        if "." in m.group(1) + m.group(2):
            return False
        if int(m.group(2)) > int(m.group(1)) + max_jump:
            return True  # "from 24 to 400", "256 -> 512"
        clause = clause_before(m)
        if clause and clause[0] in counting and "version" not in clause:
            return True  # "increase the partitions of the topic from 12 to 48": no version
        before = re.findall(r"[a-z]+", text[max(0, m.start() - 30) : m.start()])
        said = [w for w in before if w != "from"][-2:]
        # "from 6 to 3 data nodes": a unit a word after the numbers
        after = [singular(w) for w in re.findall(r"[a-z]+", text[m.end() : m.end() + 30])[:1]]
        return bool(quantities & {*said, *re.findall(r"[a-z]+", m.group(0))} or units & {*after})

    def counted_target(m: re.Match[str]) -> bool:
        """A target after a word that counts ("max to 20", "scale the replicas to 6")."""
        clause = clause_before(m)
        said = [singular(w) for w in clause[-3:]]
        return bool(clause and clause[0] in counting) or bool(quantities & set(said))

    for n, pattern in enumerate(_HOPS):
        for m in pattern.finditer(text):
            if not quantity(m.group(3)) and not counted(m):
                # the first pattern reads "to 2.12 from 2.9"
                return (m.group(2), m.group(1)) if n == 0 else (m.group(1), m.group(2))
    for m in _NAMED_HOP.finditer(text):
        if m.group(1) in products and not quantity(m.group(4)):
            return (m.group(2), m.group(3))
    if products & set(re.findall(r"[a-z]+", text)):  # "PostgreSQL flexible server, 13 -> 16"
        for m in _WHOLE_HOP.finditer(text):
            if not quantity(m.group(3)) and not counted(m):
                return (m.group(1), m.group(2))
    for m in _NAMED_FROM.finditer(text):
        if m.group(1) not in products:
            continue
        for hop in _WHOLE_TARGET.finditer(text, m.end()):
            # a newer release a few majors on, not a count ("to 40 connections")
            newer = int(m.group(2)) < int(hop.group(1)) <= int(m.group(2)) + max_jump
            if newer and not quantity(hop.group(2)) and not counted_target(hop):
                return (m.group(2), hop.group(1))
    for m in _TARGET.finditer(text):
        if not quantity(m.group(3)):
            return (m.group(1) or m.group(2),)
    for m in _named_target(tuple(rules.not_version_names)).finditer(text):
        if not quantity(m.group(2)) and m.group(0).split()[1] not in quantities:
            return (m.group(1),)
    listed = _DOTTED.findall(text)  # "1.29, then 1.30, then 1.31"
    return (listed[0], listed[-1]) if len(listed) >= 2 else ()


def sized_numbers(text: str, rules: IntakeSettings) -> set[str]:
    """The numbers of a machine's or store's size that changes ("16 -> 8 vCPU", "from 32 to 64
    GB", "from 5 GB to 13 GB"): a resize, not a version or a count."""
    units = "|".join(re.escape(u) for u in rules.size_units) or "(?!)"
    hop = (
        rf"\b(\d+)\s*(?:(?:{units})s?\s*)?(?:to|->|→)\s*(\d+)\s*(?:{units})s?\b(?!\s*(?:of|per)\b)"
    )
    return {n for m in re.finditer(hop, text) for n in m.group(1, 2)}
