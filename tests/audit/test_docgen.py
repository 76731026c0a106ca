"""Documentation that must not drift from the code."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.facts.schema import FACT_TYPES
from tests.conftest import ROOT, run_cli


def test_rules_reference_lists_every_fact_type_and_field() -> None:
    text = (ROOT / "docs" / "rules-reference.md").read_text()
    for name, schema in FACT_TYPES.items():
        assert f"`{name}`" in text, name
        for field in schema.model_fields:
            assert f"`{field}`" in text, f"{name}.{field}"


def test_cli_doc_lists_every_bundled_policy_rule(kb: KnowledgeBase) -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    for rule in kb.rulebook.policy_rules:
        assert f"`{rule.id}`" in text, rule.id


def test_every_trait_the_rules_use_is_in_the_change_model(kb: KnowledgeBase) -> None:
    text = (ROOT / "docs" / "change-model.md").read_text()
    used = {
        v
        for r in kb.rulebook.rules
        for c in r.conditions
        if c.fact_type == "trait"
        for t in c.tests
        if t.field == "name"
        for v in (t.value if isinstance(t.value, list) else [t.value])
    }
    assert used <= set(kb.knowledge.traits)
    for trait in used:
        assert f"`{trait}`" in text, trait
    assert "change-model.md" in (ROOT / "docs" / "knowledge.md").read_text()


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    assert "infraplan plan examples/specs/rds-rotation.yaml" in commands[0]
    assert commands[1].endswith("pytest")


def test_generated_reference_docs_are_current() -> None:
    result = run_cli("docs", "--check", "--root", str(ROOT))
    assert result.returncode == 0, result.stderr + " — run `infraplan docs` and commit the result"
