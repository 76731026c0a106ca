"""Placement: where a path sits — its environment and cluster from folder names and labels — who
owns it (CODEOWNERS), and what role an object plays (a cluster object, a patch, a fixture...)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from engine.estate.extract.files import OwnerRule
from engine.estate.model import Role
from engine.knowledge.model import Knowledge


class Placer:
    """Where a path sits: its environment and cluster, from folder names and knowledge."""

    def __init__(self, knowledge: Knowledge, aliases: dict[str, str]) -> None:
        self.reading = knowledge.reading
        self.env_names: dict[str, tuple[str, bool]] = {}
        for env in knowledge.environments:
            for name in (env.id, *env.aliases):
                self.env_names[name.lower()] = (env.id, env.needs_parent)
        for alias, env_id in aliases.items():
            self.env_names[alias.lower()] = (env_id, False)

    def environment_of_name(self, name: str, under_parent: bool = True) -> str:
        found = self.env_names.get(name.lower())
        if found is None or (found[1] and not under_parent):
            return ""
        return found[0]

    def environment_of_cluster(self, cluster: str) -> str:
        """A cluster's environment from its name or a word of it (workload-prod → prod)."""
        whole = self.environment_of_name(cluster)
        if whole or not cluster:
            return whole
        words = {self.environment_of_name(w) for w in re.split(r"[-_.]", cluster)} - {""}
        return words.pop() if len(words) == 1 else ""

    def environment(self, path: str) -> str:
        parts = PurePosixPath(path).parts
        dirs = list(parts[:-1])
        for i in range(len(dirs) - 1, -1, -1):
            under_parent = (
                i > 0
                and dirs[i - 1].lower()
                in self.reading.environment_parents + self.reading.cluster_parents
            )
            env = self.environment_of_name(dirs[i], under_parent)
            if env:
                return env
        stem = parts[-1].split(".")[0] if parts else ""
        return (
            self.environment_of_name(stem, True) if parts and parts[-1].endswith(".tfvars") else ""
        )

    def cluster(self, path: str) -> str:
        dirs = PurePosixPath(path).parts[:-1]
        for i in range(len(dirs) - 1):
            if dirs[i].lower() in self.reading.cluster_parents:
                return dirs[i + 1]
        return ""

    def is_fixture(self, path: str) -> bool:
        return any(d in self.reading.fixture_dirs for d in PurePosixPath(path).parts[:-1])


class Owners:
    """CODEOWNERS: the last matching pattern decides, as on GitHub (indexed, linear-time
    matching: engine/estate/globs.py)."""

    def __init__(self, rules: list[OwnerRule]) -> None:
        from engine.estate.globs import OwnerIndex

        self.index = OwnerIndex((r.pattern, r.owners) for r in rules)

    def of(self, path: str) -> list[str]:
        return self.index.owners(path)


def role_of(
    obj_path: str,
    group: str,
    kind: str,
    partial: bool,
    is_kustomize: bool,
    placer: Placer,
    patches: set[str],
) -> Role:
    if is_kustomize:
        return "kustomize"
    if placer.is_fixture(obj_path):
        return "fixture"
    if (
        group in placer.reading.not_cluster_api_groups
        or any(group.endswith("." + g) for g in placer.reading.not_cluster_api_groups)
        or kind in placer.reading.not_cluster_kinds
    ):
        return "not-cluster"
    if partial or obj_path in patches:
        return "patch"
    return "object"
