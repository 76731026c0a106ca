"""Delivery: what each delivery root applies, transitively, and so which YAML objects are live,
on which clusters, in which environments, delivered by which controller.

    units    every Flux Kustomization, Flux sync (FluxInstance) and Argo CD application (one per
             literal list-generator element of an ApplicationSet): the files it applies
    roots    the units nothing else applies: a Flux bootstrap Kustomization (it applies its own
             folder), a Flux instance's sync, a Kustomization in a `clusters/<name>/` folder, an
             Argo CD application applied by hand
    reach    from the roots, unit by unit: an object a live unit applies is live; the units it
             declares are live in turn, on the same cluster unless they name another

A Flux Kustomization's path is relative to the root of its source: for an OCI artifact or a
bucket built from a sub-folder, the candidate bases are tried and the one that resolves most of
that source's paths is kept (and recorded in the why).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cached_property
from pathlib import PurePosixPath

from engine.estate.extract.kinds import (
    ArgoApplication,
    FluxInstance,
    FluxKustomization,
    HelmRelease,
    SecretShape,
)
from engine.estate.model import K8sObject
from engine.estate.paths import join
from engine.estate.placement import Placer
from engine.estate.units import Reach, RepoYaml, Unit, url_repo


class Delivery:
    """Units, roots and reach over every repository of an estate."""

    def __init__(
        self,
        repos: dict[str, RepoYaml],
        objects: list[K8sObject],
        placer: Placer,
        whole_repo: dict[str, str] | None = None,
    ) -> None:
        self.repos = repos
        # repositories made only of content kept apart for one reason: that is their content
        self.whole_repo = whole_repo or {}
        self.placer = placer
        self.reading = placer.reading
        self.objects = objects
        self._kept: dict[str, str] = {}
        self.by_file: dict[tuple[str, str], list[K8sObject]] = {}
        self.by_name: dict[tuple[str, str, str], list[K8sObject]] = {}
        for o in objects:
            self.by_file.setdefault((o.repo, o.path), []).append(o)
            self.by_name.setdefault((o.repo, o.kind, o.name), []).append(o)

    # -- helpers ------------------------------------------------------------------------------

    def kept_apart(self, o: K8sObject) -> str:
        """Why an object is kept apart from the estate (example, test, template...), or ''."""
        if o.where not in self._kept:
            self._kept[o.where] = self._kept_apart(o)
        return self._kept[o.where]

    def _kept_apart(self, o: K8sObject) -> str:
        if o.template or any(
            o.group == g or o.group.endswith("." + g) for g in self.reading.template_api_groups
        ):
            return "template"
        if o.role == "fixture":
            return "test"
        return self.placer.kept_apart(o.path, self.whole_repo.get(o.repo, ""))

    def usable(self, o: K8sObject) -> bool:
        """An object that may declare delivery: a real object, not kept apart, in service."""
        return (
            o.role == "object" and not self.kept_apart(o) and not self.placer.out_of_service(o.path)
        )

    @cached_property
    def cluster_secrets(self) -> list[K8sObject]:
        """The objects an Argo CD cluster generator selects from: usable cluster secrets (found
        once, not once per generator)."""
        return [
            o
            for o in self.objects
            if isinstance(o.detail, SecretShape) and o.detail.cluster_name and self.usable(o)
        ]

    def environment_of(self, repo: str) -> Callable[[str], str]:
        folders = self.repos[repo].namespace_folders

        def env(folder: str) -> str:
            return self.placer.environment(folder + "/_", folders)

        return env

    def find_object(self, repo: str, kind: str, name: str, namespace: str) -> K8sObject | None:
        found = [
            o
            for o in self.by_name.get((repo, kind, name), [])
            if not namespace or not o.namespace or o.namespace == namespace
        ]
        live = [o for o in found if self.usable(o)]
        chosen = live or found
        return chosen[0] if chosen else None

    def build(self, repo: str, folder: str, recurse: bool = True) -> dict[str, set[str]]:
        data = self.repos[repo]
        env = self.environment_of(repo)
        return data.kustomizations.build_chain(folder, data.layout, env, recurse)

    def exists(self, repo: str, folder: str) -> bool:
        data = self.repos.get(repo)
        return data is not None and data.kustomizations.folder_exists(folder, data.layout)

    # -- Flux -----------------------------------------------------------------------------------

    def _flux_target(self, o: K8sObject, detail: FluxKustomization) -> tuple[str, str]:
        """(repository, folder) a Flux Kustomization's path names, before any artifact base."""
        path = join("", detail.path)
        source = detail.source
        repo = o.repo
        if source is not None and source.kind in {"GitRepository", ""}:
            found = self.find_object(o.repo, "GitRepository", source.name, source.namespace)
            url = getattr(found.detail, "url", "") if found is not None else ""
            repo = url_repo(url, set(self.repos)) or o.repo
        if source is not None and source.kind == "ExternalArtifact":
            mapped = self.repos[o.repo].artifact_paths.get(source.name, [])
            for target, real in sorted(mapped, key=lambda kv: (-len(kv[0]), kv)):
                if path == target or path.startswith(target + "/") or not target:
                    rest = path[len(target) :].strip("/") if target else path
                    return repo, "/".join(p for p in (real, rest) if p)
        return repo, path

    def _bases(self, flux: list[tuple[K8sObject, FluxKustomization]]) -> dict[str, str]:
        """The folder each source's paths are relative to: the repository root, or the
        sub-folder an artifact was built from (the base resolving most of its paths)."""
        groups: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
        for o, d in flux:
            repo, path = self._flux_target(o, d)
            key = (o.repo, d.source.kind if d.source else "", d.source.name if d.source else "")
            groups.setdefault(key, []).append((o.where, repo, path))
        bases: dict[str, str] = {}
        for _, members in sorted(groups.items()):
            # a base resolving a member is the repository root or a folder above its file
            score: Counter[str] = Counter()
            for where, repo, path in members:
                file = where.split(":", 1)[0].split("/", 1)[1]
                parts = PurePosixPath(file).parts[:-1]
                for base in ["", *("/".join(parts[: i + 1]) for i in range(len(parts)))]:
                    if self.exists(repo, join(base, path)):
                        score[base] += 1
            best = min(score, key=lambda b: (-score[b], len(b), b)) if score else ""
            for where, _, _ in members:
                bases[where] = best
        return bases

    def flux_units(self) -> list[Unit]:
        flux = [
            (o, o.detail)
            for o in self.objects
            if isinstance(o.detail, FluxKustomization) and o.detail.path and self.usable(o)
        ]
        bases = self._bases(flux)
        units = []
        for o, d in flux:
            repo, path = self._flux_target(o, d)
            base = bases.get(o.where, "")
            folder = join(base, path)
            if not self.exists(repo, folder):
                continue
            unit = Unit(
                controller="flux",
                applier=o.where,
                label=f"Flux Kustomization {o.namespace + '/' if o.namespace else ''}{o.name} ({o.where})",
                repo=repo,
                files=self._with_components(repo, folder, d.components),
                target_namespace=d.target_namespace,
            )
            if base:  # say which candidate base resolved the path
                kind = d.source.kind if d.source else "source"
                unit.label += f", whose path {d.path} is relative to {base}/ (its {kind}'s root)"
            self._flux_placement(o, d, folder, unit)
            units.append(unit)
        return units

    def _with_components(
        self, repo: str, folder: str, components: list[str]
    ) -> dict[str, set[str]]:
        files = self.build(repo, folder)
        for component in components:
            for f, envs in self.build(repo, join(folder, component)).items():
                files.setdefault(f, set()).update(envs)
        return files

    def _variables(self, o: K8sObject, d: FluxKustomization) -> dict[str, str]:
        values = dict(d.substitute)
        for ref in d.substitute_from:
            found = self.find_object(o.repo, ref.kind or "ConfigMap", ref.name, "")
            if found is not None and found.detail is not None and found.detail.type == "config":
                for key, value in found.detail.values.items():
                    values.setdefault(key, value)
        return values

    def _flux_placement(self, o: K8sObject, d: FluxKustomization, folder: str, unit: Unit) -> None:
        variables = self._variables(o, d)
        label = next((o.labels[k] for k in self.reading.cluster_labels if o.labels.get(k)), "")
        var = next((variables[k] for k in self.reading.cluster_variables if variables.get(k)), "")
        for name, why in (
            (self.placer.cluster(o.path), f"{o.path} is in a clusters/ folder"),
            (label, "its cluster label"),
            (var, "its postBuild variables name the cluster"),
            (self.placer.cluster(folder + "/_"), f"it applies {folder}"),
        ):
            if name:
                unit.clusters, unit.cluster_why = {name}, f"{name}: {why}"
                break
        env_var = next(
            (variables[k] for k in self.reading.environment_variables if variables.get(k)), ""
        )
        for value, why in (
            (
                self.placer.environment_of_name(env_var) if env_var else "",
                "its postBuild variables",
            ),
            (self.placer.environment(o.path, self.repos[o.repo].namespace_folders), o.path),
        ):
            if value:
                unit.environments, unit.environment_why = {value}, why
                break

    def sync_units(self) -> list[Unit]:
        """What a Flux instance syncs: its path inside the artifact or repository it names."""
        units = []
        for o in self.objects:
            sync = o.detail.sync if isinstance(o.detail, HelmRelease | FluxInstance) else None
            if sync is None or not sync.path or not self.usable(o):
                continue
            repo = url_repo(sync.url, set(self.repos)) or o.repo
            path = join("", sync.path)
            options = sorted(
                {b for b in self.repos[repo].layout.children if self.exists(repo, join(b, path))}
                | ({""} if self.exists(repo, path) else set()),
                key=lambda b: (len(b), b),
            )
            if not options:
                continue
            folder = join(options[0], path)
            units.append(
                Unit(
                    controller="flux",
                    applier=o.where,
                    label=f"the Flux instance sync of {o.kind} {o.name} ({o.where})",
                    repo=repo,
                    files=self.build(repo, folder),
                    root_why=f"the Flux instance syncs {sync.path} ({folder} here)",
                    sync=True,
                )
            )
        return units

    # -- reach ----------------------------------------------------------------------------------

    def reach(self, others: list[Unit]) -> Reach:
        """From the roots among Flux's units and `others` (Argo CD's), what each unit applies."""
        out = Reach()
        units = [*self.flux_units(), *self.sync_units(), *others]
        out.controllers = any(
            isinstance(o.detail, FluxKustomization | ArgoApplication | FluxInstance)
            for o in self.objects
            if o.role == "object"
        )
        for u in units:
            out.units.setdefault(u.applier, []).append(u)
        applied: set[str] = set()
        for u in units:
            for f in u.files:
                applied.update(o.where for o in self.by_file.get((u.repo, f), []))
        roots: list[Unit] = [u for u in units if u.sync]
        for u in units:
            repo, path = u.applier.split(":", 1)[0].split("/", 1)
            if u.controller == "flux" and not u.sync and repo == u.repo and path in u.files:
                u.root_why = "a Flux bootstrap Kustomization: it applies its own folder"
                roots.append(u)
        roots.extend(self._bootstraps(units, applied))
        for u in roots:
            applied.update(o.where for f in u.files for o in self.by_file.get((u.repo, f), []))
        for o in self.objects:  # Argo CD applications nothing applies: applied by hand
            if isinstance(o.detail, ArgoApplication) and self.usable(o) and o.where not in applied:
                out.root_objects[o.where] = (
                    "an Argo CD application nothing else applies: applied by hand"
                )
                for u in out.units.get(o.where, []):
                    u.root_why = out.root_objects[o.where]
                    roots.append(u)
        rooted = {u.repo for u in roots if u.controller == "flux"}
        for u in units:  # a repository whose Flux has no recognisable entry point
            repo = u.applier.split("/", 1)[0]
            if u.controller == "flux" and repo not in rooted and u.applier not in applied:
                u.root_why = (
                    "a Flux Kustomization nothing in the estate applies: taken as an entry point"
                )
                out.root_objects[u.applier] = u.root_why
                roots.append(u)
        out.roots = roots
        self._walk(out, roots)
        return out

    def _bootstraps(self, units: list[Unit], applied: set[str]) -> list[Unit]:
        """`flux bootstrap --path=clusters/<name>`: a cluster folder holding Flux Kustomizations
        that no Kustomization of the estate applies is applied by Flux's own bootstrap."""
        folders: dict[tuple[str, str], str] = {}
        for o in self.objects:
            cluster = self.placer.cluster(o.path)
            if (
                cluster
                and isinstance(o.detail, FluxKustomization)
                and self.usable(o)
                and o.where not in applied
            ):
                parts = o.path.split("/")
                index = next(
                    i for i, p in enumerate(parts[:-1]) if p.lower() in self.reading.cluster_parents
                )
                folders[(o.repo, "/".join(parts[: index + 2]))] = cluster
        out = []
        for (repo, folder), cluster in sorted(folders.items()):
            out.append(
                Unit(
                    controller="flux",
                    applier=f"{repo}/{folder}",
                    label=f"the Flux bootstrap of {folder} (flux bootstrap --path={folder})",
                    repo=repo,
                    files=self.build(repo, folder),
                    clusters={cluster},
                    cluster_why=f"{cluster}: {folder} is its bootstrap folder",
                    root_why=f"Flux's bootstrap applies {folder}",
                )
            )
        return out

    def _walk(self, out: Reach, roots: list[Unit]) -> None:
        # a root that names no cluster takes the one the units it applies name themselves
        for u in roots:
            if not u.clusters:
                below = {
                    c
                    for f in u.files
                    for o in self.by_file.get((u.repo, f), [])
                    for child in out.units.get(o.where, [])
                    for c in child.clusters
                }
                if len(below) == 1:
                    u.clusters = below
                    u.cluster_why = f"{next(iter(below))}: named by the entry points it applies"
        named = {c for u in roots for c in u.clusters}
        for u in roots:
            if not u.clusters and len(named) == 1:
                u.clusters, u.cluster_why = (
                    set(named),
                    f"{next(iter(named))}: the cluster of the estate's other entry points",
                )
        pending = list(roots)
        done: set[int] = set()
        while pending:
            unit = pending.pop(0)
            if id(unit) in done:
                continue
            done.add(id(unit))
            out.repos_delivered.add(unit.repo)
            for f, envs in unit.files.items():  # insertion order: deterministic
                for o in self.by_file.get((unit.repo, f), []):
                    out.by_object.setdefault(o.where, []).append((unit, envs))
                    for child in out.units.get(o.where, []):
                        if id(child) in done:
                            continue
                        if not child.clusters and unit.clusters:
                            child.clusters = set(unit.clusters)
                            child.cluster_why = (
                                f"{', '.join(sorted(unit.clusters))}: applied by {unit.label}"
                            )
                        if not child.environments and unit.environments:
                            child.environments = set(unit.environments)
                            child.environment_why = unit.environment_why
                        pending.append(child)
