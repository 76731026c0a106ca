"""Command-line options of facts bundles, declared here so that cli.py stays options-only and
within its size limit (tests/architecture/test_layout.py)."""

from __future__ import annotations

import click

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
