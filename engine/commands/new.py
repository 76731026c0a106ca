"""`infraplan new TEXT`: the spec a sentence becomes, for a person to edit."""

from __future__ import annotations

from engine.commands.common import emit, knowledge_only
from engine.commands.settings import Settings
from engine.spec.intake import spec_text


def run(settings: Settings, text: str, output: str | None) -> int:
    knowledge = knowledge_only(settings)
    spec, _ = spec_text(text, knowledge, [r.name for r in settings.repos])
    emit(spec, output)
    return 0
