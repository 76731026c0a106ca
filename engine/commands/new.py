"""`infraplan new TEXT`: the spec a sentence becomes, for a person to edit.

Its first line names the spec's JSON Schema for yaml-language-server (VS Code's YAML extension
and other editors), so the editor completes and checks the spec as it is edited (docs/spec.md).
"""

from __future__ import annotations

from engine.audit.schema import modeline
from engine.commands.common import emit, knowledge_only
from engine.commands.settings import Settings
from engine.spec.intake import spec_text


def run(settings: Settings, text: str, output: str | None) -> int:
    knowledge = knowledge_only(settings)
    spec, _ = spec_text(text, knowledge, [r.name for r in settings.repos])
    emit(f"{modeline()}\n{spec}", output)
    return 0
