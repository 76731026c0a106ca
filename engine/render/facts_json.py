"""The estate summary as JSON (`infraplan facts --format json`)."""

from __future__ import annotations

import json
from typing import Any


def render(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
