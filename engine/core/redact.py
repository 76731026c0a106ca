"""Redaction: anything that looks like a secret value becomes [REDACTED] before it can leave
infraplan (model prompts)."""

from __future__ import annotations

import re

_SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
    re.compile(r"\bA(?:KIA|SIA)[0-9A-Z]{16}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"ENC\[[^\]]*\]"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"),
    re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    re.compile(
        r"(?i)\b(password|passwd|secret|token|api[_-]?key|credential|private[_-]?key)(\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|\S+)"
    ),
    re.compile(
        r"(?<![A-Za-z0-9/+=_-])(?=[A-Za-z0-9/+=_-]{32,})(?=[^ ]*[0-9])(?=[^ ]*[A-Za-z])[A-Za-z0-9/+=_-]{32,}(?![A-Za-z0-9/+=_-])"
    ),
]


def redact(text: str) -> str:
    """Replace anything that looks like a secret value with [REDACTED]."""
    for pattern in _SECRET_PATTERNS:
        if pattern.groups >= 3:
            text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}[REDACTED]", text)
        else:
            text = pattern.sub("[REDACTED]", text)
    return text
