"""`infraplan verify PLAN.json [--repo ...] [--attestation FILE --public-key PUB.pem]`: recompute a
plan from its inputs and, given its attestation, check the signature and that it is this plan."""

from __future__ import annotations

from pathlib import Path

from engine.audit.verify import compare, missing_repositories, recompute, render
from engine.commands.common import emit, knowledge_base, read_bundles, read_estate
from engine.commands.plan import with_bundles
from engine.commands.settings import Settings
from engine.core.errors import InputError, Problem
from engine.plan.model import read_plan


def run(
    settings: Settings,
    plan_file: str,
    allow_outside: bool = False,
    attestation: str | None = None,
    public_key: str | None = None,
) -> int:
    if bool(attestation) != bool(public_key):
        raise InputError(
            [Problem("verify", 0, 0, "--attestation and --public-key go together: give both")]
        )
    old = read_plan(Path(plan_file))
    bundles = read_bundles(settings)
    names = [r.name for r in settings.repos] + [b.bundle.repository for b in bundles]
    missing = missing_repositories(old, names)
    if missing is not None:
        raise missing
    attested = ""
    failed: list[str] = []
    if attestation and public_key:
        from engine.audit.attest import check, render_check
        from engine.core import limits
        from engine.core.files import read_bytes

        data = read_bytes(Path(plan_file), limits.current().plan_bytes, plan_file)
        ok, failed = check(Path(attestation), Path(public_key), data)
        attested = render_check(plan_file, ok, failed)
    kb = knowledge_base(settings)
    estate = read_estate(settings, kb.knowledge, bundles=bundles) if names else None
    new = with_bundles(recompute(old, kb, estate, Path(plan_file), allow_outside), bundles)
    result = compare(old, new)
    emit(attested + render(result, plan_file), None)
    return 0 if result.reproducible and not failed else 1
