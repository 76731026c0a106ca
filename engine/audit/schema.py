"""The JSON Schema of the plan (docs/schema/plan.schema.json), generated from the Plan model."""

from __future__ import annotations

import json
from typing import Any

from engine.plan.model import SCHEMA_VERSION, Plan


def plan_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://infraplan.dev/schema/plan-{SCHEMA_VERSION}.schema.json",
        "title": f"infraplan plan, schema_version {SCHEMA_VERSION}",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def plan_schema_text() -> str:
    return json.dumps(plan_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def facts_object_schema_text() -> str:
    """The JSON Schema of one `infraplan facts --format jsonl` line."""
    from engine.estate.records import RECORD_SCHEMA_VERSION, ObjectRecord

    schema = ObjectRecord.model_json_schema(mode="serialization")
    full = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://infraplan.dev/schema/facts-object-{RECORD_SCHEMA_VERSION}.schema.json",
        "title": f"infraplan facts --format jsonl, one line (version {RECORD_SCHEMA_VERSION})",
        **{k: v for k, v in schema.items() if k != "title"},
    }
    return json.dumps(full, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
