"""Rule facts from decisions: each decided value as a `decision` fact (so rules chain), and each
value the spec declared compared with what the rules decided (`declaration`, for policy rules).

Decisions are passed in as plain values (dimension → value or values) so this module does not
depend on the engine that made them.
"""

from __future__ import annotations

from engine.facts.schema import Fact, make_fact
from engine.knowledge.model import Knowledge

DecidedValues = dict[str, str | list[str] | None]

# what a spec may declare: the enhancement fact's field → the dimension it floors
DECLARED = {"risk": "declared_risk", "implementation_strategy": "declared_strategy"}


def decision_fact(knowledge: Knowledge, dimension: str, value: str) -> Fact:
    return make_fact(
        "decision",
        f"{dimension}:{value}",
        dimension=dimension,
        value=value,
        rank=knowledge.rank(dimension, value),
    )


def decision_facts(decided: DecidedValues, knowledge: Knowledge) -> list[Fact]:
    """One fact per decided value (every value of a set-valued dimension)."""
    facts: list[Fact] = []
    for dim_id, value in decided.items():
        values = value if isinstance(value, list) else [value] if value else []
        facts.extend(decision_fact(knowledge, dim_id, v) for v in values)
    return facts


def declaration_facts(facts: list[Fact], decided: DecidedValues, k: Knowledge) -> list[Fact]:
    """Compare what the spec declared with what the rules decided (for policy rules)."""
    enhancement = next((f for f in facts if f.type == "enhancement"), None)
    out: list[Fact] = []
    if enhancement is None:
        return out
    for dim, field in DECLARED.items():
        declared = enhancement.fields[field]
        value = decided.get(dim)
        if not declared or not isinstance(value, str) or not isinstance(declared, str):
            continue
        rank = k.rank(dim, declared)
        origin = enhancement.origins.get(field, "")
        out.append(
            make_fact(
                "declaration",
                dim,
                origins=dict.fromkeys(
                    ("value", "below_decision", "dimension", "rank", "decided"), origin
                ),
                dimension=dim,
                value=declared,
                rank=rank,
                decided=value,
                below_decision=rank < k.rank(dim, value),
            )
        )
    return out
