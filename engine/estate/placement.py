"""Placement: where a path sits — its environment and cluster from folder names and labels — who
owns it (CODEOWNERS), and what role an object plays (a cluster object, a patch, a fixture...)."""

from __future__ import annotations

import re
from functools import lru_cache

from engine.estate.extract.files import OwnerRule
from engine.estate.model import K8sObject, Role, TerraformFact
from engine.knowledge.reading import ReadsEstate

_WORDS = re.compile(r"[-_.]")


class Placer:
    """Where a path sits: its environment and cluster, from folder names and knowledge."""

    def __init__(self, knowledge: ReadsEstate, aliases: dict[str, str]) -> None:
        self.reading = knowledge.reading
        self.order = [env.id for env in knowledge.environments]
        self._environments: dict[tuple[str, frozenset[str]], str] = {}
        self._kept: dict[tuple[str, str], str] = {}
        # folder-name sets, looked up for every path
        self.parents = frozenset(self.reading.environment_parents + self.reading.cluster_parents)
        self.cluster_parents = frozenset(self.reading.cluster_parents)
        self.namespace_parents = frozenset(self.reading.namespace_parents)
        self.out_of_service_dirs = frozenset(self.reading.out_of_service_dirs)
        self.fixture_dirs = frozenset(self.reading.fixture_dirs)
        self.env_names: dict[str, tuple[str, bool]] = {}
        for env in knowledge.environments:
            for name in (env.id, *env.aliases):
                self.env_names[name.lower()] = (env.id, env.needs_parent)
        for alias, env_id in aliases.items():
            self.env_names[alias.lower()] = (env_id, False)

    def environment_of_name(
        self, name: str, under_parent: bool = True, by_words: bool = True
    ) -> str:
        """The environment a name means: the whole name (`nonproduction`), else (`by_words`)
        the one environment its words name (`dev-rds`, `prod_eu`, `production-us`)."""
        found = self.env_names.get(name.lower())
        if found is not None:
            return "" if found[1] and not under_parent else found[0]
        if not by_words:
            return ""
        words = {
            env_id
            for word in _WORDS.split(name.lower())
            if (hit := self.env_names.get(word)) is not None
            and (not hit[1] or under_parent)
            and (env_id := hit[0])
        }
        return words.pop() if len(words) == 1 else ""

    def ordered(self, environments: set[str]) -> list[str]:
        """Environments in rollout order (unknown names last, by name)."""
        return sorted(
            environments,
            key=lambda e: (self.order.index(e) if e in self.order else len(self.order), e),
        )

    def environment_of_cluster(self, cluster: str) -> str:
        """A cluster's environment from its name or a word of it (workload-prod → prod)."""
        return self.environment_of_name(cluster) if cluster else ""

    def environment(self, path: str, namespace_folders: frozenset[str] = frozenset()) -> str:
        """The environment a path names: its deepest folder naming one that is not a namespace
        folder (nor under a namespaces tree), else a `.tfvars` file's name."""
        key = (path, namespace_folders)
        if key not in self._environments:
            self._environments[key] = self._environment(path, namespace_folders)
        return self._environments[key]

    def _environment(self, path: str, namespace_folders: frozenset[str]) -> str:
        parts = [p for p in path.split("/") if p and p != "."]
        dirs = list(parts[:-1])
        parents = self.parents
        under_namespaces = next(
            (i for i, d in enumerate(dirs) if d.lower() in self.namespace_parents),
            len(dirs),
        )
        for i in range(len(dirs) - 1, -1, -1):
            if i > under_namespaces or "/".join(dirs[: i + 1]) in namespace_folders:
                continue
            # words of a folder name count only right under an environment parent (envs/dev-rds),
            # so a tenant folder `tenants/base/dev-team` names no environment
            under = i > 0 and dirs[i - 1].lower() in parents
            env = self.environment_of_name(dirs[i], under, by_words=under)
            if env:
                return env
        stem = parts[-1].split(".")[0] if parts else ""
        return (
            self.environment_of_name(stem, True) if parts and parts[-1].endswith(".tfvars") else ""
        )

    def kept_apart(self, path: str, ignore: str = "") -> str:
        """Why a path is kept apart from the estate (example, test, template), or ''; `ignore`
        is a reason that does not count (a repository made only of examples)."""
        key = (_folder(path), ignore)
        if key not in self._kept:
            self._kept[key] = self._kept_apart(_folders(path), ignore)
        return self._kept[key]

    def _kept_apart(self, folders: tuple[str, ...], ignore: str) -> str:
        dirs = [d.lower() for d in folders]
        parents = self.parents
        for i, d in enumerate(dirs):
            if i > 0 and dirs[i - 1] in parents:
                continue  # envs/test is an environment, not tests
            for reason, names in self.reading.kept_apart_dirs.items():
                if d in names and reason != ignore:
                    return reason
        return ""

    def out_of_service(self, path: str) -> str:
        """The out-of-service folder (archive, deprecated...) a path lies in, or ''."""
        return next((d for d in _folders(path) if d.lower() in self.out_of_service_dirs), "")

    def cluster(self, path: str) -> str:
        dirs = _folders(path)
        for i in range(len(dirs) - 1):
            if dirs[i].lower() in self.cluster_parents:
                return dirs[i + 1]
        return ""

    def is_fixture(self, path: str) -> bool:
        return any(d in self.fixture_dirs for d in _folders(path))


@lru_cache(maxsize=65536)
def _folders(path: str) -> tuple[str, ...]:
    """The folders of a repository path (posix, relative)."""
    return tuple(d for d in path.split("/")[:-1] if d and d != ".")


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


class Owners:
    """CODEOWNERS: the last matching pattern decides, as on GitHub (indexed, linear-time
    matching: engine/estate/globs.py)."""

    def __init__(self, rules: list[OwnerRule]) -> None:
        from engine.estate.globs import OwnerIndex

        self.index = OwnerIndex((r.pattern, r.owners) for r in rules)
        self.found: dict[str, list[str]] = {}  # a file's objects and blocks: matched once

    def of(self, path: str) -> list[str]:
        if path not in self.found:
            self.found[path] = self.index.owners(path)
        return list(self.found[path])


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


def whole_repo(
    objects: list[K8sObject], blocks: list[TerraformFact], placer: Placer
) -> dict[str, str]:
    """Repositories made only of content kept apart for one reason (a repository of examples):
    that content is the repository's own, not kept apart."""
    reasons: dict[str, set[str]] = {}
    for repo, path in [(o.repo, o.path) for o in objects if o.role == "object"] + [
        (b.repo, b.path) for b in blocks
    ]:
        reasons.setdefault(repo, set()).add(placer.kept_apart(path))
    return {
        repo: next(iter(r)) for repo, r in sorted(reasons.items()) if len(r) == 1 and "" not in r
    }
