"""The plan as JSON: the machine contract (docs/plan-json.md)."""

from __future__ import annotations

import json

from engine.plan.model import Plan


def render(plan: Plan) -> str:
    return json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
