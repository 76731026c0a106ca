"""The rollout planner on its own: stages, layer order, strategies, flags, rollback."""

from __future__ import annotations

import networkx as nx

from engine.decide.base import KnowledgeBase
from engine.plan.rollout import Stage, Target, plan_rollout


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
        "all environments",
        "",
    )
