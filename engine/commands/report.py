"""`infraplan report DIR... [--repo ...] [--format markdown|json]`: every enhancement in folders
of specs and plans, with status and lead time, and totals."""

from __future__ import annotations

from pathlib import Path

from engine.audit.report import build_report
from engine.commands.common import emit, knowledge_base, read_estate
from engine.commands.settings import Settings
from engine.estate.model import Estate
from engine.render import REPORT_RENDERERS


def run(settings: Settings, dirs: list[str], fmt: str, output: str | None) -> int:
    kb = knowledge_base(settings)
    estates: dict[tuple[str, ...], Estate] = {}

    def estate_for(names: tuple[str, ...]) -> Estate:
        if names not in estates:
            repos = [r for r in settings.repos if r.name in names]
            estates[names] = read_estate(settings, kb.knowledge, repos)
        return estates[names]

    report = build_report([Path(d) for d in dirs], kb, {r.name for r in settings.repos}, estate_for)
    emit(REPORT_RENDERERS[fmt](report), output)
    return 0
