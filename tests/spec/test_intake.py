"""Free-text intake: the seed's five triggers and paraphrases land in the right category."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.spec.intake import NoMatch, concepts, match_text, spec_text
from engine.spec.load import parse_spec
from tests.conftest import run_cli

SEED_TRIGGERS = [
    (
        "I want to add RDS rotation to my secret management system",
        "secret-management",
        "rds-rotation",
    ),
    (
        "Need to implement automated backup solution for databases",
        "backup-and-recovery",
        "database-backup",
    ),
    (
        "Want to add cost optimization features to our infrastructure",
        "cost-optimization",
        "cost-optimization",
    ),
    (
        "Plan to integrate new monitoring tools into our stack",
        "observability",
        "monitoring-tool-integration",
    ),
    ("Need to enhance security with additional scanning tools", "security", "security-scanning"),
]

PARAPHRASES = [
    # secret management
    ("Rotate the Aurora master passwords automatically", "secret-management"),
    ("we need credential rotation for our postgres databases", "secret-management"),
    ("Enable automatic rotation of RDS secrets in Secrets Manager", "secret-management"),
    ("rotating MySQL credentials every 30 days", "secret-management"),
    ("Set up secrets rotation for the payments DB", "secret-management"),
    ("Migrate our SealedSecrets to AWS Secrets Manager with External Secrets", "secret-management"),
    ("move SOPS-encrypted secrets into Vault", "secret-management"),
    ("Switch from sealed secrets to external-secrets", "secret-management"),
    # backup and recovery
    ("Automate snapshots of all production databases", "backup-and-recovery"),
    ("Set up Velero backups for the clusters", "backup-and-recovery"),
    ("We have no backups of our RDS instances, fix that", "backup-and-recovery"),
    ("Add AWS Backup plans with point in time recovery", "backup-and-recovery"),
    ("disaster recovery: scheduled restores of the postgres DBs", "backup-and-recovery"),
    # cost
    ("Cut our AWS bill", "cost-optimization"),
    ("Move batch workloads to spot instances", "cost-optimization"),
    ("rightsizing of overprovisioned node pools", "cost-optimization"),
    ("Upgrade Karpenter and use more spot capacity", "cost-optimization"),
    ("Reduce cloud spend by cleaning up idle resources", "cost-optimization"),
    ("Karpenter upgrade to v1", "cost-optimization"),
    ("FinOps: show cost per team and reduce waste", "cost-optimization"),
    # observability
    ("Add Loki for logs next to our metrics", "observability"),
    ("Introduce OpenTelemetry tracing into the stack", "observability"),
    ("Integrate Grafana Tempo as a new monitoring tool", "observability"),
    ("Upgrade VictoriaMetrics on the monitor cluster", "observability"),
    ("Bump the victoria-metrics operator and VMCluster version", "observability"),
    ("Better alerting and dashboards for on-call", "observability"),
    ("Adopt Datadog for monitoring", "observability"),
    # security
    ("Add Trivy image scanning to every cluster", "security"),
    ("Deploy Falco for runtime security", "security"),
    ("Scan our clusters for CVEs", "security"),
    ("Harden the clusters with kube-bench checks", "security"),
    ("Automate TLS certificates with cert-manager", "security"),
    ("Our certificates keep expiring; automate renewal", "security"),
    ("Introduce Kyverno admission policies for vulnerability scanning", "security"),
    # developer experience
    ("Give developers a self-service golden path for new services", "developer-experience"),
    ("Improve developer experience with service templates", "developer-experience"),
    ("Developer portal with Backstage templates", "developer-experience"),
    ("Self service onboarding for application teams", "developer-experience"),
    # tool upgrades
    ("Upgrade EKS to 1.30", "tool-upgrade"),
    ("kubernetes upgrade of all clusters", "tool-upgrade"),
    ("Roll new AMIs to all nodes", "tool-upgrade"),
    ("Move the nodes to Bottlerocket", "tool-upgrade"),
    ("Upgrade Flux to the latest version", "tool-upgrade"),
    ("upgrade kyverno", "tool-upgrade"),
    # new tools
    ("Introduce a service mesh with Linkerd", "new-tool-integration"),
    ("Adopt KEDA for event-driven autoscaling", "new-tool-integration"),
    ("Add Argo Rollouts to the platform", "new-tool-integration"),
]


@pytest.mark.parametrize(("text", "category", "pattern"), SEED_TRIGGERS)
def test_seed_triggers(kb: KnowledgeBase, text: str, category: str, pattern: str) -> None:
    match = match_text(text, kb.knowledge)
    assert match.chosen is not None
    assert (match.chosen.category, match.chosen.id) == (category, pattern)


@pytest.mark.parametrize(("text", "category"), PARAPHRASES)
def test_paraphrases(kb: KnowledgeBase, text: str, category: str) -> None:
    match = match_text(text, kb.knowledge)
    assert match.chosen is not None, text
    assert match.chosen.category == category, (text, match.chosen, match.candidates)


def test_there_are_enough_paraphrases() -> None:
    assert len(PARAPHRASES) >= 40


def test_matching_ignores_case_punctuation_and_plurals(kb: KnowledgeBase) -> None:
    a = concepts("ROTATE the RDS passwords!!!", kb.knowledge)
    b = concepts("rotate, the rds password", kb.knowledge)
    assert a == b and {"rotation", "database", "credential"} <= a


def test_choice_is_deterministic_and_lists_runners_up(kb: KnowledgeBase) -> None:
    match = match_text("Upgrade Karpenter", kb.knowledge)
    assert match.chosen is not None and match.chosen.id == "karpenter-upgrade"
    assert [c.id for c in match.runners_up][:1] == ["tool-upgrade"]
    assert match_text("Upgrade Karpenter", kb.knowledge) == match


def test_category_level_when_no_pattern(kb: KnowledgeBase) -> None:
    match = match_text("Tighten how we hand out API tokens", kb.knowledge)
    assert match.chosen is not None and (match.chosen.kind, match.chosen.id) == (
        "category",
        "secret-management",
    )
    text, _ = spec_text("Tighten how we hand out API tokens", kb.knowledge)
    spec = parse_spec(text, kb.knowledge, "request").spec
    assert spec.enhancement.category == "secret-management" and spec.enhancement.pattern == ""
    assert spec.planning_agents and spec.implementation_phases


def test_nothing_matches(kb: KnowledgeBase) -> None:
    with pytest.raises(NoMatch) as err:
        spec_text("make everything awesome", kb.knowledge)
    assert "Closest patterns:" in str(err.value) and "Categories: secret-management" in str(
        err.value
    )


def test_new_writes_an_editable_spec(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "spec.yaml"
    result = run_cli(
        "new",
        "I want to add RDS rotation to my secret management system",
        "--repo",
        f"infra-tf={tmp_path}",
        "-o",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=")  # the editor validates it
    assert text.splitlines()[1].startswith(
        "# Generated by `infraplan new` from: I want to add RDS rotation"
    )
    assert (
        "pattern: rds-rotation" in text and "- secret-guardian: Design rotation workflows" in text
    )
    checked = run_cli("plan", str(target), "--format", "json")
    assert checked.returncode == 0, checked.stderr


def test_plan_from_text_and_exit_2_on_nonsense() -> None:
    result = run_cli(
        "plan", "Need to enhance security with additional scanning tools", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert '"category": "security"' in result.stdout
    nonsense = run_cli("plan", "make everything awesome")
    assert (
        nonsense.returncode == 2
        and "Closest patterns" in nonsense.stderr
        and "Traceback" not in nonsense.stderr
    )
    missing = run_cli("plan", "enhancements/missing.yaml")
    assert missing.returncode == 2 and "no such spec file" in missing.stderr
