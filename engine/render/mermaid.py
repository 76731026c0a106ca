"""Mermaid text that cannot break a diagram: one sanitizer for every label.

Labels come from repositories (file names, object names), so they may hold anything: quotes and
brackets that end a label, newlines that end a statement, terminal escape sequences. What is
left is one printable line.
"""

from __future__ import annotations

import re

_BREAKING = re.compile(r'["<>{}\[\]|`#;]')
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
MAX_LABEL = 200


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid flowchart label: no characters that end a label or a
    statement, no escape sequences or other control characters, at most MAX_LABEL characters."""
    text = _ESCAPE.sub("", text)
    text = "".join(c if c.isprintable() else " " for c in text)
    text = " ".join(_BREAKING.sub("", text).split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
