"""JSON Schemas generated from the models, so they cannot drift (docs/schema/, `infraplan docs`).

- the plan (plan.schema.json), from the Plan model: what scripts read;
- the enhancement spec (spec.schema.json), from the Spec model: what people write, so an editor
  can complete and validate it as they type (docs/spec.md);
- `.infraplan.yaml` (config.schema.json), from RepoConfig.

Where the loader checks a value against the knowledge base (a category, a scope, an expert, a
value of the risk dimension, ...), the spec and config schemas list the knowledge's ids as an
enum, so the schema rejects what `infraplan check` rejects. They describe the bundled knowledge;
organisation overlays add ids the published schemas do not know.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel

import engine
from engine.core.models import SEED_LISTS
from engine.knowledge.model import Knowledge
from engine.plan.model import SCHEMA_VERSION, Plan
from engine.spec.config import CONFIG_NAME, RepoConfig
from engine.spec.load import DECLARED_DIMENSIONS
from engine.spec.model import Spec

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# what people's editors read: yaml-language-server (VS Code's YAML extension and others)
# validates draft-07, so the spec and config schemas are draft-07, with `definitions`
EDITOR_DRAFT = "http://json-schema.org/draft-07/schema#"
# where the project publishes its docs/ folder, at the release of the running version
PUBLISHED = f"https://raw.githubusercontent.com/infraplan/infraplan/v{engine.__version__}"
SPEC_SCHEMA = "docs/schema/spec.schema.json"
CONFIG_SCHEMA = "docs/schema/config.schema.json"
PLAN_SCHEMA = "docs/schema/plan.schema.json"
FACTS_OBJECT_SCHEMA = "docs/schema/facts-object.schema.json"
# the spec name's form, as the Spec model's validator checks it (tests/audit/test_schema.py)
NAME_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def plan_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema(mode="serialization")
    return {
        "$schema": DRAFT,
        "$id": f"https://infraplan.dev/schema/plan-{SCHEMA_VERSION}.schema.json",
        "title": f"infraplan plan, schema_version {SCHEMA_VERSION}",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def plan_schema_text() -> str:
    return schema_text(plan_schema())


def spec_schema_url() -> str:
    """Where an editor fetches the spec schema (`infraplan new` writes it on a spec's first line)."""
    return f"{PUBLISHED}/{SPEC_SCHEMA}"


def modeline() -> str:
    """The first line of a generated spec: yaml-language-server validates the file against it."""
    return f"# yaml-language-server: $schema={spec_schema_url()}"


def _editor_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's validation schema in draft-07 form: `definitions` instead of `$defs`."""
    schema = model.model_json_schema(mode="validation", ref_template="#/definitions/{model}")
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    return schema


def _one_of(values: list[str], description: str) -> dict[str, Any]:
    return {"type": "string", "enum": values, "description": description}


def _restrict(prop: dict[str, Any], values: list[str], description: str) -> None:
    """Narrow a string property (or the string branch of an optional one) to an enum."""
    branches = prop.get("anyOf", [prop])
    for branch in branches:
        if branch.get("type") == "string":
            branch["enum"] = values
    prop["description"] = description


def _any_case(names: list[str]) -> str:
    """A pattern matching any of the names in any case, with blanks around (as the loader
    compares: stripped, lower-cased). JSON Schema patterns have no case-insensitive flag."""

    def letters(name: str) -> str:
        return "".join(
            f"[{c.lower()}{c.upper()}]"
            if c.isalpha()
            else c
            if c.isalnum() or c in "-_"
            else "\\" + c
            for c in name
        )

    return r"^\s*(?:" + "|".join(letters(n) for n in names) + r")\s*$"


def _seed_items(
    item: dict[str, Any], key_name: str, value_name: str, names: list[str] | None
) -> dict[str, Any]:
    """A list item in any form the loader accepts (engine/core/models.py, SEED_LISTS): the
    mapping `{agent: x, task: y}`, the seed's `- x: "y"`, or a bare `- x`."""
    key: dict[str, Any] = {"type": "string", "enum": names} if names else {"type": "string"}
    if names:
        item = copy.deepcopy(item)
        item["properties"][key_name] = {**item["properties"][key_name], "enum": names}
    seed_form: dict[str, Any] = {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "propertyNames": {**key, "not": {"const": key_name}},
        "additionalProperties": {
            "type": "string",
            "description": f'The {value_name}, in the seed\'s `- {key_name}: "{value_name}"` form.',
        },
    }
    return {"anyOf": [seed_form, key, item]}


def spec_schema(knowledge: Knowledge) -> dict[str, Any]:
    """The spec's JSON Schema, with the knowledge's ids where the loader checks them."""
    schema = _editor_schema(Spec)
    defs = schema["definitions"]
    enhancement = defs["EnhancementInfo"]["properties"]
    enhancement["name"]["pattern"] = NAME_PATTERN
    enhancement["name"]["description"] = "Lower-case kebab-case, e.g. rds-rotation-integration."
    _restrict(
        enhancement["category"],
        [c.id for c in knowledge.categories],
        "A category (knowledge/categories.yaml).",
    )
    _restrict(
        enhancement["scope"], [s.id for s in knowledge.scopes], "A scope (knowledge/scopes.yaml)."
    )
    _restrict(
        enhancement["pattern"],
        ["", *sorted(p.id for p in knowledge.patterns)],
        "A knowledge pattern (docs/patterns.md); inferred from the name and summary when empty.",
    )
    environments = [n for e in knowledge.environments for n in (e.id, *e.aliases)]
    enhancement["environments"]["items"] = {
        "anyOf": [
            _one_of(environments, "An environment or an alias (knowledge/environments.yaml)."),
            {"type": "string", "pattern": _any_case(environments)},
        ]
    }
    checked_keys = {"planning_agents": [x.id for x in knowledge.experts]}
    properties = schema["properties"]
    for field, (key_name, value_name) in SEED_LISTS.items():
        if field not in properties:
            continue
        ref = properties[field]["items"]["$ref"].rsplit("/", 1)[-1]
        properties[field]["items"] = _seed_items(
            defs[ref], key_name, value_name, checked_keys.get(field)
        )
    for field, dimension in DECLARED_DIMENSIONS.items():
        _restrict(
            properties[field],
            knowledge.vocabulary(dimension),
            f"{properties[field].get('description', '')} A value of {dimension} (docs/knowledge.md).".strip(),
        )
    return {
        "$schema": EDITOR_DRAFT,
        "$id": spec_schema_url(),
        "title": "infraplan enhancement spec",
        "description": "An enhancement spec (docs/spec.md), as the bundled knowledge base accepts it.",
        **{k: v for k, v in schema.items() if k not in {"title", "description"}},
    }


def config_schema(knowledge: Knowledge) -> dict[str, Any]:
    """The JSON Schema of `.infraplan.yaml` (docs/authoring.md)."""
    schema = _editor_schema(RepoConfig)
    schema["properties"]["environments"]["additionalProperties"] = _one_of(
        [e.id for e in knowledge.environments],
        "The environment a folder or label name stands for (knowledge/environments.yaml).",
    )
    schema["properties"]["role"]["description"] = "Detected from the content when empty."
    return {
        "$schema": EDITOR_DRAFT,
        "$id": f"{PUBLISHED}/{CONFIG_SCHEMA}",
        "title": f"infraplan {CONFIG_NAME}",
        "description": f"A repository's settings for infraplan ({CONFIG_NAME}, docs/authoring.md).",
        **{k: v for k, v in schema.items() if k not in {"title", "description"}},
    }


def schema_texts(knowledge: Knowledge) -> dict[str, str]:
    """Every published schema: path under the project folder → text."""
    return {
        PLAN_SCHEMA: plan_schema_text(),
        SPEC_SCHEMA: schema_text(spec_schema(knowledge)),
        CONFIG_SCHEMA: schema_text(config_schema(knowledge)),
        FACTS_OBJECT_SCHEMA: facts_object_schema_text(),
    }


def facts_object_schema_text() -> str:
    """The JSON Schema of one `infraplan facts --format jsonl` line."""
    from engine.estate.records import RECORD_SCHEMA_VERSION, ObjectRecord

    schema = ObjectRecord.model_json_schema(mode="serialization")
    full = {
        "$schema": DRAFT,
        "$id": f"https://infraplan.dev/schema/facts-object-{RECORD_SCHEMA_VERSION}.schema.json",
        "title": f"infraplan facts --format jsonl, one line (version {RECORD_SCHEMA_VERSION})",
        **{k: v for k, v in schema.items() if k != "title"},
    }
    return schema_text(full)
