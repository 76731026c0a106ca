"""Rollout targets: what a plan deploys — the integration points found in the estate, each in
the first rollout layer it matches, or, when no repository was read, the implementation phases."""

from __future__ import annotations

from engine.core.models import Phase
from engine.estate.model import Estate
from engine.estate.paths import folder_of, join
from engine.knowledge.model import Knowledge, RolloutLayer
from engine.match.impact import IntegrationPoint
from engine.plan.rollout import ApplyFolder, Target

# non-Kubernetes evidence kinds and the layer flag that takes them
_EVIDENCE_KINDS = {"terraform": "terraform", "chart": "charts", "workflow": "workflows"}


def layer_of(point: IntegrationPoint, layers: list[RolloutLayer]) -> RolloutLayer:
    """The first layer (in rollout order) whose `matches` takes the point."""
    ordered = sorted(layers, key=lambda item: item.order)
    for layer in ordered:
        flag = _EVIDENCE_KINDS.get(point.kind)
        if flag is not None:
            if getattr(layer.matches, flag):
                return layer
        elif point.kind in layer.matches.kinds or "*" in layer.matches.kinds:
            return layer
    return ordered[-1]


def point_targets(points: list[IntegrationPoint], knowledge: Knowledge) -> list[Target]:
    return [
        Target(
            id=p.id,
            what=p.what,
            repo=p.repo,
            path=p.path,
            layer=layer_of(p, knowledge.rollout).id,
            environments=p.environments,
            clusters=p.clusters,
        )
        for p in points
    ]


def phase_targets(phases: list[Phase], knowledge: Knowledge) -> list[Target]:
    """One target per phase, deployed wherever the plan goes; each phase is its own step."""
    return [
        Target(
            id=f"phase:{i}",
            what=f"{p.name} ({p.task})" if p.task else p.name,
            repo="the repository",
            path="",
            layer=knowledge.phase_layer(p.name, p.task),
            step=f"phase:{i}",
        )
        for i, p in enumerate(phases)
    ]


def terraform_roots(estate: Estate) -> ApplyFolder:
    """Where Terraform is applied for a block in an environment: the environment's root modules
    calling its folder (or the folder itself, when it is applied in that environment)."""

    def apply_folder(target: Target, env: str) -> str:
        folder = folder_of(target.path)
        if any(
            b.repo == target.repo and b.module == folder and b.environment == env
            for b in estate.terraform
        ):
            return folder or "."
        callers = sorted(
            {
                b.module
                for b in estate.terraform
                if b.repo == target.repo
                and b.block == "module"
                and b.environment == env
                and b.source.startswith(("./", "../"))
                and join(b.module, b.source) == folder
            }
        )
        return callers[0] if callers else folder or "."

    return apply_folder
