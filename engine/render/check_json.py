"""Check results as JSON, with the exit code."""

from __future__ import annotations

import json

from engine.audit.check import CheckResults


def render(results: CheckResults) -> str:
    data = results.model_dump(mode="json")
    data["exit_code"] = results.exit_code
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
