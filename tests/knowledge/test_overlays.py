"""Overlays: organisation rules and knowledge on top of the bundled ones, explicitly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine.core.errors import InputError
from engine.decide.base import load_knowledge_base
from tests.conftest import EXAMPLES, run_cli

PAYMENTS_RULE = """- id: org.payments-critical
  expert: incident-responder
  when:
    all:
      - probe: {name: app-releases, environment: prod, count: {$gte: 1}}
  then: {risk: critical}
  because: Anything touching the payments releases in production is critical at Acme.
"""
REPOS = [
    a
    for n in ("infra-tf", "infra-flux", "deployments")
    for a in ("--repo", f"{n}={EXAMPLES / 'estate' / n}")
]


def test_an_org_rule_changes_a_decision_and_its_trace_names_the_overlay(tmp_path: Path) -> None:
    overlay = tmp_path / "acme-rules"
    overlay.mkdir()
    (overlay / "payments.yaml").write_text(PAYMENTS_RULE)
    spec = str(EXAMPLES / "specs" / "rds-rotation.yaml")
    before = json.loads(run_cli("plan", spec, *REPOS, "--format", "json", "--no-cache").stdout)
    after = run_cli(
        "plan", spec, *REPOS, "--rules-dir", str(overlay), "--format", "json", "--no-cache"
    )
    assert after.returncode == 0, after.stderr
    plan = json.loads(after.stdout)
    assert before["decisions"]["risk"]["value"] == "medium"
    assert plan["decisions"]["risk"]["value"] == "critical"
    assert plan["decisions"]["implementation_strategy"]["value"] == "maintenance-window"
    (trace,) = plan["decisions"]["risk"]["trace"]
    assert (
        trace["rule"] == "org.payments-critical" and trace["source"] == "acme-rules/payments.yaml:1"
    )
    assert any(f["path"] == "acme-rules/payments.yaml" for f in plan["inputs"]["rule_files"])


def test_replace_and_disable_are_explicit(tmp_path: Path) -> None:
    overlay = tmp_path / "org"
    overlay.mkdir()
    (overlay / "a.yaml").write_text(
        "- id: risk.prod-credentials\n  expert: troubleshooting-guide\n  when: {all: [{trait: {name: handles-credentials, present: true}}]}\n  then: {risk: low}\n  because: Redefined.\n"
    )
    with pytest.raises(InputError, match="replaces a rule only with `replaces: true`"):
        load_knowledge_base([overlay])
    (overlay / "a.yaml").write_text(
        "- id: risk.prod-credentials\n  replaces: true\n  expert: troubleshooting-guide\n  when: {all: [{trait: {name: handles-credentials, present: true}}]}\n  then: {risk: low}\n  because: Redefined.\n"
    )
    replaced = load_knowledge_base([overlay])
    rule = next(r for r in replaced.rulebook.rules if r.id == "risk.prod-credentials")
    assert rule.source == "org/a.yaml:1" and rule.conclusions[0].values == ["low"]
    (overlay / "a.yaml").write_text(
        "- {disable: risk.prod-credentials, reason: Our teams are independent}\n"
    )
    assert "risk.prod-credentials" not in {
        r.id for r in load_knowledge_base([overlay]).rulebook.rules
    }
    (overlay / "a.yaml").write_text("- {disable: risk.prod-credential, reason: typo}\n")
    with pytest.raises(
        InputError,
        match=re.escape(
            'cannot disable unknown rule "risk.prod-credential" (did you mean "risk.prod-credentials"?)'
        ),
    ):
        load_knowledge_base([overlay])


def test_knowledge_overlay_replaces_and_disables_patterns(tmp_path: Path) -> None:
    overlay = tmp_path / "acme-knowledge"
    (overlay / "patterns").mkdir(parents=True)
    source = (EXAMPLES.parent / "knowledge" / "patterns" / "cost-optimization.yaml").read_text()
    (overlay / "patterns" / "cost.yaml").write_text(source)
    with pytest.raises(InputError, match="replaces an entry only with `replaces: true`"):
        load_knowledge_base(None, [overlay])
    (overlay / "patterns" / "cost.yaml").write_text(
        "replaces: true\n"
        + source.replace("title: Cost optimization (generic)", "title: Acme cost programme")
    )
    assert (
        load_knowledge_base(None, [overlay]).knowledge.pattern("cost-optimization").title
        == "Acme cost programme"
    )  # type: ignore[union-attr]
    (overlay / "patterns" / "cost.yaml").unlink()
    (overlay / "disabled.yaml").write_text(
        "- {pattern: developer-self-service, reason: We have no portal}\n"
    )
    assert load_knowledge_base(None, [overlay]).knowledge.pattern("developer-self-service") is None


def test_infraplan_yaml_names_overlays(tmp_path: Path) -> None:
    repo = tmp_path / "team"
    (repo / ".git").mkdir(parents=True)
    (repo / ".infraplan" / "rules").mkdir(parents=True)
    (repo / ".infraplan" / "rules" / "payments.yaml").write_text(
        PAYMENTS_RULE.replace(
            "app-releases, environment: prod, count: {$gte: 1}",
            "app-releases, environment: all, count: 0",
        )
    )
    (repo / ".infraplan.yaml").write_text("rules_dirs: [.infraplan/rules]\n")
    (repo / "spec.yaml").write_text(
        (EXAMPLES / "specs" / "victoriametrics-upgrade.yaml").read_text()
    )
    result = run_cli("rules", "test", cwd=repo)
    assert result.returncode == 0 and "coverage" in result.stdout
    lint = run_cli("rules", "lint", cwd=repo)
    assert lint.returncode == 0, lint.stdout
    (repo / ".infraplan.yaml").write_text("rules_dirs: [missing]\n")
    bad = run_cli("check", "spec.yaml", cwd=repo)
    assert bad.returncode == 2 and 'folder "missing" not found' in bad.stderr


def test_knowledge_list_and_show() -> None:
    listed = run_cli("knowledge", "list")
    assert listed.returncode == 0
    assert (
        "rds-rotation" in listed.stdout
        and "database rotation" in listed.stdout
        and "secret-guardian" in listed.stdout
    )
    shown = run_cli("knowledge", "show", "karpenter-upgrade")
    assert shown.returncode == 0 and shown.stdout.startswith("# pattern karpenter-upgrade")
    assert "version-change" in shown.stdout
    assert run_cli("knowledge", "show", "secret-guardian").stdout.startswith(
        "# expert secret-guardian"
    )
    missing = run_cli("knowledge", "show", "rds-rotaton")
    assert missing.returncode == 2 and 'did you mean "rds-rotation"' in missing.stderr
