"""Where a rollout goes: its stages, and what lands in each.

Stages come from evidence or declaration only: the environments the spec declares (a
declaration limits the rollout), else the environments the change's targets are in (an object's
own, or its cluster's), then clusters that belong to no environment; with no evidence at all, one
stage. Plans made without repositories follow the spec's environments or the usual path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from engine.core.models import Out
from engine.knowledge.model import Knowledge


@dataclass(frozen=True)
class Stage:
    """Where steps run: an environment, a cluster outside any environment, or everywhere. An
    environment stage may hold more environments (`also`): those one merge reaches together
    (a file every one of them reads, applied by a controller that applies what is merged)."""

    kind: Literal["environment", "cluster", "all"]
    name: str = ""
    also: tuple[str, ...] = ()

    @property
    def environments(self) -> list[str]:
        return [self.name, *self.also] if self.kind == "environment" else []

    @property
    def key(self) -> str:
        """How plans name the stage (`staging + prod` for environments one merge reaches)."""
        return {
            "environment": " + ".join(self.environments),
            "cluster": f"cluster:{self.name}",
            "all": "all",
        }[self.kind]

    @property
    def environment(self) -> str:
        return self.name if self.kind == "environment" else ""

    @property
    def label(self) -> str:
        """How strategy and flag texts name the stage ("Canary in prod")."""
        return {
            "environment": said(self.environments),
            "cluster": f"cluster {self.name}",
            "all": "the estate",
        }[self.kind]

    def places(self, cluster_envs: dict[str, str]) -> list[str]:
        """The environments and clusters a stage covers (an environment's clusters with it)."""
        if self.kind == "cluster":
            return [self.name]
        envs = self.environments
        return [*envs, *sorted(c for c, e in cluster_envs.items() if e in envs)]

    @property
    def where(self) -> str:
        """How controller texts place a step (" in prod", " on cluster tools", "")."""
        return {
            "environment": f" in {self.label}",
            "cluster": f" on cluster {self.name}",
            "all": "",
        }[self.kind]


def said(names: list[str]) -> str:
    """`staging`, `staging and prod`, `dev, staging and prod`."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


class Target(Out):
    """Something the change deploys."""

    id: str
    what: str
    repo: str
    path: str
    layer: str  # a rollout layer id
    environments: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    step: str = ""  # targets with the same step key (and repository, folder) share a step
    controller: str = ""  # the delivery controller that applies it (knowledge/controllers.yaml)
    probes: list[str] = Field(default_factory=list)  # the probes that found it
    resource: str = ""  # a Terraform resource type or module source
    sequence: int = 0  # its position in the subject's upgrade order (0: none)
    installs: bool = False  # an installation of the change's subject (its chart or module)
    version: str = ""


def placed(target: Target, cluster_envs: dict[str, str]) -> list[str]:
    """A target's environments: its own, else those of the clusters it runs on."""
    if target.environments:
        return target.environments
    return sorted({cluster_envs[c] for c in target.clusters if cluster_envs.get(c)})


def lands_in(
    target: Target,
    stage: Stage,
    cluster_envs: dict[str, str],
    declared: list[str],
    first: Stage | None = None,
) -> bool:
    """Whether a target is deployed in a stage. What nothing places goes to every environment
    stage (declared, or the estate's), or — in a rollout staged by cluster — once, in the
    first stage (`first`)."""
    envs = placed(target, cluster_envs)
    if stage.kind == "all":
        return True
    if stage.kind == "cluster":
        if not envs and stage.name in target.clusters:
            return True
        return not envs and not target.clusters and stage == first
    if envs:
        return bool(set(envs) & set(stage.environments))
    return bool(declared) or not target.clusters


def rollout_stages(
    targets: list[Target],
    knowledge: Knowledge,
    *,
    declared: list[str],
    fallback: list[str],
    cluster_envs: dict[str, str],
    skips_lower: bool,
) -> list[Stage]:
    """The stages in order. `declared`: the spec's environments; `fallback`: environments for a
    plan without repositories (its targets are phases, placed nowhere)."""
    order = [e.id for e in knowledge.environments]
    if declared:
        envs = [e for e in order if e in declared]
    else:
        found = {e for t in targets for e in placed(t, cluster_envs)}
        envs = [e for e in order if e in found or e in fallback]
    if skips_lower and envs:
        envs = envs[-1:]
    stages = [Stage("environment", e) for e in envs]
    if not declared:
        stages += [
            Stage("cluster", c)
            for c in sorted({c for t in targets if not placed(t, cluster_envs) for c in t.clusters})
        ]
    return stages or [Stage("all")]


def one_merge(
    stages: list[Stage],
    targets: list[Target],
    merging: set[str],
    cluster_envs: dict[str, str],
    declared: list[str],
) -> list[Stage]:
    """Environment stages that one merge upgrades together are one stage: an installation of
    the change's subject delivered by a controller that applies what is merged (`merging`)
    and read by several of them is one version for all of them, so it joins them
    (`staging + prod`), placed where its first environment was."""
    envs = [s.name for s in stages if s.kind == "environment"]
    group = {e: {e} for e in envs}
    for t in targets:
        if t.controller not in merging or not t.installs:
            continue
        landing = [e for e in envs if lands_in(t, Stage("environment", e), cluster_envs, declared)]
        joined = set().union(*(group[e] for e in landing)) if landing else set()
        for e in joined:
            group[e] = joined
    out: list[Stage] = []
    seen: set[str] = set()
    for stage in stages:
        if stage.kind != "environment":
            out.append(stage)
        elif stage.name not in seen:
            members = [e for e in envs if e in group[stage.name]]
            seen.update(members)
            out.append(Stage("environment", members[0], tuple(members[1:])))
    return out


class RolloutStep(Out):
    order: int
    stage: str  # an environment, cluster:<name>, or all
    environment: str
    layer: str
    action: str
    targets: list[str] = Field(default_factory=list)
    validation: str
    rollback: str
    minutes: int = 15
    # every environment the step lands in: its stage's, or those one merge reaches together
    environments: list[str] = Field(default_factory=list)
    controller: str = ""  # who applies it (knowledge/controllers.yaml); "" for strategy steps
    clusters: list[str] = Field(default_factory=list)
    point_of_no_return: str = ""  # the marker, when this step cannot be undone
    done: str = ""  # why the step is already done (work in place), else ""
    hop: str = ""  # the version hop this step makes (`0.9.20 → 0.16`), when it makes one


class RolloutPlan(Out):
    steps: list[RolloutStep]
    rollback: list[RolloutStep]
    rollback_summary: list[str] = Field(default_factory=list)
    emergency_stop: list[str]


def deploying_stages(steps: list[RolloutStep]) -> list[str]:
    """The stages in which steps deploy something, in order."""
    return list(dict.fromkeys(s.stage for s in steps if s.targets))
