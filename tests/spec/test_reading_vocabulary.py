"""Reading faults found by held-out set 5, each checked on sentences of our own: abbreviations
and tools named without a verb, and the same request in two shapes planning alike."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.intake import match_text, read, spec_from_request


def _plan(text: str, kb: KnowledgeBase) -> dict[str, object]:
    plan = build_plan(spec_from_request(text, kb.knowledge, []), kb, None)
    return {d: plan.decisions[d].value for d in ("category", "risk", "implementation_strategy")}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("DD agent with APM on the billing API in staging", "observability"),
        ("APM for the search service", "observability"),
        ("mysqldump of the CMS database to a bucket every night", "backup-and-recovery"),
        ("mirrord for devs debugging against the shared dev cluster", "developer-experience"),
        ("Terraform 1.5 → 1.9 in every stack", "tool-upgrade"),
        ("Add a new namespace for the data team with quotas", "developer-experience"),
        ("Set resource quotas on every team namespace", "developer-experience"),
        ("Add a GPU node group to the ML cluster", "reliability"),
    ],
)
def test_short_forms_and_bare_tool_names_are_read(
    kb: KnowledgeBase, text: str, category: str
) -> None:
    match = match_text(text, kb.knowledge)
    assert match.chosen is not None and match.chosen.category == category, match.candidates


def test_apm_changes_the_application(kb: KnowledgeBase) -> None:
    plan = build_plan(spec_from_request("APM for the search service", kb.knowledge, []), kb, None)
    assert "application-integration" in plan.decisions["design"].value


def test_ca_is_the_cluster_autoscaler_only_beside_karpenter(kb: KnowledgeBase) -> None:
    assert "node-autoscaler" in read("Retire CA now that Karpenter runs", kb.knowledge).concepts
    assert "node-autoscaler" not in read("Rotate the internal CA", kb.knowledge).concepts


def test_a_database_port_is_not_a_port_of_the_database(kb: KnowledgeBase) -> None:
    concepts = read("Close the world-open MySQL port on the prod RDS", kb.knowledge).concepts
    assert "firewall" in concepts and "migration" not in concepts


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Replace cluster-autoscaler with Karpenter on the prod clusters",
            "Swap CA for Karpenter on the prod clusters",
        ),
        (
            "Upgrade PostgreSQL 14 to 16 for the prod billing DB",
            "PG 14 → 16 for the prod billing DB",
        ),
    ],
)
def test_short_forms_plan_like_the_long_ones(kb: KnowledgeBase, a: str, b: str) -> None:
    assert _plan(a, kb) == _plan(b, kb)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Grant the finance team read access to the prod cost reports bucket",
            "identity-and-access",
        ),
        ("Limit who can run Kasten restores to the platform team", "identity-and-access"),
        ("Stop paying for the unused dev OpenSearch domain by shutting it down", "decommissioning"),
    ],
)
def test_what_the_request_is_about_wins_over_what_it_names(
    kb: KnowledgeBase, text: str, category: str
) -> None:
    match = match_text(text, kb.knowledge)
    assert match.chosen is not None and match.chosen.category == category, match.candidates


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (  # reasons first: the version after the name is the target
            "Upgrade the prod billing DB from MySQL 5.7 to 8.0",
            "Since MySQL 5.7 is EOL, the prod billing DB needs to go to MySQL 8",
        ),
        (  # what is already done is context
            "Delete the old prod Elasticsearch domain now that the move to OpenSearch finished",
            "Delete the old prod Elasticsearch domain; the OpenSearch migration is complete",
        ),
        (  # the subject in one clause, the encryption in the next
            "Encrypt the unencrypted prod Aurora cluster at rest",
            "the prod Aurora cluster was created without encryption -- turn on encryption at rest",
        ),
        (  # a test restore into an isolated account is a drill
            "Restore drill of the billing DB snapshot into a sandbox account",
            "A restore of the billing DB snapshot into a sandbox account should be rehearsed",
        ),
        (  # a policy named after its verb does not enforce
            "Kyverno policy for missing probes in Audit mode on all clusters",
            "Kyverno require-probes policy in Audit mode on all clusters",
        ),
        (
            "Switch the Gatekeeper required-labels constraint from dryrun to deny in prod",
            "The required-labels constraint in prod should stop being dry-run and start denying",
        ),
        (
            "Trivy scanning in GitHub Actions, report-only",
            "Trivy scanning in GH Actions, report-only",
        ),
        (
            "Move the prod search service to IRSA",
            "Move prod search off the node instance role onto IRSA",
        ),
    ],
)
def test_two_shapes_of_one_request_plan_alike(kb: KnowledgeBase, a: str, b: str) -> None:
    assert _plan(a, kb) == _plan(b, kb)


def test_a_drill_is_low_and_a_real_restore_is_not(kb: KnowledgeBase) -> None:
    drill = _plan("Test-restore the prod billing DB snapshot into a separate account", kb)
    real = _plan("Restore the prod billing DB from last night's snapshot", kb)
    assert drill["risk"] == "low" and real["risk"] in ("high", "critical")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Postgres 13 to 15 for the billing database",
            "Upgrade the billing Postgres from 13 to 15",
        ),
        ("Aurora MySQL 2 to 3 for the CMS", "Upgrade the CMS Aurora MySQL cluster from v2 to v3"),
        ("Redis 6 to 7 for the cart cache", "Upgrade the cart Redis from 6 to 7"),
    ],
)
def test_a_product_and_two_whole_numbers_are_a_version_change(
    kb: KnowledgeBase, a: str, b: str
) -> None:
    """ "Postgres 13 to 15" says what "upgrade Postgres from 13 to 15" says (intake.yaml
    versioned_products); the major engine upgrade is rated alike."""
    assert read(a, kb.knowledge).versions == read(b, kb.knowledge).versions
    assert _plan(a, kb) == _plan(b, kb)


@pytest.mark.parametrize(
    "text",
    [
        "Scale the cart Redis 2 to 3 nodes",
        "Raise the Kafka retention 7 to 14 days",
        "Move the billing service 2 to 3 replicas",
    ],
)
def test_whole_numbers_of_a_quantity_are_no_version(kb: KnowledgeBase, text: str) -> None:
    assert read(text, kb.knowledge).versions == ()


@pytest.mark.parametrize(
    ("terse", "spelled_out", "concept"),
    [
        # an arrow from one thing to another of its kind is a move
        (
            "Sessions: self-hosted Redis -> ElastiCache",
            "Move the sessions from self-hosted Redis to ElastiCache",
            "migration",
        ),
        (
            "api.acme.io DNS: Route 53 → Cloudflare",
            "Move the api.acme.io DNS from Route 53 to Cloudflare",
            "migration",
        ),
        (
            "ingress-nginx => Gateway API for the public apps",
            "Migrate the public apps from ingress-nginx to Gateway API",
            "migration",
        ),
        (
            "Secrets: Vault --> AWS Secrets Manager",
            "Move the secrets from Vault to AWS Secrets Manager",
            "migration",
        ),
        # a title opening with "new" asks for an addition (intake.yaml addition_openings)
        (
            "New private DNS entry in Route 53: reports.internal.acme.io -> the internal NLB",
            "Add a private DNS record in Route 53 for reports.internal.acme.io pointing to the "
            "internal NLB",
            "add",
        ),
        (
            "New Grafana dashboard for checkout latency",
            "Add a Grafana dashboard for checkout latency",
            "add",
        ),
        (
            "Another PodDisruptionBudget for the cart service",
            "Add a PodDisruptionBudget for the cart service",
            "add",
        ),
    ],
)
def test_ticket_title_shapes_plan_as_the_sentence_they_stand_for(
    kb: KnowledgeBase, terse: str, spelled_out: str, concept: str
) -> None:
    """Ticket titles leave the verb out; they are planned as the request spelled out."""
    assert concept in read(terse, kb.knowledge).concepts
    assert _plan(terse, kb) == _plan(spelled_out, kb)


@pytest.mark.parametrize(
    "text",
    [
        "Promote the new ingress class dev -> staging -> prod",
        "New private DNS entry: reports.internal.acme.io -> the reporting service's internal NLB",
        "Terraform 1.5 -> 1.9 in every stack",
    ],
)
def test_an_arrow_between_environments_names_or_versions_is_no_move(
    kb: KnowledgeBase, text: str
) -> None:
    """A promotion order, a record pointing at a target, a version hop: nothing is replaced."""
    assert "migration" not in read(text, kb.knowledge).concepts


def test_new_inside_a_sentence_is_no_addition(kb: KnowledgeBase) -> None:
    assert "add" not in read("Upgrade the new cluster's Karpenter to 1.1", kb.knowledge).concepts


def test_what_is_left_alone_after_and_does_not_take_the_change_back(kb: KnowledgeBase) -> None:
    reading = read(
        "Upgrade the EKS control plane to 1.30 and leave the node groups as they are",
        kb.knowledge,
    )
    assert {"upgrade", "control-plane"} <= reading.concepts
    assert "node-pool" in reading.negated


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Create a break-glass IAM role for the prod clusters", "break"),
        ("Add more context to the checkout alerts", "context"),
    ],
)
def test_plain_words_are_never_reading_markers(kb: KnowledgeBase, text: str, word: str) -> None:
    """The words "break" or "context" in a request are words, not a clause break or a reason."""
    reading = read(text, kb.knowledge)
    assert word in reading.concepts or any(word in c for c in reading.clauses)
    assert not reading.context


def test_an_over_compound_is_no_cutover(kb: KnowledgeBase) -> None:
    reading = read("Apply the VPA recommendations to cut over-provisioning", kb.knowledge)
    assert "migration" not in reading.concepts and "rightsizing" in reading.concepts


@pytest.mark.parametrize(
    "what",
    [
        "a read replica of the prod orders database for reporting queries",
        "PodDisruptionBudgets to the orders and payments Helm charts",
        "an alert when the orders RDS database is running low on free storage",
        "a Gatekeeper constraint that reports pods without limits, dryrun only",
        "a Grafana dashboard for Kafka consumer lag",
    ],
)
def test_introducing_a_thing_is_adding_it(kb: KnowledgeBase, what: str) -> None:
    """ "Introduce a read replica" says what "add a read replica" says (intake.yaml
    introduced_objects); it brings in no new tool."""
    assert _plan(f"Introduce {what}", kb) == _plan(f"Add {what}", kb)


def test_introducing_a_tool_is_a_new_tool(kb: KnowledgeBase) -> None:
    reading = read("Introduce Linkerd for the checkout services", kb.knowledge)
    assert "new-tool" in reading.concepts and "add" not in reading.concepts


@pytest.mark.parametrize(
    "label",
    ["Platform ticket: ", "[INFRA][P2] ", "OPS-1234: ", "Ops request: ", "Jira story: "],
)
def test_a_ticket_label_is_not_part_of_the_request(kb: KnowledgeBase, label: str) -> None:
    """Where a request was filed ("Platform ticket:", "[INFRA]") says nothing about it."""
    text = "Enable Google Workspace SSO login for Grafana"
    assert _plan(label + text, kb) == _plan(text, kb)


def test_a_pull_request_is_no_ticket_label(kb: KnowledgeBase) -> None:
    assert "pull-request" in read("Pull request: add a conftest check", kb.knowledge).concepts


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Add a Cloud Armor rule in preview mode that flags requests from Tor", "security"),
        ("Add two backend servers to the HAProxy pool of the internal API", "networking"),
        ("Set throttling limits on the public API Gateway stages", "reliability"),
        ("Set up Flux image automation for the dev cluster", "ci-cd"),
        ("Enable CMEK on the GCS buckets holding customer exports", "encryption"),
        ("Add Cloud NAT for the private GKE nodes", "networking"),
        ("Run the Flyway migration that adds the shipments table", "databases"),
        ("Migrate the public site from Azure Front Door classic to Standard", "networking"),
    ],
)
def test_products_beyond_aws_and_flux_are_read(kb: KnowledgeBase, text: str, category: str) -> None:
    """GCP, Azure, on-prem and serverless names (held-out set 7 found them missing)."""
    assert _plan(text, kb)["category"] == category


def test_a_preview_mode_waf_rule_blocks_nothing(kb: KnowledgeBase) -> None:
    """A WAF rule in preview (count) mode only logs; an enforcing one can block every request."""
    preview = _plan("Add a Cloud Armor rule in preview mode for the public API", kb)
    enforced = _plan("Add a Cloud Armor rule that blocks Tor exit nodes on the public API", kb)
    assert preview["risk"] == "low" and enforced["risk"] in ("medium", "high")


def test_changing_a_clusters_service_range_is_a_new_cluster(kb: KnowledgeBase) -> None:
    """A service CIDR cannot change in place on managed Kubernetes: high, in a parallel cluster."""
    plan = _plan("Change the service CIDR of the prod EKS cluster to 172.20.0.0/16", kb)
    assert plan["risk"] == "high" and plan["category"] == "networking"
