"""Every extracted object as one JSON line (`infraplan facts --format jsonl`, docs/facts.md)."""

from __future__ import annotations

import json

from engine.estate.records import ObjectRecord


def render(records: list[ObjectRecord]) -> str:
    return "".join(
        json.dumps(r.model_dump(mode="json"), sort_keys=True, ensure_ascii=False) + "\n"
        for r in records
    )
