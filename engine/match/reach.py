"""The reach of a change: the environments a spec limits it to. What lies wholly outside them
(an object, a version, a setting placed only in other environments or their clusters) is not
what the plan speaks of — a staging-only plan names no production node pool — while what is
placed nowhere, or also inside, stays."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reach:
    """`environments`: the spec's (empty: the change reaches everywhere); `cluster_envs`: each
    cluster's environment, for what is placed on clusters; `known`: every environment id of
    the knowledge, to tell an environment from a Terraform root in a place's name."""

    environments: frozenset[str] = frozenset()
    cluster_envs: dict[str, str] = field(default_factory=dict)
    known: frozenset[str] = frozenset()

    def outside(self, environments: Iterable[str] = (), clusters: Iterable[str] = ()) -> bool:
        """Whether something placed in these environments (or on these clusters) lies wholly
        outside the reach; what is placed nowhere never does."""
        if not self.environments:
            return False
        placed = {e for e in environments if e} | {
            self.cluster_envs[c] for c in clusters if self.cluster_envs.get(c)
        }
        return bool(placed) and not placed & self.environments

    def outside_place(self, where: str) -> bool:
        """Whether a place named `a, b` (environments, clusters, Terraform roots) lies wholly
        outside the reach: only the names that are environments or known clusters count."""
        names = [w for w in where.split(", ") if w]
        return self.outside(
            [n for n in names if n not in self.cluster_envs and n in self.known], names
        )
