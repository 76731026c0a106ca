"""Plans grounded in the estate they were given, on small fixture estates in the shapes of what
went wrong on estates nobody had seen (tests/fixtures/grounding): stage texts that name only
the estate's environments and delivery tools, work already in place, upgrades rolled out hop
by hop with migrations first, a file other clusters reconcile, enforcing admission policies, and
provider constraints that exclude the target."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "grounding"


@cache
def _plan(repo: str, request: str) -> dict[str, Any]:
    return _plan_over((str(FIXTURES / repo),), request)


def _plan_over(repos_given: tuple[str, ...], request: str) -> dict[str, Any]:
    from engine.commands.common import read_request
    from engine.decide.base import load_knowledge_base
    from engine.estate.discover import parse_repo_args
    from engine.estate.scan import ScanOptions, scan_estate
    from engine.plan.build import build_plan
    from engine.render import PLAN_RENDERERS
    from engine.spec.load import parse_spec

    kb = load_knowledge_base()
    repos = parse_repo_args(list(repos_given))
    estate = scan_estate(repos, kb.knowledge, ScanOptions(cache_dir=None))
    if request.startswith("enhancement:"):
        loaded = parse_spec(request, kb.knowledge, "spec.yaml")
    else:
        loaded = read_request(request, kb.knowledge, [r.name for r in repos])
    return json.loads(PLAN_RENDERERS["json"](build_plan(loaded, kb, estate)))


def _stage_texts(plan: dict[str, Any]) -> str:
    """Everything the six stages say, and the pattern texts the plan keeps."""
    parts = []
    for stage in plan["stages"]:
        parts += stage["specific"] + [t for g in stage["groups"] for t in g["tasks"]]
    parts += plan["risks"] + plan["tests"] + plan["acceptance_criteria"]
    return "\n".join(parts)


def _names(text: str, word: str) -> bool:
    return (
        re.search(r"(?<![\w-])" + re.escape(word.lower()) + r"(?![\w-])", text.lower()) is not None
    )


def _findings(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["rule"]: f for f in plan["findings"]}


ESO = "Upgrade External Secrets Operator to 0.17"
STAGING_ONLY = """enhancement:
  name: external-secrets-0-17-staging
  category: tool-upgrade
  scope: cluster-wide
  summary: Upgrade External Secrets Operator to 0.17 in staging
  target_version: "0.17"
  environments: [staging]
rollback: Pin the previous chart version
"""


def test_stage_texts_of_a_flux_estate_name_flux_and_its_stages_only() -> None:
    plan = _plan("shared-flux/fleet", ESO)
    text = _stage_texts(plan)
    assert _names(text, "Flux")
    for word in ("Terraform", "Argo CD", "kubectl", "dev", "production"):
        assert not _names(text, word), word
    # infrastructure/controllers, read by both clusters, is one merge: one stage for both
    assert "staging + prod" in text
    steps = " ".join(s["action"] + s["validation"] for s in plan["rollout_steps"])
    assert not _names(steps, "terraform") and not _names(steps, "argocd")


def test_stage_texts_of_a_terraform_estate_name_terraform_and_its_stages_only() -> None:
    plan = _plan("tf-only/terraform", "Upgrade the AWS provider to 5.80")
    text = _stage_texts(plan)
    assert _names(text, "Terraform")
    for word in ("Flux", "Kustomizations", "HelmRelease", "Helm chart", "Argo CD", "staging"):
        assert not _names(text, word), word
    # a provider bump is not enabled per team or namespace, and no flag is declared
    assert "per team or namespace" not in text
    assert not [s for s in plan["rollout_steps"] if s["layer"] == "feature-flag"]


def test_stage_texts_without_environments_or_anything_to_roll_out() -> None:
    plan = _plan("plain/manifests", "Upgrade Kyverno to 1.12")
    assert plan["decisions"]["in_place"]["value"] == ["no-subject"]
    text = _stage_texts(plan)
    for word in ("Flux", "Terraform", "Argo CD", "dev", "staging", "production", "prod"):
        assert not _names(text, word), word
    assert "feature flag" not in text.lower()


def test_a_database_whose_password_rds_manages_already_rotates() -> None:
    plan = _plan("tf-only/terraform", "Add automatic rotation of the ledger RDS master password")
    assert "rotation" in plan["decisions"]["in_place"]["value"]
    assert {
        "subject": "aws_db_instance.this",
        "attribute": "master_password",
        "value": "manage_master_user_password = true",
    }.items() <= next(
        e for e in plan["current_state"] if e["attribute"] == "master_password"
    ).items()
    assert "current.native-rotation" in _findings(plan)
    deploying = [s for s in plan["rollout_steps"] if s["targets"]]
    assert deploying and all(s["done"] for s in deploying)
    assert not [s for s in plan["rollout_steps"] if s["layer"] == "feature-flag"]
    assert [p for p in plan["implementation_phases"] if "Lambda" in p["task"] and p["done"]]


def test_the_rollout_goes_hop_by_hop_with_migrations_before_the_last_hop() -> None:
    plan = _plan("shared-flux/fleet", ESO)
    path = next(u for u in plan["upgrades"] if u["tool"] == "external-secrets")
    assert path["hops"] == ["0.9.20 → 0.16", "0.16 → 0.17"]
    for stage in ("staging + prod",):
        steps = [s for s in plan["rollout_steps"] if s["stage"] == stage and s["targets"]]
        kinds = [
            "hop 0.16"
            if s["hop"] == "0.9.20 → 0.16"
            else "hop 0.17"
            if s["hop"] == "0.16 → 0.17"
            else "migrate"
            if any("externalsecret" in t for t in s["targets"])
            else "other"
            for s in steps
        ]
        assert kinds.index("hop 0.16") < kinds.index("migrate") < kinds.index("hop 0.17"), kinds
        last = steps[kinds.index("hop 0.17")]
        assert last["point_of_no_return"], last


def test_a_file_both_clusters_reconcile_is_one_merge_in_the_rollout_too() -> None:
    # infrastructure/controllers/external-secrets.yaml is read by both clusters: each hop is one
    # merge that reaches staging and production at once, not a staging merge and a prod merge
    plan = _plan("shared-flux/fleet", ESO)
    assert "current.shared-one-merge" in _findings(plan)
    steps = [s for s in plan["rollout_steps"] if s["targets"]]
    assert {s["stage"] for s in steps} == {"staging + prod"}
    release = "fleet/infrastructure/controllers/external-secrets.yaml:10"
    merges = [s for s in steps if release in s["targets"]]
    assert [s["hop"] for s in merges] == ["0.9.20 → 0.16", "0.16 → 0.17"]
    for step in merges:
        assert step["environments"] == ["staging", "prod"]
        assert step["clusters"] == ["staging", "production"]
        assert "Flux reconciles in staging and prod (staging, production)" in step["action"]
    assert plan["enhancement"]["environments"] == ["staging", "prod"]


def test_a_file_both_clusters_reconcile_is_a_warning_for_a_staging_only_change() -> None:
    plan = _plan("shared-flux/fleet", STAGING_ONLY)
    assert {s["stage"] for s in plan["rollout_steps"] if s["targets"]} == {"staging"}
    found = _findings(plan)["current.shared-beyond-request"]
    assert found["severity"] == "warning"
    assert "fleet/infrastructure/controllers/external-secrets.yaml" in found["message"]
    assert "production" in found["message"] and "overlay" in found["message"]


def test_stages_through_one_shared_file_are_one_merge() -> None:
    plan = _plan("shared-flux/fleet", ESO)
    found = _findings(plan)["current.shared-one-merge"]
    assert "infrastructure/controllers/external-secrets.yaml" in found["message"]


def test_an_enforcing_policy_on_what_the_upgrade_deploys_is_a_finding() -> None:
    plan = _plan("shared-flux/fleet", ESO)
    found = _findings(plan)["current.blocking-policy"]
    assert found["severity"] == "warning"
    assert any("infrastructure/configs/require-team-label.yaml:" in e for e in found["evidence"]), (
        found["evidence"]
    )


def test_a_policy_that_excludes_where_the_upgrade_deploys_is_no_finding() -> None:
    # require-team-label excludes flux-system, where the Flux controllers run
    plan = _plan("shared-flux/fleet", "Upgrade Flux to 2.4")
    assert plan["subjects"][0]["present"]
    assert "current.blocking-policy" not in _findings(plan)
    probe = next(p for p in plan["probes"] if p["name"] == "workload-policies")
    assert probe["count"] == 0


def test_an_upgrade_of_what_the_estate_does_not_run_deploys_nothing_a_policy_rejects() -> None:
    plan = _plan("shared-flux/fleet", "Upgrade ingress-nginx to 1.11")
    assert "current.subject-absent" in _findings(plan)
    assert "current.blocking-policy" not in _findings(plan)


def test_each_environment_hops_from_its_own_version() -> None:
    # the roots pass 1.1.0 (dev), 1.0.6 (staging) and 0.37.5 (prod) to one module
    plan = _plan("per-root-versions/terraform", "Upgrade Karpenter to 1.1")
    steps = [s for s in plan["rollout_steps"] if s["targets"]]
    by_stage = {
        stage: [s["hop"] for s in steps if s["stage"] == stage and not s["done"]]
        for stage in ("dev", "staging", "prod")
    }
    assert by_stage == {
        "dev": [],
        "staging": ["1.0.6 → 1.1"],
        "prod": ["0.37.5 → 1.0", "1.0 → 1.1"],
    }
    (dev,) = [s for s in steps if s["stage"] == "dev"]
    assert "1.1.0" in dev["done"] and "1.1" in dev["done"]
    staging = next(s for s in steps if s["stage"] == "staging")
    assert "0.37.5" not in staging["action"], staging["action"]
    (path,) = plan["upgrades"]
    assert {i["where"]: i["hops"] for i in path["installed"]} == {
        "dev": [],
        "staging": ["1.0.6 → 1.1"],
        "prod": ["0.37.5 → 1.0", "1.0 → 1.1"],
    }


EKS_1_30 = """enhancement:
  name: eks-1-30
  category: tool-upgrade
  scope: single-environment
  summary: Upgrade the Kubernetes control plane and node groups to 1.30
  target_version: "1.30"
  environments: [{envs}]
rollback: Control planes cannot be downgraded; fix forward or rebuild the cluster.
"""


@cache
def _example(request: str) -> dict[str, Any]:
    """A plan against the example estate (its three workload clusters and their node pools)."""
    estate = ROOT / "examples" / "estate"
    repos = tuple(str(estate / name) for name in ("infra-tf", "infra-flux", "deployments"))
    return _plan_over(repos, request)


def test_a_staging_only_plan_names_no_production_object() -> None:
    plan = _example(EKS_1_30.format(envs="staging"))
    assert "estate.prod-node-pools" not in _findings(plan)
    performance = plan["decisions"]["testing"]["trace"]
    assert not any(t["rule"] == "estate.prod-node-pools" for t in performance)
    # the current state and the upgrade path speak of staging's clusters only
    for entry in plan["current_state"]:
        assert "prod" not in entry["subject"] and "envs/prod" not in entry["at"], entry
    node_pools = next(f for f in plan["facts"] if f["id"] == "probe:node-pools:prod")
    assert node_pools["fields"]["count"] == 0 and node_pools["evidence"] == []
    # the same change reaching production does name them
    both = _example(EKS_1_30.format(envs="staging, prod"))
    assert "estate.prod-node-pools" in _findings(both)


AURORA = "Upgrade the orders Aurora PostgreSQL cluster from 13 to 15"


def test_a_postgres_major_upgrade_names_its_hop_inputs_and_checks() -> None:
    # staging and prod pass 13.14 and 13.12 to one module whose parameter groups are family
    # aurora-postgresql13 and whose cluster leaves allow_major_version_upgrade at false; the
    # estate also runs a MySQL database, which this upgrade does not touch
    plan = _plan("aurora-pg/terraform", AURORA)
    (path,) = plan["upgrades"]
    assert path["tool"] == "postgresql" and path["target"] == "15"
    assert {i["where"]: i["hops"] for i in path["installed"]} == {
        "staging": ["13.14 → 15"],
        "prod": ["13.12 → 15"],
    }
    assert [n["version"] for n in path["notes"]] == ["14", "15"]
    module = "terraform/modules/orders-db/main.tf"
    assert {(c["at"], c["input"], c["needs"]) for c in path["changes"]} == {
        (f"{module}:9", "family", "aurora-postgresql15"),
        (f"{module}:19", "family", "aurora-postgresql15"),
        (f"{module}:24", "allow_major_version_upgrade", "true"),
    }
    found = _findings(plan)["current.major-upgrade-inputs"]
    assert found["severity"] == "warning" and "aurora-postgresql13" in found["message"]
    steps = plan["rollout_steps"]
    for stage, hop in (("staging", "13.14 → 15"), ("prod", "13.12 → 15")):
        here = [s for s in steps if s["stage"] == stage]
        check = next(i for i, s in enumerate(here) if s["action"].startswith("Before the hop"))
        apply = next(i for i, s in enumerate(here) if s["hop"] == hop)
        assert check < apply
        before = here[check]["action"]
        assert hop in before and "snapshot" in before and "PostGIS" in before
        assert f"--engine aurora-postgresql --engine-version {hop.split(' ')[0]}" in before
        assert "allow_major_version_upgrade = true" in here[apply]["action"]
        assert 'family = "aurora-postgresql15"' in here[apply]["action"]
        assert here[apply]["point_of_no_return"]
    # the MySQL database is no target and none of its inputs changes
    targets = {t for s in steps for t in s["targets"]}
    assert not any("reports-db" in t for t in targets), targets
    assert not any("reports-db" in c["at"] for c in path["changes"])


def test_a_dev_only_postgres_upgrade_allows_the_major_version_of_its_database() -> None:
    spec = """enhancement:
  name: ledger-postgres-16-dev
  category: databases
  scope: single-environment
  summary: Upgrade the ledger PostgreSQL database from 15 to 16 in dev
  target_version: "16"
  environments: [dev]
rollback: Restore the snapshot taken before the upgrade
"""
    plan = _plan("tf-only/terraform", spec)
    (path,) = plan["upgrades"]
    assert path["hops"] == ["15.7 → 16"]
    (change,) = path["changes"]
    assert change["input"] == "allow_major_version_upgrade" and change["value"] == "not set (false)"
    steps = [s for s in plan["rollout_steps"] if s["targets"]]
    assert {s["stage"] for s in steps} == {"dev"}
    assert any(s["hop"] == "15.7 → 16" for s in steps)


def test_a_provider_constraint_that_excludes_the_target_is_a_step() -> None:
    plan = _plan("tf-only/terraform", "Upgrade the AWS provider to 5.80")
    path = next(u for u in plan["upgrades"] if u["tool"] == "terraform-provider")
    assert len(path["excluded_by"]) == 2
    assert "current.constraint-excludes-target" in _findings(plan)
    steps = [s for s in plan["rollout_steps"] if s["targets"]]
    assert {s["stage"] for s in steps} == {"dev", "prod"}
    for step in steps:
        assert "terraform init -upgrade" in step["action"], step["action"]
        assert "Edit the version constraint" in step["action"]


def test_a_module_other_roots_call_is_a_warning_for_a_dev_only_change() -> None:
    spec = """enhancement:
  name: ledger-postgres-16-dev
  category: databases
  scope: single-service
  summary: Upgrade the ledger database from Postgres 15 to 16
  target_version: "16"
  environments: [dev]
rollback: Restore the snapshot taken before the upgrade
"""
    plan = _plan("tf-only/terraform", spec)
    found = _findings(plan).get("current.shared-module-beyond-request")
    assert found is not None, sorted(_findings(plan))
    assert "modules/db/main.tf" in found["message"] and "prod" in found["message"]


def test_a_metric_is_measured_only_with_the_tools_the_estate_has() -> None:
    # Terraform only: no Flux or kubectl command to measure with
    hows = [
        m["how"]
        for m in _plan("tf-only/terraform", "Upgrade the AWS provider to 5.80")["success_metrics"]
    ]
    assert hows and not any(re.search(r"\b(flux|kubectl)\b", h) for h in hows), hows
    # a Flux estate: kubectl reads the clusters Flux delivers to, so its commands stay
    flux = _plan("shared-flux/fleet", ESO)["success_metrics"]
    assert any(re.search(r"\b(flux|kubectl)\b", m["how"]) for m in flux), flux


def test_another_tools_removed_api_does_not_rate_an_upgrade_of_a_tool_not_known() -> None:
    """Upgrading a tool the knowledge base has no notes for (Vault) is not rated by the removed
    APIs of another tool (an External Secrets PushSecret on v1alpha1): the generic upgrade
    applies no other tool's notes. Upgrading External Secrets itself still finds the object."""
    vault = _plan("old-api/manifests", "Upgrade Vault from 1.14 to 1.16 on the Raft cluster")
    assert "estate.removed-apis" not in _findings(vault)
    assert "estate.removed-apis" not in {t["rule"] for t in vault["decisions"]["risk"]["trace"]}
    assert vault["upgrade_findings"] == []
    eso = _plan("old-api/manifests", "Upgrade External Secrets from 0.9.20 to 0.10.0")
    assert "estate.removed-apis" in _findings(eso)
    assert [f["tool"] for f in eso["upgrade_findings"]] == ["external-secrets"]
