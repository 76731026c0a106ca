"""The published JSON Schemas: every plan, spec and config we ship validates against its schema,
the schemas are never stale, and the spec and config schemas reject what the loaders reject."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from engine.audit.schema import (
    NAME_PATTERN,
    config_schema,
    modeline,
    plan_schema,
    schema_texts,
    spec_schema,
)
from engine.core.errors import InputError
from engine.decide.base import KnowledgeBase
from engine.spec.config import read_config, repository_config
from engine.spec.intake import spec_text
from engine.spec.load import parse_spec
from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.golden.regenerate import GOLDEN, REQUESTS
from tests.seed_examples import SEED_KARPENTER, SEED_RDS, SEED_VM


def test_published_schemas_are_current(kb: KnowledgeBase) -> None:
    for rel, text in schema_texts(kb.knowledge).items():
        assert (ROOT / rel).read_text() == text, f"run `infraplan docs` to regenerate {rel}"


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.name)
def test_golden_plans_validate(path: Path) -> None:
    jsonschema.Draft202012Validator(plan_schema()).validate(json.loads(path.read_text()))


def test_schema_rejects_a_broken_plan() -> None:
    plan = json.loads((GOLDEN / "spec-rds-rotation.json").read_text())
    plan["decisions"]["risk"]["trace"][0]["rule"] = 7
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(plan_schema()).validate(plan)


def validator(schema: dict[str, Any]) -> Any:
    """A validator of the schema's own draft that checks formats (`date`) too, as
    yaml-language-server does."""
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def as_an_editor_reads(text: str) -> Any:
    """YAML as yaml-language-server sees it (YAML 1.2: a date is a string)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    return plain(yaml.safe_load(text))


def _spec_doc_example() -> str:
    """The annotated spec at the top of docs/spec.md."""
    text = (ROOT / "docs" / "spec.md").read_text()
    return text.split("```yaml", 1)[1].split("```", 1)[0]


def _valid_specs(kb: KnowledgeBase) -> dict[str, str]:
    specs = {
        **{
            f"examples/specs/{p.name}": p.read_text()
            for p in sorted((EXAMPLES / "specs").glob("*.yaml"))
        },
        **{
            f"docs/examples/{p.name}": p.read_text()
            for p in sorted((ROOT / "docs" / "examples").glob("*.yaml"))
        },
        "seed rds": SEED_RDS,
        "seed karpenter": SEED_KARPENTER,
        "seed victoriametrics": SEED_VM,
        "docs/spec.md": _spec_doc_example(),
    }
    for name, request in REQUESTS.items():  # the specs the golden trigger sentences become
        if name.startswith("trigger-"):
            specs[f"new {name}"] = spec_text(request, kb.knowledge)[0]
    return specs


def test_every_example_and_golden_spec_validates(kb: KnowledgeBase) -> None:
    check = validator(spec_schema(kb.knowledge))
    specs = _valid_specs(kb)
    assert len(specs) >= 12
    for name, text in specs.items():
        parse_spec(text, kb.knowledge, name)  # the loader accepts it ...
        errors = [e.message for e in check.iter_errors(as_an_editor_reads(text))]
        assert not errors, f"{name}: {errors}"  # ... and so does the schema


def test_seed_list_forms_validate(kb: KnowledgeBase) -> None:
    text = """enhancement: {name: x, category: security, scope: single-service}
planning_agents:
  - secret-guardian: "Design rotation workflows"
  - terraform-auditor
  - {agent: kyverno-policy-expert, task: "Review policies"}
  - {agent: flux-navigator}
implementation_phases:
  - terraform: "Create the Lambda"
  - documentation
  - {name: application, task: "Update the chart"}
  - task: "a phase called task"
"""
    parse_spec(text, kb.knowledge, "forms.yaml")
    validator(spec_schema(kb.knowledge)).validate(as_an_editor_reads(text))


BASE = """enhancement:
  name: rds-rotation-integration
  category: secret-management
  scope: multi-environment
  environments: [dev, Staging, " prod "]
planning_agents:
  - secret-guardian: "Design rotation workflows"
implementation_phases:
  - terraform: "Create rotation Lambda and policies"
"""

# (what is wrong, the edit to BASE); the loader and the schema must both reject each
INVALID = [
    ("unknown top-level key", BASE + "rollbak: x\n"),
    ("unknown enhancement key", BASE.replace("  scope:", "  categroy: x\n  scope:")),
    ("missing category", BASE.replace("  category: secret-management\n", "")),
    ("missing enhancement", "planning_agents: []\n"),
    ("name not kebab-case", BASE.replace("rds-rotation-integration", "RDS_Rotation")),
    ("name starting with a dash", BASE.replace("rds-rotation-integration", "-rds")),
    ("unknown category", BASE.replace("secret-management\n  scope", "secrets\n  scope")),
    ("unknown scope", BASE.replace("multi-environment", "everywhere")),
    ("unknown pattern", BASE.replace("  scope:", "  pattern: rds-rotatoin\n  scope:")),
    ("unknown environment", BASE.replace("Staging", "qa-eu")),
    ("environments not a list", BASE.replace('[dev, Staging, " prod "]', "prod")),
    ("unknown planning agent", BASE.replace("- secret-guardian:", "- secret-guardain:")),
    (
        "unknown bare planning agent",
        BASE.replace('- secret-guardian: "Design rotation workflows"', "- secret-guardain"),
    ),
    (
        "unknown agent in mapping form",
        BASE.replace(
            '- secret-guardian: "Design rotation workflows"', "- {agent: nobody, task: x}"
        ),
    ),
    (
        "two agents in one item",
        BASE.replace(
            '- secret-guardian: "Design rotation workflows"',
            '- {secret-guardian: "a", terraform-auditor: "b"}',
        ),
    ),
    ("agent task not a string", BASE.replace('"Design rotation workflows"', "[a, b]")),
    ("phase task missing", BASE.replace('"Create rotation Lambda and policies"', "")),
    ("risk not a risk", BASE + "risk: huge\n"),
    ("strategy not a strategy", BASE + "strategy: yolo\n"),
    ("rollback not text", BASE + "rollback: [a, b]\n"),
    ("feature flag a list", BASE + "feature_flag: [a]\n"),
    ("compliance not a list", BASE + "compliance: ITCG\n"),
    ("waiver without rule", BASE + "waivers:\n  - {reason: r, owner: o}\n"),
    ("waiver with unknown key", BASE + "waivers:\n  - {rule: policy.x, because: r}\n"),
    ("waiver expiry not a date", BASE + "waivers:\n  - {rule: policy.x, expires: soon}\n"),
    ("not a mapping", "- just a list\n"),
]


def test_base_of_the_invalid_samples_is_valid(kb: KnowledgeBase) -> None:
    parse_spec(BASE, kb.knowledge, "base.yaml")
    validator(spec_schema(kb.knowledge)).validate(as_an_editor_reads(BASE))


@pytest.mark.parametrize(("what", "text"), INVALID, ids=[w for w, _ in INVALID])
def test_schema_rejects_what_the_loader_rejects(kb: KnowledgeBase, what: str, text: str) -> None:
    with pytest.raises(InputError):
        parse_spec(text, kb.knowledge, "invalid.yaml")
    errors = list(validator(spec_schema(kb.knowledge)).iter_errors(as_an_editor_reads(text)))
    assert errors, f"the schema accepts a spec the loader rejects: {what}"


def test_name_pattern_is_the_models() -> None:
    from pydantic import ValidationError

    from engine.spec.model import EnhancementInfo

    for name in [
        "rds",
        "rds-rotation-2",
        "9lives",
        "-rds",
        "Rds",
        "rds_rotation",
        "rds rotation",
        "",
    ]:
        try:
            EnhancementInfo(name=name, category="c", scope="s")
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == bool(re.match(NAME_PATTERN, name)), name


def test_new_writes_a_modeline_and_validates(kb: KnowledgeBase) -> None:
    ran = run_cli("new", "Need to implement automated backup solution for databases")
    assert ran.returncode == 0, ran.stderr
    first = ran.stdout.splitlines()[0]
    assert first == modeline()
    assert first.startswith("# yaml-language-server: $schema=https://")
    assert first.endswith("/docs/schema/spec.schema.json")
    validator(spec_schema(kb.knowledge)).validate(as_an_editor_reads(ran.stdout))


CONFIGS_VALID = [
    "role: gitops\nenvironments: {prd-eu: prod, sbx: dev}\n",
    "llm: {model: openai/llama3.1, base_url: 'http://127.0.0.1:11434/v1', timeout: 30}\n",
    "rules_dirs: [policy/rules]\nknowledge_dirs: []\n",
    "{}\n",
]
CONFIGS_INVALID = [
    "role: helm\n",
    "environments: {prd-eu: production-eu}\n",
    "environment: {prd-eu: prod}\n",
    "llm: {model: x, temperature: 0}\n",
    "llm: {timeout: soon}\n",
    "rules_dirs: policy/rules\n",
]


@pytest.mark.parametrize("text", CONFIGS_VALID)
def test_config_schema_accepts_valid_configs(kb: KnowledgeBase, tmp_path: Path, text: str) -> None:
    (tmp_path / ".infraplan.yaml").write_text(text)
    (tmp_path / "policy" / "rules").mkdir(parents=True)  # named folders must exist
    repository_config(tmp_path, kb.knowledge)
    validator(config_schema(kb.knowledge)).validate(as_an_editor_reads(text))


@pytest.mark.parametrize("text", CONFIGS_INVALID)
def test_config_schema_rejects_what_the_loader_rejects(
    kb: KnowledgeBase, tmp_path: Path, text: str
) -> None:
    (tmp_path / ".infraplan.yaml").write_text(text)
    with pytest.raises(InputError):
        read_config(tmp_path)
        repository_config(tmp_path, kb.knowledge)
    errors = list(validator(config_schema(kb.knowledge)).iter_errors(as_an_editor_reads(text)))
    assert errors, text


def test_schemas_are_valid_json_schemas(kb: KnowledgeBase) -> None:
    for schema in (spec_schema(kb.knowledge), config_schema(kb.knowledge), plan_schema()):
        jsonschema.validators.validator_for(schema).check_schema(schema)
    # what editors read is draft-07, the draft yaml-language-server validates
    for schema in (spec_schema(kb.knowledge), config_schema(kb.knowledge)):
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert "$defs" not in json.dumps(schema)


def test_schema_command_prints_the_published_schemas(kb: KnowledgeBase) -> None:
    for which, rel in (
        ("spec", "spec"),
        ("config", "config"),
        ("plan", "plan"),
        ("facts", "facts-object"),
    ):
        ran = run_cli("schema", which)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout == (ROOT / "docs" / "schema" / f"{rel}.schema.json").read_text()


def test_schema_command_knows_an_overlays_ids(tmp_path: Path) -> None:
    """An organisation's own expert validates against the schema made with its overlay."""
    overlay = tmp_path / "acme-knowledge"
    overlay.mkdir()
    (overlay / "experts.yaml").write_text(
        "- id: payments-guardian\n  title: Payments guardian\n  covers: [payments]\n"
    )
    spec = BASE.replace("- secret-guardian:", "- payments-guardian:")
    target = tmp_path / "spec.schema.json"
    ran = run_cli("schema", "spec", "--knowledge-dir", str(overlay), "-o", str(target))
    assert ran.returncode == 0, ran.stderr
    validator(json.loads(target.read_text())).validate(as_an_editor_reads(spec))
    with pytest.raises(jsonschema.ValidationError):
        validator(json.loads(run_cli("schema", "spec").stdout)).validate(as_an_editor_reads(spec))
