"""The report across enhancements as JSON: the Report model, keys in a fixed order."""

from __future__ import annotations

import json

from engine.audit.report import Report


def render(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
