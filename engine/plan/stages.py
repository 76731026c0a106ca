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
    """Where steps run: an environment, a cluster outside any environment, or everywhere."""

    kind: Literal["environment", "cluster", "all"]
    name: str = ""

    @property
    def key(self) -> str:
        """How plans name the stage."""
        return {"environment": self.name, "cluster": f"cluster:{self.name}", "all": "all"}[
            self.kind
        ]

    @property
    def environment(self) -> str:
        return self.name if self.kind == "environment" else ""

    @property
    def label(self) -> str:
        """How strategy and flag texts name the stage ("Canary in prod")."""
        return {"environment": self.name, "cluster": f"cluster {self.name}", "all": "the estate"}[
            self.kind
        ]

    def places(self, cluster_envs: dict[str, str]) -> list[str]:
        """The environments and clusters a stage covers (an environment's clusters with it)."""
        if self.kind == "cluster":
            return [self.name]
        if self.kind == "environment":
            return [self.name, *sorted(c for c, e in cluster_envs.items() if e == self.name)]
        return []

    @property
    def where(self) -> str:
        """How controller texts place a step (" in prod", " on cluster tools", "")."""
        return {
            "environment": f" in {self.name}",
            "cluster": f" on cluster {self.name}",
            "all": "",
        }[self.kind]


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
        return stage.name in envs
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
