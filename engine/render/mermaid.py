"""Mermaid text that cannot break a diagram: one sanitizer for every label."""

from __future__ import annotations

import re


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid flowchart label."""
    return re.sub(r'["<>{}\[\]|`#;]', "", text)
