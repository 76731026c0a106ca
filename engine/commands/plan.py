"""`infraplan plan SPEC|TEXT`: the six-stage plan.

Without `-o` the plan goes to stdout and nothing else does, so it pipes cleanly. With `-o FILE`
the plan is written to FILE (as JSON when FILE ends in .json, unless --format says otherwise)
and a short summary goes to stderr: the decisions, what needs attention, the file written and
the command to try next.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from engine.commands.common import (
    emit,
    knowledge_base,
    read_bundles,
    read_estate,
    read_request,
)
from engine.commands.settings import Settings
from engine.estate.bundle import LoadedBundle
from engine.plan.build import build_plan
from engine.plan.model import BundleDigest, Plan


def plan_format(fmt: str | None, output: str | None) -> str:
    """--format when given, else JSON for an output file named *.json, else Markdown."""
    if fmt:
        return fmt
    return "json" if output and output.lower().endswith(".json") else "markdown"


def run(settings: Settings, request: str, fmt: str | None, output: str | None) -> int:
    from engine.render import PLAN_RENDERERS

    fmt = plan_format(fmt, output)
    kb = knowledge_base(settings)
    bundles = read_bundles(settings)
    names = [r.name for r in settings.repos] + [b.bundle.repository for b in bundles]
    loaded = read_request(request, kb.knowledge, names)
    estate = read_estate(settings, kb.knowledge, bundles=bundles) if names else None
    plan = with_bundles(build_plan(loaded, kb, estate, settings.today), bundles)
    if output and not plan.inputs.request:
        plan = with_spec_location(plan, Path(request), Path(output))
    if settings.llm is not None:
        from engine.plan.llm import with_drafts

        plan = with_drafts(plan, settings.llm)
    emit(PLAN_RENDERERS[fmt](plan), output)
    if output:
        from engine.render.plan_summary import render

        click.echo(render(plan, output, fmt), err=True, nl=False)
    return 0


def with_spec_location(plan: Plan, spec: Path, output: Path) -> Plan:
    """The plan, recording where its spec lies relative to the plan file (so that `verify`
    finds it from any directory)."""
    relative = Path(os.path.relpath(spec.resolve(), output.resolve().parent)).as_posix()
    inputs = plan.inputs
    spec_digest = inputs.spec.model_copy(update={"relative_to_plan": relative})
    return plan.model_copy(update={"inputs": inputs.model_copy(update={"spec": spec_digest})})


def with_bundles(plan: Plan, bundles: list[LoadedBundle]) -> Plan:
    """The plan, recording the facts bundles it read (by the digest of their bytes)."""
    if not bundles:
        return plan
    recorded = [
        BundleDigest(repository=b.bundle.repository, commit=b.bundle.commit, digest=b.digest)
        for b in sorted(bundles, key=lambda b: b.bundle.repository)
    ]
    return plan.model_copy(update={"inputs": plan.inputs.model_copy(update={"bundles": recorded})})
