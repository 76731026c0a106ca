"""The command-line options of the evidence commands (`attest`, `brief`, `report`) and verify's
attestation options, registered by cli.py in one line. Options only, like cli.py: each command
hands its settings to its module in engine/commands/."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

Runner = Callable[..., Callable[..., int]]
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

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


def output(what: str) -> Decorator:
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False), help=f"Write {what} to a file."
    )


def register(
    main: click.Group, run: Runner, knowledge_dir: Decorator, overlays: Decorator, estate: Decorator
) -> None:
    """Add the evidence commands to the command line; `run` is cli.py's settings resolver, the
    decorators its --knowledge-dir, overlay and estate options."""

    @main.command("attest")
    @click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False))
    @click.option(
        "--key",
        "key_file",
        required=True,
        type=click.Path(dir_okay=False),
        help="An Ed25519 private key in PEM (openssl genpkey -algorithm ed25519).",
    )
    @output("the attestation")
    def attest(plan_file: str, key_file: str, output: str | None) -> None:
        """Sign a plan's evidence: an in-toto Statement (the plan's digest; the digests of its
        inputs, the tool version, the decisions) in a DSSE envelope. Check it with
        `verify PLAN.json --attestation FILE --public-key PUB.pem`."""
        sys.exit(run("attest")(plan_file, key_file, output))

    @main.command("brief")
    @click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False))
    @click.option("--agent", metavar="NAME", help="Only this agent's tasks (an expert id).")
    @click.option("--stage", type=int, metavar="N", help="Only this stage (1-6).")
    @output("the briefs")
    @knowledge_dir
    def brief(
        plan_file: str, agent: str | None, stage: int | None, output: str | None, **flags: Any
    ) -> None:
        """The seed's Task() prompt for each stage and agent, filled with this plan's facts:
        decisions with their reasons, integration points (file:line), current state, findings,
        the rollout steps of the agent's part. Deterministic text; no model is called."""
        sys.exit(run("brief", **flags)(plan_file, agent, stage, output))

    @main.command("report")
    @click.argument("dirs", nargs=-1, required=True, metavar="DIR...")
    @click.option(
        "--repo",
        "repos",
        multiple=True,
        metavar="[NAME=]PATH",
        help="Repositories the plans read, to replay them (repeatable).",
    )
    @click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown")
    @output("the report")
    @overlays
    @estate
    def report(dirs: tuple[str, ...], fmt: str, output: str | None, **flags: Any) -> None:
        """Every enhancement in folders of specs and plans (in git): category, risk, strategy,
        status (spec only, planned, plan verified, plan drifted) and the lead time from the
        spec's first commit to its plan's; totals by category, risk and status."""
        sys.exit(run("report", **flags)(list(dirs), fmt, output))
