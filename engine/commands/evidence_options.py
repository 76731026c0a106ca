"""The command-line options of the evidence commands (`attest`, `brief`, `report`) and verify's
attestation options, registered by cli.py in one line. Options only, like cli.py: each command
hands its settings to its module in engine/commands/."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

Runner = Callable[..., Callable[..., int]]

verify_options = [
    click.option(
        "--attestation",
        type=click.Path(dir_okay=False),
        help="The plan's attestation (infraplan attest): check its signature and that it is this plan.",
    ),
    click.option(
        "--public-key",
        type=click.Path(dir_okay=False),
        help="The Ed25519 public key (PEM) the attestation is checked with.",
    ),
]


def register(main: click.Group, run: Runner) -> None:
    """Add the evidence commands to the command line; `run` is cli.py's settings resolver."""

    @main.command("attest")
    @click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False))
    @click.option(
        "--key",
        "key_file",
        required=True,
        type=click.Path(dir_okay=False),
        help="An Ed25519 private key in PEM (openssl genpkey -algorithm ed25519).",
    )
    @click.option(
        "-o", "--output", type=click.Path(dir_okay=False), help="Write the attestation to a file."
    )
    def attest(plan_file: str, key_file: str, output: str | None) -> None:
        """Sign a plan's evidence: an in-toto Statement (the plan's digest; the digests of its
        inputs, the tool version, the decisions) in a DSSE envelope. Check it with
        `verify PLAN.json --attestation FILE --public-key PUB.pem`."""
        sys.exit(run("attest")(plan_file, key_file, output))
