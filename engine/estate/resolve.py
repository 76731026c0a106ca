"""Resolution: what kustomize and Flux apply — the files a Flux Kustomization's path builds, the
namespace kustomize gives an object — and from that each object's cluster, environment and
namespace."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from engine.estate.discover import FileEntry
from engine.estate.extract import FileExtract
from engine.estate.extract.kinds import ArtifactGenerator, Kustomize
from engine.estate.model import K8sObject
from engine.estate.paths import folder_of, join
from engine.estate.placement import Owners, Placer, role_of


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
        return set(self.build_chain(folder, layout, lambda _: ""))

    def build_chain(
        self,
        folder: str,
        layout: Layout,
        environment_of: Callable[[str], str],
        recurse: bool = True,
    ) -> dict[str, set[str]]:
        """The files a build of `folder` reads, each with the environments of the folders it is
        reached through (`apps/dev` including `../base`: the base's files get dev). Without
        `recurse`, a folder without a kustomization.yaml contributes only its own files (Argo
        CD's directory default)."""
        out: dict[str, set[str]] = {}
        seen: set[tuple[str, str]] = set()
        pending = [(folder, environment_of(folder), True)]
        while pending:  # iterative: kustomize chains can be long
            current, env, top = pending.pop()
            if (current, env) in seen:
                continue
            seen.add((current, env))
            config = self.configs.get(current)
            if config is not None:
                for ref in config.resources + config.components + config.patch_paths:
                    target = join(current, ref)
                    if target in layout.files:
                        out.setdefault(target, set()).update({env} - {""})
                    elif target in layout.children or target in layout.files_in:
                        pending.append((target, environment_of(target) or env, False))
                continue
            for f in layout.files_in.get(current, ()):
                out.setdefault(f, set()).update({env} - {""})
            if recurse or not top:
                for child in sorted(layout.children.get(current, ())):
                    pending.append((child, environment_of(child) or env, False))
        return out

    def folder_exists(self, folder: str, layout: Layout) -> bool:
        return folder in layout.children or folder in layout.files_in or folder in self.configs

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
    """Every YAML object of a repository with its role, namespace (from metadata or the
    kustomizations including it) and owners. Where it runs is decided by delivery
    (engine/estate/delivery.py), which also applies Flux's `targetNamespace`."""
    out = []
    for entry, ff, _ in items:
        file_owners = owners.of(entry.path)
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
                namespace = kustomizations.namespace(entry.path)
                namespace_from = "kustomization" if namespace else ""
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
                    owners=file_owners,
                    detail=doc.detail,
                    template=doc.template,
                    rendered=doc.rendered,
                )
            )
    return out


def artifact_paths(objects: list[K8sObject]) -> dict[str, list[tuple[str, str]]]:
    """ExternalArtifact name → (artifact folder, repository folder), from ArtifactGenerators."""
    out: dict[str, list[tuple[str, str]]] = {}
    for o in objects:
        if isinstance(o.detail, ArtifactGenerator):
            for copy in o.detail.copies:
                out.setdefault(copy.artifact, []).append(
                    (copy.target.strip("/"), copy.source.strip("/"))
                )
    return out


def namespace_folders(objects: list[K8sObject], kustomizations: Kustomizations) -> frozenset[str]:
    """Folders named after the namespace they hold: never environments."""
    found = {
        folder_of(o.path)
        for o in objects
        if o.kind == "Namespace" and o.name and folder_of(o.path).rsplit("/", 1)[-1] == o.name
    }
    found |= {
        folder
        for folder, config in kustomizations.configs.items()
        if config.namespace and folder.rsplit("/", 1)[-1] == config.namespace
    }
    return frozenset(found)
