"""Command-line options of facts bundles, declared here so that cli.py stays options-only and
within its size limit (tests/architecture/test_layout.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def options(*decorators: Decorator) -> Decorator:
    """Several click decorators as one, applied in the order written."""

    def apply(func: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


bundles = click.option(
    "--facts",
    "bundles",
    multiple=True,
    metavar="BUNDLE",
    help="A facts bundle (facts REPO --bundle) read instead of its repository (repeatable).",
)
bundle = click.option(
    "--bundle",
    is_flag=True,
    help="Write one repository's facts bundle (JSON) for `plan --facts` (see docs/ci.md).",
)
