"""`infraplan new TEXT`: the spec a sentence becomes, for a person to edit; it passes `check`.

Its first line names the spec's JSON Schema for yaml-language-server (VS Code's YAML extension
and other editors), so the editor completes and checks the spec as it is edited (docs/spec.md).
"""

from __future__ import annotations

from engine.audit.schema import modeline
from engine.commands.common import emit, knowledge_base
from engine.commands.settings import Settings
from engine.plan.draft import remedied_draft


def run(settings: Settings, text: str, output: str | None) -> int:
    draft = remedied_draft(text, knowledge_base(settings), [r.name for r in settings.repos])
    emit(f"{modeline()}\n{draft.text()}", output)
    return 0
