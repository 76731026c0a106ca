"""Terraform version constraints read from their text: whether one admits a version."""

from __future__ import annotations

import pytest

from engine.match.constraints import admits
from engine.match.upgrade_path import parse_version


@pytest.mark.parametrize(
    ("constraint", "version", "expected"),
    [
        ("~> 5.46.0", "5.80", False),
        ("~> 5.46.0", "5.46.9", True),
        ("~> 5.46", "5.80", True),
        ("~> 5.46", "6.0", False),
        ("~> 5", "5.99", True),
        (">= 5.0, < 6.0", "5.80", True),
        (">= 5.0, < 5.50", "5.80", False),
        ("3.6.2", "3.6.2", True),
        ("!= 5.80.0", "5.80", False),
        ("latest", "5.80", None),
        ("~> 5.46", "main", None),
    ],
)
def test_admits(constraint: str, version: str, expected: bool | None) -> None:
    target = parse_version(version)
    assert (None if target is None else admits(constraint, target)) is expected
