"""`infraplan new TEXT`: the spec a sentence becomes, for a person to edit; it passes `check`."""

from __future__ import annotations

from engine.commands.common import emit, knowledge_base
from engine.commands.settings import Settings
from engine.plan.draft import remedied_draft


def run(settings: Settings, text: str, output: str | None) -> int:
    draft = remedied_draft(text, knowledge_base(settings), [r.name for r in settings.repos])
    emit(draft.text(), output)
    return 0
