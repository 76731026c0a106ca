"""`infraplan schema spec|config|plan|facts|bundle`: a JSON Schema, for editors and scripts.

The spec and `.infraplan.yaml` schemas list the ids of the knowledge in effect — the bundled
knowledge base plus any `--knowledge-dir` (or `.infraplan.yaml` `knowledge_dirs`) overlay — so
an organisation's own categories, scopes and experts validate in the editor too. The published
copies in docs/schema/ describe the bundled knowledge only.
"""

from __future__ import annotations

from engine.audit.schema import (
    config_schema,
    facts_object_schema_text,
    plan_schema,
    schema_text,
    spec_schema,
)
from engine.commands.common import emit, knowledge_only
from engine.commands.settings import Settings


def run(settings: Settings, which: str, output: str | None) -> int:
    if which == "facts":
        emit(facts_object_schema_text(), output)
        return 0
    if which == "bundle":
        from engine.estate.bundle import Bundle

        emit(schema_text(Bundle.model_json_schema()), output)
        return 0
    if which == "plan":
        schema = plan_schema()
    else:
        knowledge = knowledge_only(settings)
        schema = spec_schema(knowledge) if which == "spec" else config_schema(knowledge)
    emit(schema_text(schema), output)
    return 0
