"""The rollout planner on its own: stages, layer order, strategies, flags, rollback."""

from __future__ import annotations

import networkx as nx

from engine.decide.base import KnowledgeBase
from engine.match.upgrade_path import Hop
from engine.plan.rollout import Placed, RolloutPlan, Stage, Target, plan_rollout
from engine.plan.stages import one_merge


def _t(
    tid: str,
    layer: str,
    envs: list[str] | None = None,
    clusters: list[str] | None = None,
    repo: str = "r",
    path: str = "a/b.yaml",
) -> Target:
    return Target(
        id=tid,
        what=tid,
        repo=repo,
        path=path,
        layer=layer,
        environments=envs or [],
        clusters=clusters or [],
    )


def test_stages_follow_the_environment_order_and_skip_empty_ones(kb: KnowledgeBase) -> None:
    targets = [_t("p", "platform", ["prod"]), _t("d", "platform", ["dev"])]
    plan = plan_rollout(
        targets,
        kb.knowledge,
        environments=["dev", "staging", "prod"],
        strategy="staged",
        deployment="phased",
        feature_flag=None,
    )
    stages = [s.stage for s in plan.steps]
    assert "staging" not in stages  # nothing lands there
    assert stages.index("dev") < stages.index("prod")


def test_direct_goes_to_the_last_stage_only(kb: KnowledgeBase) -> None:
    targets = [_t("x", "platform")]
    plan = plan_rollout(
        targets,
        kb.knowledge,
        environments=["dev", "staging", "prod"],
        strategy="direct",
        deployment="phased",
        feature_flag=None,
    )
    assert {s.stage for s in plan.steps} == {"prod"}


def test_layers_in_knowledge_order_and_graph_order_within_a_layer(kb: KnowledgeBase) -> None:
    targets = [
        _t("app", "application", ["dev"]),
        _t("b", "platform", ["dev"], path="b/x.yaml"),
        _t("a", "platform", ["dev"], path="a/x.yaml"),
        _t("tf", "cloud", ["dev"], path="envs/dev/main.tf"),
    ]
    graph = nx.DiGraph([("b", "a")])  # b before a, whatever their ids say
    plan = plan_rollout(
        targets,
        kb.knowledge,
        environments=["dev"],
        strategy="staged",
        deployment="phased",
        feature_flag=None,
        graph=graph,
    )
    layers = [s.layer for s in plan.steps if s.layer not in {"strategy", "feature-flag"}]
    assert layers == ["cloud", "platform", "application"]
    platform = next(s for s in plan.steps if s.layer == "platform")
    assert platform.targets == ["b", "a"]


def test_strategy_steps_surround_each_stage_and_a_flag_replaces_gradual_enablement(
    kb: KnowledgeBase,
) -> None:
    targets = [_t("x", "platform", ["dev", "prod"])]
    canary = plan_rollout(
        targets,
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="canary",
        feature_flag=None,
    )
    dev = [s for s in canary.steps if s.stage == "dev"]
    assert dev[0].layer == "strategy" and dev[-1].layer == "strategy"
    assert all(s.validation and s.rollback and s.minutes > 0 for s in canary.steps)
    flagged = plan_rollout(
        targets,
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="phased",
        feature_flag="rotation-on",
    )
    dev = [s for s in flagged.steps if s.stage == "dev"]
    assert dev[-1].layer == "feature-flag" and "rotation-on" in dev[-1].action
    assert not any(s.layer == "strategy" for s in dev)  # the flag is the gradual enablement
    assert flagged.emergency_stop[-1] == "Turn rotation-on off everywhere"


def test_clusters_outside_environments_and_layers_not_per_environment(kb: KnowledgeBase) -> None:
    targets = [_t("m", "platform", clusters=["monitor"]), _t("w", "workflow")]
    plan = plan_rollout(
        targets,
        kb.knowledge,
        environments=["dev"],
        strategy="staged",
        deployment="phased",
        feature_flag=False,
    )
    assert [s.stage for s in plan.steps] == ["cluster:monitor", "cluster:monitor", "all"]
    assert plan.steps[-1].environment == "" and plan.steps[-1].layer == "workflow"


def test_rollback_is_the_reverse(kb: KnowledgeBase) -> None:
    targets = [_t("x", "platform", ["dev", "prod"]), _t("y", "cloud", ["dev", "prod"])]
    plan = plan_rollout(
        targets,
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="blue-green",
        feature_flag=None,
    )
    assert [s.action for s in plan.rollback] == [s.action for s in reversed(plan.steps)]
    assert [s.order for s in plan.rollback] == list(range(1, len(plan.steps) + 1))


def test_stage_names() -> None:
    assert Stage("environment", "prod").key == "prod"
    assert Stage("cluster", "monitor").key == "cluster:monitor"
    assert (Stage("all").key, Stage("all").label, Stage("all").environment) == (
        "all",
        "the estate",
        "",
    )
    assert (Stage("environment", "prod").where, Stage("cluster", "tools").where) == (
        " in prod",
        " on cluster tools",
    )


def test_stages_come_from_evidence_or_declaration(kb: KnowledgeBase) -> None:
    common = {"strategy": "staged", "deployment": "phased", "feature_flag": False}
    # nothing evidences an environment or a cluster: one stage, never dev → staging → prod
    plain = plan_rollout([_t("x", "platform")], kb.knowledge, environments=[], **common)
    assert {s.stage for s in plain.steps} == {"all"}
    # clusters with no environment: one stage each
    clustered = plan_rollout(
        [_t("a", "platform", clusters=["edge-01"]), _t("b", "platform", clusters=["edge-02"])],
        kb.knowledge,
        environments=[],
        **common,
    )
    assert [s.stage for s in clustered.steps if s.targets] == ["cluster:edge-01", "cluster:edge-02"]
    # a cluster of a known environment is inside that environment's stage, not one of its own
    inside = plan_rollout(
        [_t("a", "platform", clusters=["workload-prod"]), _t("b", "platform", ["dev"])],
        kb.knowledge,
        environments=[],
        cluster_envs={"workload-prod": "prod"},
        **common,
    )
    assert [s.stage for s in inside.steps if s.targets] == ["dev", "prod"]
    assert inside.steps[-1].clusters == ["workload-prod"] or "workload-prod" in str(inside.steps)
    # a declaration limits the rollout: prod's target is not rolled out in a dev-only change
    declared = plan_rollout(
        [_t("a", "platform", ["dev"]), _t("b", "platform", ["prod"])],
        kb.knowledge,
        environments=["dev"],
        declared=["dev"],
        **common,
    )
    assert {s.stage for s in declared.steps} == {"dev"}
    assert all("b" not in s.targets for s in declared.steps)


def test_each_step_speaks_for_its_controller(kb: KnowledgeBase) -> None:
    targets = [
        Target(
            id="app",
            what="Application x",
            repo="gitops",
            path="apps/x.yaml",
            layer="platform",
            environments=["prod"],
            controller="argocd",
        ),
        Target(
            id="tf",
            what="aws_db_instance.main",
            repo="infra",
            path="envs/prod/db.tf",
            layer="cloud",
            environments=["prod"],
            controller="terraform",
        ),
    ]
    plan = plan_rollout(
        targets,
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="phased",
        feature_flag=False,
    )
    by_controller = {s.controller: s for s in plan.steps if s.targets}
    assert "argocd app" in by_controller["argocd"].validation
    assert "argocd app rollback" in by_controller["argocd"].rollback
    assert "terraform plan" in by_controller["terraform"].validation
    assert not any("flux" in (s.validation + s.rollback).lower() for s in plan.steps)


def test_one_way_steps_are_points_of_no_return_with_an_honest_way_back(kb: KnowledgeBase) -> None:
    cluster = Target(
        id="eks",
        what="module.eks",
        repo="infra",
        path="envs/prod/main.tf",
        layer="cloud",
        environments=["prod"],
        controller="terraform",
        probes=["clusters"],
    )
    plan = plan_rollout(
        [cluster],
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="phased",
        feature_flag=False,
        traits={"one-way"},
    )
    (step,) = [s for s in plan.steps if s.targets]
    assert step.point_of_no_return.startswith("Point of no return")
    assert "cannot be downgraded" in step.point_of_no_return
    assert "apply" not in step.rollback.split(":")[0] and "build a new cluster" in step.rollback
    assert any(step.point_of_no_return in line for line in plan.rollback_summary)
    # the same change, reversible: revert and apply again
    reversible = plan_rollout(
        [cluster],
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="phased",
        feature_flag=False,
    )
    assert not [s for s in reversible.steps if s.point_of_no_return]


def test_work_in_place_is_done_and_brings_no_strategy_steps(kb: KnowledgeBase) -> None:
    plan = plan_rollout(
        [_t("x", "platform", ["prod"])],
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="canary",
        feature_flag=False,
        done={"x": "Already at the target version"},
    )
    assert [s.layer for s in plan.steps] == ["platform"]
    assert plan.steps[0].done == "Already at the target version"
    assert plan.rollback_summary == [] and all("canary" not in x for x in plan.emergency_stop)


def test_terraform_roots_in_dependency_order(kb: KnowledgeBase) -> None:
    targets = [
        Target(
            id=f"r{n}",
            what=f"required_provider.google ({d})",
            repo="f",
            path=f"{d}/main.tf",
            layer="cloud",
            controller="terraform",
        )
        for n, d in enumerate(["3-projects", "1-org", "0-bootstrap", "2-networks"])
    ]
    rank = {"0-bootstrap": 0, "1-org": 1, "2-networks": 2, "3-projects": 3}
    plan = plan_rollout(
        targets,
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="phased",
        feature_flag=False,
        apply_folders=lambda t, env: [t.path.split("/")[0]],
        root_rank=lambda repo, root: (rank[root],),
    )
    roots = [s.action.split(" in ")[1].split(":")[0] for s in plan.steps if s.targets]
    assert roots == ["f/0-bootstrap", "f/1-org", "f/2-networks", "f/3-projects"]


def _hop(text: str) -> Hop:
    return Hop(text=text, to=text.rsplit(" → ", 1)[-1])


def test_each_stage_hops_from_the_version_it_runs(kb: KnowledgeBase) -> None:
    # one installation (a module every root calls) at 1.1.0 in dev, 1.0.6 in staging and
    # 0.37.5 in prod: prod goes through 1.0, staging does not, dev is already there
    chart = _t("chart", "platform", ["dev", "staging", "prod"]).model_copy(
        update={"installs": True, "version": "0.37.5"}
    )
    pool = _t("pool", "platform", ["prod"], path="c/pool.yaml")
    placed = {
        "chart": {
            "dev": Placed("1.1.0", [], "1.1.0 is at or past the target 1.1 here"),
            "staging": Placed("1.0.6", [_hop("1.0.6 → 1.1")]),
            "prod": Placed("0.37.5", [_hop("0.37.5 → 1.0"), _hop("1.0 → 1.1")]),
        }
    }
    plan = plan_rollout(
        [chart, pool],
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="phased",
        feature_flag=False,
        hops={"chart": [_hop("0.37.5 → 1.0"), _hop("1.0 → 1.1")]},
        placed=placed,
        migrations={"pool"},
    )
    deploying = [(s.stage, s.hop, bool(s.done), s.targets) for s in plan.steps if s.targets]
    assert deploying == [
        ("dev", "", True, ["chart"]),
        ("staging", "1.0.6 → 1.1", False, ["chart"]),
        ("prod", "0.37.5 → 1.0", False, ["chart"]),
        ("prod", "", False, ["pool"]),
        ("prod", "1.0 → 1.1", False, ["chart"]),
    ]
    dev = plan.steps[0]
    assert dev.done == "1.1.0 is at or past the target 1.1 here"
    assert "(1.1.0)" in dev.action and "hop" not in dev.action
    staging = next(s for s in plan.steps if s.stage == "staging" and s.targets)
    assert "(1.0.6)" in staging.action and "set the version to 1.1" in staging.action
    # a stage whose every installation is done brings no strategy step around it
    assert [s.stage for s in plan.steps if not s.targets].count("dev") == 0


def _merged(tid: str, layer: str, envs: list[str], installs: bool = False) -> Target:
    return _t(tid, layer, envs, path=f"{tid}/x.yaml").model_copy(
        update={"controller": "flux", "installs": installs}
    )


def _module(envs: list[str]) -> Target:
    """A Terraform module every environment's root calls."""
    return Target(
        id="module",
        what="module.db",
        repo="tf",
        path="modules/db/main.tf",
        layer="cloud",
        environments=envs,
        controller="terraform",
    )


def _rooted(targets: list[Target], kb: KnowledgeBase) -> RolloutPlan:
    """A staged, phased rollout with one Terraform root per environment (`envs/<env>`)."""
    return plan_rollout(
        targets,
        kb.knowledge,
        environments=[],
        strategy="staged",
        deployment="phased",
        feature_flag=False,
        apply_folders=lambda t, env: [f"envs/{env}"],
    )


def test_an_installation_one_merge_delivers_to_several_environments_joins_their_stages(
    kb: KnowledgeBase,
) -> None:
    chart = _merged("chart", "platform", ["staging", "prod"], installs=True)
    only_staging = _merged("only", "workload", ["staging"])
    plan = _rooted([chart, _module(["staging", "prod"]), only_staging], kb)
    deploying = [(s.stage, s.environments, s.targets) for s in plan.steps if s.targets]
    assert deploying == [
        # each environment's own root first, then the one merge that reaches both
        ("staging + prod", ["staging"], ["module"]),
        ("staging + prod", ["prod"], ["module"]),
        ("staging + prod", ["staging", "prod"], ["chart"]),
        ("staging + prod", ["staging"], ["only"]),
    ]
    merge = next(s for s in plan.steps if s.targets == ["chart"])
    assert "reconciles in staging and prod" in merge.action


def test_a_file_several_stages_read_is_merged_once_in_the_first(kb: KnowledgeBase) -> None:
    # not an installation of what is upgraded: the stages stay, the merge happens once
    secret = _merged("secret", "workload", ["dev", "staging", "prod"])
    plan = _rooted([secret, _module(["dev", "staging", "prod"])], kb)
    deploying = [(s.stage, s.environments, s.targets) for s in plan.steps if s.targets]
    assert deploying == [
        ("dev", ["dev"], ["module"]),
        ("dev", ["dev", "staging", "prod"], ["secret"]),
        ("staging", ["staging"], ["module"]),
        ("prod", ["prod"], ["module"]),
    ]
    (merge,) = [s for s in plan.steps if s.targets == ["secret"]]
    assert "reconciles in dev, staging and prod" in merge.action


def test_one_merge_joins_stages_only_through_an_installation() -> None:
    stages = [Stage("environment", e) for e in ("dev", "staging", "prod")]
    shared = _merged("x", "platform", ["staging", "prod"])
    assert one_merge(stages, [shared], {"flux"}, {}, []) == stages
    installed = shared.model_copy(update={"installs": True})
    joined = one_merge(stages, [installed], {"flux"}, {}, [])
    assert [s.key for s in joined] == ["dev", "staging + prod"]
    assert joined[1].label == "staging and prod" and joined[1].where == " in staging and prod"
    # applied by hand in each environment: staged, whatever it installs
    by_hand = installed.model_copy(update={"controller": "kubectl"})
    assert one_merge(stages, [by_hand], {"flux"}, {}, []) == stages
