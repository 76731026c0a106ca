"""Faults found by held-out set 8, each checked on sentences of our own: what a CNI change is,
a risk the owners state, retention cuts, deletions after a snapshot, compute taken away, state
moves, subjectless actions, action labels and adverbs inside a reason."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.intake import read, spec_from_request, stated_risk


def _decisions(text: str, kb: KnowledgeBase) -> tuple[object, ...]:
    plan = build_plan(spec_from_request(text, kb.knowledge, []), kb, None)
    names = ("risk", "implementation_strategy", "deployment_strategy")
    return tuple(plan.decisions[d].value for d in names)


def test_upgrading_the_cni_is_not_replacing_it(kb: KnowledgeBase) -> None:
    upgrade = _decisions("Upgrade Calico from 3.26 to 3.27 on the prod clusters", kb)
    shorthand = _decisions("Calico 3.26 -> 3.27 on the prod clusters", kb)
    replaced = _decisions("Replace Calico with Cilium on the prod clusters", kb)
    assert upgrade == shorthand and upgrade[0] in ("medium", "high")
    assert replaced[0] in ("high", "critical") and replaced != upgrade
    assert _decisions("prod AKS: kubenet -> Azure CNI Overlay", kb)[0] == replaced[0]


def test_a_policy_enforced_by_the_cni_is_a_network_policy(kb: KnowledgeBase) -> None:
    risk = _decisions("Add a Calico default-deny policy to the orders namespace in prod", kb)[0]
    assert risk in ("medium", "high")


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Upgrade Traefik to 3.0; the owners rate this change high risk", "high"),
        ("a critical-risk change: rotate the root CA", "critical"),
        ("Bump the alert threshold, a low risk tweak", ""),
        ("Upgrade the exporter, it is not high risk", ""),
    ],
)
def test_a_risk_the_owners_state_is_a_floor_only_upward(
    kb: KnowledgeBase, text: str, level: str
) -> None:
    assert stated_risk(text, kb.knowledge) == level


def test_a_stated_high_risk_raises_the_plan(kb: KnowledgeBase) -> None:
    plain = _decisions("Upgrade Traefik from 3.0 to 3.1 in prod", kb)
    stated = _decisions("Upgrade Traefik from 3.0 to 3.1 in prod; the team rates it high risk", kb)
    assert plain[0] != "high" and stated[0] == "high"


def test_cutting_retention_deletes_data(kb: KnowledgeBase) -> None:
    cut = _decisions("Cut Loki log retention from 60 days to 14 days in prod", kb)
    ilm = _decisions("Add an ILM policy that deletes the audit indices after 14 days in prod", kb)
    longer = _decisions("Increase Loki log retention from 14 days to 60 days in prod", kb)
    assert cut[0] == ilm[0] == "medium" and longer[0] == "low"


def test_a_deletion_after_a_final_snapshot_is_not_one_way(kb: KnowledgeBase) -> None:
    kept = _decisions("Snapshot and then delete the unattached EBS volumes in prod", kb)
    gone = _decisions("Delete the unattached EBS volumes in prod", kb)
    assert kept[0] == "medium" and gone[0] == "high"


def test_taking_a_cluster_away_is_medium_in_prod_and_low_elsewhere(kb: KnowledgeBase) -> None:
    assert _decisions("Decommission the old prod-eu GKE cluster", kb)[0] == "medium"
    assert _decisions("Decommission the old dev GKE cluster", kb)[0] == "low"


def test_moving_terraform_state_is_medium_in_every_shape(kb: KnowledgeBase) -> None:
    shapes = [
        "Move the Terraform state of the dns stack from local files to an S3 backend",
        "dns stack tfstate: local -> S3 backend",
        "get the dns stack terraform state out of local files and into an S3 backend",
    ]
    assert {_decisions(s, kb) for s in shapes} == {("medium", "staged", "phased")}


def test_an_action_without_a_subject_is_done_to_what_was_named(kb: KnowledgeBase) -> None:
    reading = read(
        "The old GKE cluster in europe-west1, which only ran the batch jobs, should be deleted",
        kb.knowledge,
    )
    assert any({"decommission", "cluster"} <= clause for clause in reading.clauses)
    assert "decommission" in read("[DECOM] old europe-west1 GKE cluster", kb.knowledge).concepts
    assert "decommission" not in read("[INFRA] old europe-west1 GKE cluster", kb.knowledge).concepts


@pytest.mark.parametrize(
    "text",
    [
        "Put PgBouncer in front of the prod inventory Postgres",
        "Turn on logical replication on the prod inventory Postgres for Debezium",
        "Convert the standalone MongoDB of the catalog service into a replica set",
    ],
)
def test_changes_in_front_of_or_inside_a_database_put_its_data_at_stake(
    kb: KnowledgeBase, text: str
) -> None:
    assert _decisions(text, kb)[0] == "medium"


def test_gitops_that_prunes_on_its_own_takes_infrastructure_away(kb: KnowledgeBase) -> None:
    assert _decisions("Enable automated sync with pruning for the prod Argo CD apps", kb)[0] == (
        "medium"
    )


def test_a_cloud_policy_that_denies_is_an_admission_change(kb: KnowledgeBase) -> None:
    denies = _decisions(
        "Assign an Azure Policy that denies public IPs in the prod subscriptions", kb
    )
    reports = _decisions("Deploy an AWS Config conformance pack to every account", kb)
    assert denies[0] == "medium" and reports[0] == "low"


def test_a_tools_own_control_plane_is_not_the_clusters(kb: KnowledgeBase) -> None:
    text = "Upgrade Istio's revisioned control plane from 1.21 to 1.23 in prod"
    assert _decisions(text, kb)[0] != "critical"
    # a mesh upgrade (high since set 11: every meshed workload restarts onto the new proxy) is
    # not the Kubernetes control plane upgrade, which cannot be rolled back
    mesh = build_plan(spec_from_request(text, kb.knowledge, []), kb, None)
    assert mesh.pattern is None or mesh.pattern.id != "kubernetes-version-upgrade"
    assert "one-way" not in {t.trait for t in mesh.change_model}


def test_two_names_of_one_store_side_by_side_are_one_store(kb: KnowledgeBase) -> None:
    assert (
        "database*2"
        not in read("Turn on TLS for the ElastiCache Redis cache", kb.knowledge).concepts
    )
    assert (
        "database*2"
        in read("Move the sessions from Redis on EC2 to ElastiCache", kb.knowledge).concepts
    )


def test_a_rollback_that_says_there_is_no_way_back_is_one_way(kb: KnowledgeBase) -> None:
    from engine.spec.load import parse_spec

    spec = """\
enhancement:
  name: auth-mode
  category: identity-and-access
  scope: multi-environment
  summary: Move cluster access from the aws-auth ConfigMap to EKS access entries
  environments: [prod]
rollback: {rollback}
"""
    plans = [
        build_plan(parse_spec(spec.format(rollback=r), kb.knowledge, "s.yaml"), kb, None)
        for r in (
            "Re-add the mappings; the authentication mode cannot go back.",
            "Re-add the mappings.",
        )
    ]
    assert [p.decisions["risk"].value for p in plans] == ["high", "medium"]


def test_stage_env_is_staging_where_a_bare_stage_is_not(kb: KnowledgeBase) -> None:
    assert read("external-dns for the stage env cluster", kb.knowledge).environments == ("staging",)
    assert read("add a new stage to the pipeline", kb.knowledge).environments == ()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Scan the orders table for orphaned rows and add an index", "databases"),
        ("Scan the S3 buckets for ones missing the owner tag and tag them", "cost-optimization"),
        ("Scan our container images for vulnerabilities with Trivy", "security"),
        ("Scan the Terraform code for misconfigurations with Checkov", "security"),
    ],
)
def test_a_scan_is_what_it_scans_for(kb: KnowledgeBase, text: str, category: str) -> None:
    from engine.spec.intake import match_text

    chosen = match_text(text, kb.knowledge).chosen
    assert chosen is not None and chosen.category == category
