"""Resolution: what kustomize and Flux apply — the files a Flux Kustomization's path builds, the
namespace kustomize gives an object — and from that each object's cluster, environment and
namespace."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import NamedTuple

from engine.estate.discover import FileEntry
from engine.estate.extract import FileExtract
from engine.estate.extract.kinds import ArtifactGenerator, FluxKustomization, Kustomize
from engine.estate.model import K8sObject
from engine.estate.paths import join
from engine.estate.placement import Owners, Placer, role_of


class Applier(NamedTuple):
    """A Flux Kustomization applying a file: where it is and what it decides for the file."""

    file: str
    target_namespace: str
    cluster: str
    environment: str


@dataclass
class Layout:
    """The YAML files of a repository by folder, and each folder's sub-folders."""

    files: set[str]
    files_in: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, files: set[str]) -> Layout:
        layout = cls(files=files)
        for f in sorted(files):
            parts = f.split("/")
            layout.files_in.setdefault("/".join(parts[:-1]), []).append(f)
            for i in range(1, len(parts)):
                parent, child = "/".join(parts[: i - 1]), "/".join(parts[:i])
                layout.children.setdefault(parent, set()).add(child)
        return layout


@dataclass
class Kustomizations:
    """kustomization.yaml files of one repository: who includes what, namespaces, patches."""

    configs: dict[str, Kustomize] = field(default_factory=dict)  # folder → config
    included_by: dict[str, list[str]] = field(
        default_factory=dict
    )  # file or folder → including folders
    patches: set[str] = field(default_factory=set)

    def add(self, folder: str, config: Kustomize) -> None:
        self.configs[folder] = config
        for ref in config.resources + config.components:
            if "://" in ref or ref.startswith("github.com/"):
                continue
            target = join(folder, ref)
            self.included_by.setdefault(target, []).append(folder)
        for ref in config.patch_paths:
            self.patches.add(join(folder, ref))

    def build(self, folder: str, layout: Layout) -> set[str]:
        """The files `kustomize build folder` reads, as Flux runs it (a folder without a
        kustomization.yaml gets one listing its YAML files and sub-folders)."""
        out: set[str] = set()
        seen: set[str] = set()
        pending = [folder]  # a stack, not recursion: a chain of kustomizations may be long
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            config = self.configs.get(current)
            if config is not None:
                for ref in config.resources + config.components + config.patch_paths:
                    target = join(current, ref)
                    if target in layout.files:
                        out.add(target)
                    elif target in layout.children or target in layout.files_in:
                        pending.append(target)
                continue
            out.update(layout.files_in.get(current, ()))
            pending.extend(layout.children.get(current, ()))
        return out

    def namespace(self, path: str) -> str:
        """The namespace kustomize gives an object in `path`: the outermost one set."""
        found = ""
        seen: set[str] = set()
        frontier = sorted(self.included_by.get(path, [])) or (
            [str(PurePosixPath(path).parent)]
            if str(PurePosixPath(path).parent) in self.configs
            else []
        )
        while frontier:
            folder = frontier.pop(0)
            if folder in seen:
                continue
            seen.add(folder)
            config = self.configs.get(folder)
            if config and config.namespace:
                found = config.namespace
            frontier.extend(sorted(self.included_by.get(folder, [])))
        return found


def place_objects(
    repo: str,
    items: list[tuple[FileEntry, FileExtract, str]],
    kustomizations: Kustomizations,
    placer: Placer,
    owners: Owners,
) -> list[K8sObject]:
    layout = Layout.of({e.path for e, _, _ in items if e.kind == "yaml"})
    copies = [
        (str(PurePosixPath(e.path).parent), c)
        for e, ff, _ in items
        for d in ff.objects
        if isinstance(d.detail, ArtifactGenerator)
        for c in d.detail.copies
    ]

    def repo_path(ks_file: str, detail: FluxKustomization) -> str:
        """The repository folder a Flux Kustomization's path names (through an ArtifactGenerator
        when its source is an ExternalArtifact)."""
        path = join("", detail.path)
        if detail.source is None or detail.source.kind != "ExternalArtifact":
            return path
        near = sorted(copies, key=lambda fc: (not ks_file.startswith(fc[0] + "/"), fc[0]))
        for _, copy in near:
            target = copy.target.strip("/")
            if copy.artifact == detail.source.name and (
                path == target or path.startswith(target + "/") or not target
            ):
                rest = path[len(target) :].strip("/") if target else path
                return "/".join(p for p in (copy.source.strip("/"), rest) if p)
        return path

    # Flux Kustomizations decide the cluster and target namespace of the files they apply
    builds: dict[tuple[str, int], set[str]] = {}
    appliers: dict[str, list[Applier]] = {}
    for entry, ff, _ in items:
        for doc in ff.objects:
            if isinstance(doc.detail, FluxKustomization) and doc.detail.path and not doc.partial:
                built = kustomizations.build(repo_path(entry.path, doc.detail), layout)
                builds[(entry.path, doc.line)] = built
                cluster = placer.cluster(entry.path)
                env = placer.environment(entry.path) or placer.environment_of_cluster(cluster)
                for f in built:
                    appliers.setdefault(f, []).append(
                        Applier(entry.path, doc.detail.target_namespace, cluster, env)
                    )

    def agreed(values: list[str]) -> str:
        distinct = {v for v in values if v}
        return distinct.pop() if len(distinct) == 1 else ""

    out = []
    for entry, ff, _ in items:
        file_owners = owners.of(entry.path)
        path_env = placer.environment(entry.path)
        path_cluster = placer.cluster(entry.path)
        parents = appliers.get(entry.path, [])
        for doc in ff.objects:
            is_kustomize = doc.detail is not None and doc.detail.type == "kustomize"
            role = role_of(
                entry.path,
                doc.api_version.split("/")[0] if "/" in doc.api_version else "",
                doc.kind,
                doc.partial,
                is_kustomize,
                placer,
                kustomizations.patches,
            )
            namespace, namespace_from = doc.namespace, "metadata" if doc.namespace else ""
            if (
                not namespace
                and role in {"object", "patch"}
                and doc.kind not in placer.reading.cluster_scoped_kinds
            ):
                target = agreed([p.target_namespace for p in parents])
                if target:
                    namespace, namespace_from = target, "flux-target-namespace"
                else:
                    namespace = kustomizations.namespace(entry.path)
                    namespace_from = "kustomization" if namespace else ""
            label_cluster = next(
                (doc.labels[k] for k in placer.reading.cluster_labels if doc.labels.get(k)), ""
            )
            clusters = sorted(
                {c for c in [label_cluster, path_cluster] if c}
                or {p.cluster for p in parents if p.cluster}
            )
            cluster = clusters[0] if len(clusters) == 1 else ""
            env = next(
                (
                    placer.environment_of_name(doc.labels[k])
                    for k in placer.reading.environment_labels
                    if doc.labels.get(k) and placer.environment_of_name(doc.labels[k])
                ),
                "",
            )
            env = (
                env
                or path_env
                or agreed([p.environment for p in parents])
                or placer.environment_of_cluster(cluster)
            )
            environments = sorted(
                {env} - {""}
                or {placer.environment_of_cluster(c) for c in clusters} - {""}
                or {p.environment for p in parents} - {""}
            )
            out.append(
                K8sObject(
                    repo=repo,
                    path=entry.path,
                    line=doc.line,
                    api_version=doc.api_version,
                    kind=doc.kind,
                    name=doc.name,
                    namespace=namespace,
                    namespace_from=namespace_from,
                    labels=doc.labels,
                    role=role,
                    encrypted=doc.encrypted,
                    environment=env,
                    cluster=cluster,
                    clusters=clusters,
                    environments=environments,
                    owners=file_owners,
                    detail=doc.detail,
                    applies=sorted(builds.get((entry.path, doc.line), set())),
                    applied_by=sorted({p.file for p in parents}),
                )
            )
    return out
