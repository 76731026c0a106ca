"""The rollout planner: what a change deploys, as ordered steps, stage by stage.

A target is something the change deploys: an integration point found in the estate, or — when
no repository was read — an implementation phase. Stages come from evidence or declaration
(engine/plan/stages.py). Within a stage, targets go in the subject's upgrade order (control plane
→ add-ons → node groups), then in layer order (knowledge/rollout.yaml), Terraform roots in their
dependency order (numbered stage folders, remote-state producers before consumers), the
dependency graph ordering the rest (roots before what they apply). Each step is worded for the
controller that delivers it (knowledge/controllers.yaml). The deployment strategy adds steps
around each stage (knowledge/strategies.yaml); a feature flag adds an enablement step. A step
that cannot be undone carries a point-of-no-return marker and the honest way back
(knowledge/reversibility.yaml).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from engine.knowledge.model import Knowledge
from engine.knowledge.rollout import RolloutLayer, StepText
from engine.match.upgrade_path import Hop
from engine.plan.placing import folder_of_target, graph_order, reach, spot_rank, spots
from engine.plan.stages import (
    RolloutPlan,
    RolloutStep,
    Stage,
    Target,
    lands_in,
    one_merge,
    rollout_stages,
    said,
)
from engine.plan.steps import before_hop, describe, layer_text, mark_one_way, rollback_summary

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "ApplyFolders",
    "Placed",
    "RolloutPlan",
    "RolloutStep",
    "Stage",
    "Target",
    "plan_rollout",
]


# Where a Terraform target is applied in an environment ("" for any): its root folders.
ApplyFolders = Callable[[Target, str], list[str]]


class Placed(NamedTuple):
    """An installation's version in one environment or cluster, its hops from there to the
    target (none: it is there already, and `done` says so)."""

    version: str
    hops: list[Hop]
    done: str = ""


def _flag_name(feature_flag: str | bool | None, pattern_flag: bool, unnamed: str) -> str:
    if isinstance(feature_flag, str):
        return feature_flag
    if feature_flag or (feature_flag is None and pattern_flag):
        return unnamed
    return ""


def plan_rollout(
    targets: list[Target],
    knowledge: Knowledge,
    *,
    environments: list[str],
    strategy: str,
    deployment: str,
    feature_flag: str | bool | None,
    pattern_flag: bool = False,
    graph: nx.DiGraph | None = None,
    apply_folders: ApplyFolders | None = None,
    declared: list[str] | None = None,
    cluster_envs: dict[str, str] | None = None,
    root_rank: Callable[[str, str], tuple[object, ...]] | None = None,
    traits: set[str] | None = None,
    done: dict[str, str] | None = None,
    hops: dict[str, list[Hop]] | None = None,
    placed: dict[str, dict[str, Placed]] | None = None,
    migrations: set[str] | None = None,
) -> RolloutPlan:
    """The steps of a rollout. `environments`: where a plan without repositories goes;
    `declared`: the spec's environments (they limit the rollout); `done`: targets already in
    place, with the reason; `hops`: the version hops of each installation the upgrade moves
    (each hop its own steps); `placed`: an installation's version and hops per environment or
    cluster, where they differ from one place to another (each stage hops from its own
    version); `migrations`: objects to move off APIs the target drops (before the last hop)."""
    declared = declared or []
    cluster_envs = cluster_envs or {}
    done = done or {}
    hops = hops or {}
    placed = placed or {}
    migrations = migrations or set()
    layers = sorted(knowledge.rollout, key=lambda layer: layer.order)
    strategy_value = knowledge.dimension_value("implementation_strategy", strategy)
    stages = rollout_stages(
        [t for t in targets if _layer(layers, t.layer).per_environment],
        knowledge,
        declared=declared,
        fallback=environments,
        cluster_envs=cluster_envs,
        skips_lower=bool(strategy_value and strategy_value.skips_lower_environments),
    )
    merging = {c.id for c in knowledge.controllers if c.merged}
    stages = one_merge(
        stages,
        [t for t in targets if _layer(layers, t.layer).per_environment],
        merging,
        cluster_envs,
        declared,
    )
    strategy_steps = knowledge.strategy_steps(deployment)
    flags = knowledge.feature_flag
    flag = _flag_name(feature_flag, pattern_flag, flags.unnamed)
    after = (
        []
        if strategy_steps is None or (flag and strategy_steps.replaced_by_feature_flag)
        else strategy_steps.after
    )
    if strategy_steps is not None:  # steps that mean nothing for this kind of change
        fits = [
            [t for t in texts if not set(t.unless_traits) & (traits or set())]
            for texts in (strategy_steps.before, after)
        ]
        strategy_steps = strategy_steps.model_copy(update={"before": fits[0]})
        after = fits[1]
    controllers = {c.id: c for c in knowledge.controllers}
    steps: list[RolloutStep] = []

    def add(
        stage: Stage,
        layer: str,
        text: StepText,
        ids: list[str],
        envs: tuple[str, ...] = (),
        **fmt: str,
    ) -> None:
        fmt = {"env": stage.label, "flag": flag, **fmt}
        envs = envs or tuple(stage.environments)
        steps.append(
            RolloutStep(
                order=len(steps) + 1,
                stage=stage.key,
                environment=envs[0] if envs else "",
                environments=list(envs),
                layer=layer,
                action=text.action.format(**fmt),
                targets=ids,
                validation=text.validation.format(**fmt),
                rollback=text.rollback.format(**fmt),
                minutes=text.minutes,
            )
        )

    def deploy_steps(
        stage: Stage,
        chosen: list[Target],
        hop_of: dict[str, Hop] | None = None,
        done_here: dict[str, str] | None = None,
    ) -> None:
        by_id = {t.id: t for t in chosen}
        hop_of = hop_of or {}
        done_here = done if done_here is None else done_here
        checked: set[str] = set()
        for tid, major in sorted(hop_of.items()):  # what comes before a hop to another major
            if major.checks and major.text not in checked:
                checked.add(major.text)
                add(stage, by_id[tid].layer, before_hop(major, stage.where), [])
        groups: dict[tuple[object, ...], list[str]] = defaultdict(list)
        order = stage.environments
        for tid in graph_order([t.id for t in chosen], graph):
            t = by_id[tid]
            layer = _layer(layers, t.layer)
            for envs in spots(t, stage, reached.get(tid, ()), merging):
                folders = (
                    apply_folders(t, envs[0] if envs else stage.environment)
                    if apply_folders is not None and layer.matches.terraform
                    else [folder_of_target(t)]
                )
                for folder in folders:
                    module = folder if layer.matches.terraform else ""
                    rank = root_rank(t.repo, module) if root_rank and module else ()
                    key: tuple[object, ...] = (
                        t.sequence,
                        layer.order,
                        rank,
                        t.controller,
                        t.repo,
                        module,
                        t.step,
                        hop_of[tid].text if tid in hop_of else "",
                        envs,
                    )
                    groups[key].append(tid)
        merged: list[tuple[tuple[object, ...], list[str]]] = []
        # in a stage of several environments, each environment's own steps of an upgrade
        # position or layer before the next position or layer, which one merge may take to
        # all of them
        for key in sorted(
            groups,
            key=lambda g: (g[0], g[1], spot_rank(g[8], order), g[2]),  # type: ignore[arg-type]
        ):
            # one Terraform root is applied once, whatever the upgrade order inside it (a Helm
            # release through Terraform included: `module` is set for Terraform layers only)
            last_key = merged[-1][0] if merged else None
            if (
                last_key is not None
                and key[5]
                and last_key[4:7] == key[4:7]
                and last_key[8] == key[8]
                and (not key[7] or not last_key[7] or key[7] == last_key[7])
            ):
                merged[-1] = (
                    (*last_key[:7], last_key[7] or key[7], key[8]),
                    merged[-1][1] + groups[key],
                )
                continue
            merged.append((key, list(groups[key])))
        for key, ids in merged:
            _, _, _, controller_id, repo, root, _, hop_text, spot = key
            landing = tuple(spot) or tuple(stage.environments)  # type: ignore[arg-type]
            layer = next(x for x in layers if x.order == key[1])
            # the clusters of this stage: in an environment, those of that environment
            clusters = sorted(
                (
                    c
                    for c in {c for i in ids for c in by_id[i].clusters}
                    if stage.kind != "environment" or cluster_envs.get(c, "") in {"", *landing}
                ),
                key=lambda c: (spot_rank((cluster_envs.get(c, ""),), list(landing)), c),
            )
            text = layer_text(
                layer, controllers.get(str(controller_id)) or controllers.get("unknown")
            )
            add(
                stage,
                layer.id,
                text,
                ids,
                landing,
                repo=str(repo) or ", ".join(sorted({by_id[i].repo for i in ids})),
                module=str(root) or ".",
                root=f"{repo}/{root}" if str(root) not in {"", "."} else str(repo),
                targets=describe([by_id[i] for i in ids]),
                where=f" in {said(list(landing))}" if spot else stage.where,
                clusters=f" ({', '.join(clusters)})"
                if clusters and stage.kind != "cluster"
                else "",
            )
            last = steps[-1]
            reasons = {done_here[i] for i in ids if i in done_here}
            hop = next((hop_of[i] for i in ids if i in hop_of), None)
            update: dict[str, object] = {
                "controller": str(controller_id),
                "clusters": clusters,
                "done": sorted(reasons)[0] if reasons and all(i in done_here for i in ids) else "",
            }
            if hop is not None:
                update["hop"] = str(hop_text)
                also = f", with {hop.also}" if hop.also else ""
                update["action"] = (
                    f"{last.action} — hop {hop_text}: set the version to {hop.to}{also}, check"
                    " it, then go on"
                )
                if hop.one_way:
                    update["point_of_no_return"] = f"Point of no return: {hop.one_way}"
                    update["rollback"] = f"Fix forward once applied ({hop.one_way})"
            steps[-1] = last.model_copy(update=update)

    def here(tid: str, stage: Stage) -> Placed | None:
        """An installation's version and hops in a stage, when they are known per place: the
        lowest of the stage's environments or clusters."""
        places = placed.get(tid, {})
        keys = stage.places(cluster_envs) if stage.kind != "all" else sorted(places)
        found = [places[k] for k in keys if k in places]
        return max(found, key=lambda p: len(p.hops)) if found else None

    def in_stage(
        stage: Stage, chosen: list[Target]
    ) -> tuple[list[Target], dict[str, list[Hop]], dict[str, str]]:
        """The stage's targets at the version they run here, their hops from it, and what is
        done here (an installation already at the target in this stage included)."""
        done_here = dict(done)
        steps_of: dict[str, list[Hop]] = {}
        own: list[Target] = []
        for t in chosen:
            found = here(t.id, stage)
            steps_of[t.id] = found.hops if found is not None else hops.get(t.id, [])
            if found is not None:
                if found.version:
                    t = t.model_copy(update={"version": found.version})
                if found.done and t.id not in done_here:
                    done_here[t.id] = found.done
            own.append(t)
        return own, steps_of, done_here

    def hop_steps(
        stage: Stage,
        chosen: list[Target],
        steps_of: dict[str, list[Hop]],
        done_here: dict[str, str],
    ) -> None:
        """The stage's steps hop by hop: each installation to each intermediate version (from
        the version it runs in this stage), then the objects moved off the APIs the target
        drops, then the last hop and the rest."""
        moving = [t for t in chosen if steps_of[t.id] and t.id not in done_here]
        if not moving:
            deploy_steps(stage, chosen, done_here=done_here)
            return
        for i in range(max(len(steps_of[t.id]) for t in moving) - 1):
            deploy_steps(
                stage,
                [t for t in moving if len(steps_of[t.id]) > i + 1],
                {t.id: steps_of[t.id][i] for t in moving if len(steps_of[t.id]) > i + 1},
                done_here,
            )
        migrating = [t for t in chosen if t.id in migrations]
        if migrating:
            deploy_steps(stage, migrating, done_here=done_here)
        deploy_steps(
            stage,
            [t for t in chosen if t.id not in migrations],
            {t.id: steps_of[t.id][-1] for t in moving},
            done_here,
        )

    first = stages[0] if stages and stages[0].kind == "cluster" else None
    # a file several stages read, delivered by a merge: merged once, in its first stage
    reached = {t.id: reach(t, stages, cluster_envs, declared) for t in targets}
    once: set[str] = set()
    for stage in stages:
        chosen = [
            t
            for t in targets
            if t.id not in once  # merged once, in an earlier stage, for every environment
            and _layer(layers, t.layer).per_environment
            and lands_in(t, stage, cluster_envs, declared, first)
        ]
        if not chosen:
            continue  # nothing of this change lands here: no stage, no strategy steps around it
        once |= {t.id for t in chosen if t.controller in merging and len(reached[t.id]) > 1}
        chosen, steps_of, done_here = in_stage(stage, chosen)
        active = any(t.id not in done_here for t in chosen)
        for text in strategy_steps.before if strategy_steps and active else []:
            add(stage, strategy_steps.layer if strategy_steps else "", text, [])
        hop_steps(stage, chosen, steps_of, done_here)
        for text in after if active else []:
            add(stage, strategy_steps.layer if strategy_steps else "", text, [])
        if flag and active:
            add(stage, flags.layer, flags.step, [])
    everywhere = Stage("all")
    rest = [t for t in targets if not _layer(layers, t.layer).per_environment]
    if rest:
        deploy_steps(everywhere, rest)
    steps = mark_one_way(steps, targets, knowledge, traits or set(), deployment)
    rollback = [s.model_copy(update={"order": i + 1}) for i, s in enumerate(reversed(steps))]
    # nothing left to do, nothing to halt
    working = any(s.targets and not s.done for s in steps)
    halts = strategy_steps is not None and bool(strategy_steps.before or after or flag)
    stop = list(strategy_steps.emergency_stop) if strategy_steps and halts and working else []
    used = [s.controller for s in steps if s.controller and not s.done]
    stop.extend(dict.fromkeys(controllers[c].emergency_stop for c in used if c in controllers))
    stop.extend(
        dict.fromkeys(
            layer.emergency_stop
            for layer in layers
            if layer.emergency_stop and any(s.layer == layer.id and not s.done for s in steps)
        )
    )
    if flag and working:
        stop.append(flags.emergency_stop.format(flag=flag))
    return RolloutPlan(
        steps=steps,
        rollback=rollback,
        rollback_summary=rollback_summary(steps),
        emergency_stop=list(dict.fromkeys(stop)),
    )


def _layer(layers: list[RolloutLayer], layer_id: str) -> RolloutLayer:
    return next((x for x in layers if x.id == layer_id), layers[-1])
