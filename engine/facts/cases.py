"""Rule facts written by hand: the `facts:` of a rule test case (rules/tests/*.yaml). Fields left
out take their type's empty value, so a case states only what matters to it."""

from __future__ import annotations

from typing import Any

from engine.core.errors import InputError, Problem, did_you_mean
from engine.facts.schema import FACT_TYPES, Fact, make_fact

_EMPTY: dict[object, object] = {str: "", int: 0, bool: False}


def facts_from_case(entries: list[dict[str, dict[str, Any]]], where: str) -> list[Fact]:
    facts = []
    for i, entry in enumerate(entries):
        if len(entry) != 1:
            raise InputError(
                [Problem(where, 0, 0, f"facts[{i}]: expected one `fact_type: {{fields}}` per item")]
            )
        ((fact_type, fields),) = entry.items()
        schema = FACT_TYPES.get(fact_type)
        if schema is None:
            raise InputError(
                [
                    Problem(
                        where,
                        0,
                        0,
                        f'facts[{i}]: unknown fact type "{fact_type}"{did_you_mean(fact_type, list(FACT_TYPES))}',
                    )
                ]
            )
        unknown = set(fields or {}) - set(schema.model_fields)
        if unknown:
            raise InputError(
                [
                    Problem(
                        where,
                        0,
                        0,
                        f"facts[{i}]: unknown field(s) of {fact_type}: {', '.join(sorted(unknown))}",
                    )
                ]
            )

        full = {
            name: (fields or {}).get(name, _EMPTY.get(info.annotation, ""))
            for name, info in schema.model_fields.items()
        }
        try:
            facts.append(make_fact(fact_type, f"case{i}", **full))
        except ValueError as exc:
            raise InputError(
                [Problem(where, 0, 0, f"facts[{i}]: {str(exc).splitlines()[0]}")]
            ) from None
    return facts
