"""Redaction and URL credentials: what secrets look like, in linear time."""

from __future__ import annotations

import time

import pytest

from engine.core.redact import redact, secret_key, strip_userinfo


@pytest.mark.parametrize(
    "text",
    [
        "client_secret: CANARY-1",
        "DB_PASSWORD=CANARY-1",
        '{"password": "CANARY-1", "user": "x"}',
        "aws_secret_access_key = CANARY-1",
        "apiKey: CANARY-1",
        "https://user:CANARY-1@github.com/org/repo.git",
        "see https://host/x?access_token=CANARY-1&b=1",
        "Authorization: Bearer CANARY-1xyz",
        "key=AKIAABCDEFGHIJKLMNOP CANARY-1".replace(" CANARY-1", ""),
    ],
)
def test_secrets_are_redacted(text: str) -> None:
    out = redact(text)
    assert "CANARY-1" not in out and "AKIAABCDEFGHIJKLMNOP" not in out
    assert "[REDACTED]" in out


@pytest.mark.parametrize(
    "text",
    ["Decision risk = medium", "Decision design = application-integration", "key: orders-db"],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text


def test_secret_keys() -> None:
    assert all(map(secret_key, ["client_secret", "DB_PASSWORD", "privateKey", "pwd", "x-api-key"]))
    assert not any(map(secret_key, ["design", "key", "author", "name"]))


def test_userinfo_is_stripped() -> None:
    assert strip_userinfo("git::https://u:p@github.com/o/m.git?ref=v1") == (
        "git::https://***@github.com/o/m.git?ref=v1"
    )
    assert strip_userinfo("oci://ghcr.io/o/c?token=abc") == "oci://ghcr.io/o/c?token=***"
    assert strip_userinfo("git@github.com:org/repo.git") == "git@github.com:org/repo.git"


HOSTILE = [
    "a" * 200_000,
    "a=" * 100_000,
    "a:" * 100_000,
    "a." * 100_000,
    "b.a" * 50_000 + "@",
    "?" + "token" * 40_000,
    "https://" + "a" * 100_000,
    "-----BEGIN RSA PRIVATE KEY-----" * 3_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_linear_time_on_hostile_text(text: str) -> None:
    start = time.process_time()  # CPU: a loaded machine does not count
    redact(text)
    strip_userinfo(text)
    assert time.process_time() - start < 1  # quadratic patterns took 20 s to 2 minutes here
