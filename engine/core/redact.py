"""Redaction: secrets never leave infraplan.

`strip_userinfo` removes credentials from a URL (`https://user:TOKEN@host` → `https://***@host`,
`?token=...` → `?token=***`); extractors apply it to every URL and source they read, so no
credential reaches the facts cache or an output. `redact` replaces anything that looks like a
secret value with [REDACTED] before text leaves for a model (prompts).

Every pattern here runs in linear time: the text may be hostile.
"""

from __future__ import annotations

import re

# a scheme starts where no scheme character precedes it: each run of them is tried once
_USERINFO = re.compile(r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*://)[^/@\s?#]*@")
_QUERY = re.compile(r"(?P<name>[?&;][^=&#\s?;]*=)(?P<value>[^&#\s;]*)")
_QUERY_SECRETS = ("password", "passwd", "secret", "token", "key", "signature", "sig", "credential")


def _query_value(m: re.Match[str], mask: str) -> str:
    name = m.group("name").lower()
    if not any(word in name for word in _QUERY_SECRETS) or not m.group("value"):
        return m.group(0)
    return m.group("name") + mask


def strip_userinfo(url: str) -> str:
    """A URL without the credentials it may carry (user-info, secret query parameters)."""
    if "@" not in url and "=" not in url:
        return url
    url = _USERINFO.sub(r"\1***@", url)
    return _QUERY.sub(lambda m: _query_value(m, "***"), url)


# a key names a secret when, squashed (`DB_PASSWORD` → dbpassword), it holds one of these
_SECRET_KEYS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "apikey",
    "accesskey",
    "privatekey",
    "signingkey",
    "clientkey",
)
# `key: value`, `KEY=value`, `"key": "value"`: a key starts a word, so each word is tried once
_KEY_VALUE = re.compile(
    r"""(?<![\w.-])(?P<key>["']?[\w.-]+["']?)(?P<sep>[ \t]*[:=][ \t]*)"""
    r"""(?P<value>"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s,;}\]]+)"""
)
_SCHEME_TOKEN = re.compile(r"(?i)\b(bearer|basic|token)[ \t]+[A-Za-z0-9._~+/=-]{8,}")
_BEGIN_KEY = re.compile(r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----")
_END_KEY = re.compile(r"-----END [A-Z ]{0,40}PRIVATE KEY-----")
_SECRET_PATTERNS = [
    re.compile(r"\bA(?:KIA|SIA)[0-9A-Z]{16}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"ENC\[[^\]]*\]"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"),
    re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    # long high-entropy strings: letters and digits, 32 characters or more
    re.compile(
        r"(?<![A-Za-z0-9/+=_-])(?=[A-Za-z0-9/+=_-]*[0-9])(?=[A-Za-z0-9/+=_-]*[A-Za-z])"
        r"[A-Za-z0-9/+=_-]{32,}(?![A-Za-z0-9/+=_-])"
    ),
]


def secret_key(key: str) -> bool:
    """Whether a key names a secret: `client_secret`, `DB_PASSWORD`, `aws_secret_access_key`,
    `apiKey`, `pwd` (but not `design` or `key`)."""
    squashed = re.sub(r"[^a-z0-9]", "", key.lower())
    words = set(re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()))
    return any(s in squashed for s in _SECRET_KEYS) or "pwd" in words


def _value(m: re.Match[str]) -> str:
    if not secret_key(m.group("key")):
        return m.group(0)
    value = m.group("value")
    quote = value[0] if value[:1] in {'"', "'"} else ""
    return f"{m.group('key')}{m.group('sep')}{quote}[REDACTED]{quote}"


def _private_keys(text: str) -> str:
    """PEM private keys replaced, scanning forward only (a BEGIN with no END after it means no
    later BEGIN has one either)."""
    out, pos = [], 0
    while (begin := _BEGIN_KEY.search(text, pos)) and (end := _END_KEY.search(text, begin.end())):
        out += [text[pos : begin.start()], "[REDACTED]"]
        pos = end.end()
    return "".join([*out, text[pos:]])


def redact(text: str) -> str:
    """Replace anything that looks like a secret value with [REDACTED]."""
    text = _private_keys(text)
    text = _USERINFO.sub(r"\1[REDACTED]@", text)
    text = _QUERY.sub(lambda m: _query_value(m, "[REDACTED]"), text)
    text = _SCHEME_TOKEN.sub(r"\1 [REDACTED]", text)
    text = _KEY_VALUE.sub(_value, text)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub("[REDACTED]", text)
    return text
