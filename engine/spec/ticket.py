"""A request written as a change ticket's fields, as a change-advisory board receives it:

    Change: resize the sessions ElastiCache cluster to cache.r6g.xlarge
    Reason: memory at 85%, evictions since Monday
    Impact: a failover to the replica during the resize
    Rollback: resize back

A line that opens with a label knowledge/intake.yaml knows (`ticket_fields`) starts a field, and
the unlabelled lines after it go on with it; the unlabelled lines before the first field are the
title. The title and the `change` fields are what is asked. Every other field is read as
context: a reason, an impact or a test plan gives facts about the change (what it rests on, that
it brings downtime) but names no change of its own, so a reason that mentions a failover does
not make the change a failover. `excluded` fields ("Out of scope: the CRDs") are left out of the
change, `rollback`, `window` and `risk` fields are also what the owners declare (`declared`).
A text with no known label is no ticket and is read as it is. Deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.knowledge.change import IntakeSettings
    from engine.knowledge.model import Knowledge
    from engine.spec.reading import Reading

_LABEL = re.compile(r"^\s*(?:[-*•>]\s*)?\**\s*([a-z][a-z /&-]{0,30}?)\s*\**\s*:\**\s*(.*)$")


@dataclass(frozen=True)
class Ticket:
    """A ticket's fields by role, each field as "label: value"."""

    fields: tuple[tuple[str, str, str], ...]  # (role, label, value) in the ticket's order

    def text(self, *roles: str, labelled: bool = False) -> str:
        """The values of the fields in these roles, a line each (with their labels if asked:
        "downtime: 10 minutes" says downtime where "10 minutes" does not)."""
        return "\n".join(
            f"{label}: {value}" if labelled and label else value
            for role, label, value in self.fields
            if role in roles and value
        )


_COMMIT = re.compile(r"(?<![\w-])([a-z]+)\(([^)\n]{1,40})\)(!?):\s*")


def commit_title(text: str, knowledge: Knowledge) -> str:
    """A conventional-commit title without its scope: "perf(redis): switch the rate-limiter
    ElastiCache to cluster mode" names the area it touches in brackets, not a second thing the
    change moves between; an environment the scope names is kept ("feat(opensearch/prod-logs):
    ..." is in prod)."""
    title = text.partition("\n")[0]
    found = _COMMIT.search(title)  # "[INFRA] perf(redis): ...": after a label too
    if found is None or found.group(1) not in knowledge.reading_rules.commit_types:
        return text
    scope = set(re.findall(r"[a-z0-9]+", found.group(2).lower()))
    named = [
        e.id
        for e in knowledge.environments
        if scope & {name.lower() for name in (e.id, *e.aliases)}
    ]
    rest = text[found.end() :]
    line, newline, after = rest.partition("\n")
    where = "".join(f" in {env}" for env in named)
    kept = f"{text[: found.start()]}{found.group(1)}{found.group(3)}: "
    return f"{kept}{line}{where}{newline}{after}"


def _says_nothing(value: str, rules: IntakeSettings) -> bool:
    """ "Impact: none", "Window: not needed": a value that says nothing."""
    said = " ".join(value.lower().strip(" .!").split())
    return said in {" ".join(v.lower().split()) for v in rules.empty_field_values}


def _roles(rules: IntakeSettings) -> dict[str, str]:
    return {
        " ".join(label.lower().split()): role
        for role, labels in sorted(rules.ticket_fields.items())
        for label in labels
    }


def ticket(text: str, rules: IntakeSettings) -> Ticket | None:
    """The ticket a text is, or None when no line opens with a field label."""
    roles = _roles(rules)
    if not roles:
        return None
    fields: list[list[str]] = []
    labelled = False
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        found = _LABEL.match(line.lower())
        role = roles.get(" ".join(found.group(1).split())) if found else None
        if found and role:
            labelled = True
            value = line[len(line) - len(found.group(2)) :].strip() if found.group(2) else ""
            fields.append([role, found.group(1).strip(), value])
        elif fields:  # an unlabelled line goes on with the field before it
            fields[-1][2] = f"{fields[-1][2]}\n{line.strip()}".strip()
        else:  # the title
            fields.append(["change", "", line.strip()])
    if not labelled:
        return None
    kept = tuple(
        (role, label, value)
        for role, label, value in fields
        # "Impact: none", "Downtime: n/a": a field that says nothing (a rollback that says
        # "none" says there is no way back)
        if role == "rollback" or not _says_nothing(value, rules)
    )
    if not any(role == "change" and value for role, _, value in kept):
        return None  # "Reason: ..." alone asks for nothing: read as it is
    return Ticket(kept)


def read_ticket(
    text: str, knowledge: Knowledge, read_one: Callable[[str, Knowledge], Reading]
) -> Reading | None:
    """What a ticket says, read field by field with `read_one` (None when the text is no
    ticket): the change fields as the request, every other field as its context."""
    fields = ticket(text, knowledge.reading_rules)
    if fields is None:
        return None
    asked = read_one(fields.text("change"), knowledge)
    aside_text = fields.text("context", "rollback", "window", "risk", labelled=True)
    left_text = fields.text("excluded")
    aside = read_one(aside_text, knowledge) if aside_text else None
    left = read_one(left_text, knowledge) if left_text else None
    order = [e.id for e in knowledge.environments]
    environments = set(asked.environments) | set(aside.environments if aside else ())
    excluded = set(asked.excluded_environments) | set(left.environments if left else ())
    excluded |= set(aside.excluded_environments if aside else ())
    negated = asked.negated | (left.concepts if left else frozenset())
    return replace(
        asked,
        negated=frozenset(negated - asked.concepts),
        environments=tuple(e for e in order if e in environments - excluded),
        context=asked.context | (aside.concepts | aside.context if aside else frozenset()),
        excluded_environments=tuple(e for e in order if e in excluded),
    )


def declared(fields: Ticket | None, rules: IntakeSettings) -> dict[str, object]:
    """What a ticket's owners declare in its fields, as spec declarations: a rollback that says
    there is none ("Rollback: not possible, the old keys are revoked") makes the change
    one-way (`reversible: false`), any other is the spec's `rollback`; a risk field at a level
    taken as a floor ("Risk: high") is the spec's `risk`. Windows are read by
    engine/spec/declared.py's booked_window, from `window_text`."""
    if fields is None:
        return {}
    out: dict[str, object] = {}
    rollback = " ".join(fields.text("rollback").split())
    if rollback:
        lowered = rollback.lower()
        needless = "|".join(map(re.escape, rules.rollback_needless)) or "(?!)"
        none = any(  # "Rollback: none needed" says it is easy, not that it is impossible
            re.match(rf"{re.escape(w)}\b(?!\s+(?:{needless})\b)", lowered)
            for w in rules.no_way_back_openings
        )
        if none:
            out["reversible"] = False
        elif not _says_nothing(rollback, rules):
            out["rollback"] = rollback
    risk = fields.text("risk").lower().split()
    if risk and risk[0].strip(".,;") in rules.stated_risk_levels:
        out["risk"] = risk[0].strip(".,;")
    return out


def window_text(fields: Ticket | None) -> str:
    """A ticket's window fields as "window <value>" (so "Schedule: Sat 02:00 UTC" reads as a
    window beside a time), else ""."""
    return "\n".join(f"window {v}" for v in fields.text("window").splitlines()) if fields else ""
