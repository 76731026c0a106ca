"""What an ApplicationSet's generators yield, where it is literal: a list generator's elements;
a git generator's directories (matching its path globs, minus the excluded ones) and the folders
of its matching files, each with Argo CD's path parameters (`path`, `path.basename`, `path[1]`,
`.path.path`, `.path.segments`); a cluster generator's registered clusters (Argo CD cluster
Secrets whose labels match its selector: `name`, `server`, `metadata.labels.<key>`); a matrix's
combinations and a merge's first child. What is not literal (a pull-request or SCM generator,
a file's contents) yields nothing."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from engine.estate.delivery import Delivery
from engine.estate.extract.kinds import ArgoApplication, ArgoGenerator, SecretShape
from engine.estate.model import K8sObject
from engine.estate.units import url_repo

MAX_ELEMENTS = 500  # a matrix of large generators must not explode


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    """Go's path.Match as Argo CD uses it: `*` and `?` stay inside one folder, `**` does not."""
    out = []
    for part in re.split(r"(\*\*|\*|\?)", pattern.strip("/")):
        out.append({"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part)))
    return re.compile("^" + "".join(out) + "$")


def path_parameters(folder: str) -> dict[str, str]:
    """Argo CD's parameters for one directory, in both template syntaxes."""
    segments = folder.split("/") if folder else []
    base = segments[-1] if segments else ""
    out = {
        "path": folder,
        "path.path": folder,
        "path.basename": base,
        "path.basenameNormalized": re.sub(r"[^a-zA-Z0-9-]", "-", base).lower(),
    }
    out.update({f"path[{i}]": s for i, s in enumerate(segments)})
    return out


def _folders(find: Delivery, repo: str) -> list[str]:
    layout = find.repos[repo].layout
    found = set(layout.files_in) | {c for children in layout.children.values() for c in children}
    return sorted(found - {""})


def _git(find: Delivery, owner: K8sObject, g: ArgoGenerator) -> list[dict[str, str]]:
    repo = url_repo(g.repo_url, set(find.repos)) or (owner.repo if not g.repo_url else "")
    if repo not in find.repos:
        return []
    picked: set[str] = set()
    folders = _folders(find, repo)
    for pattern in g.directories:
        picked |= {f for f in folders if _glob(pattern).match(f)}
    for pattern in g.excludes:
        picked = {f for f in picked if not _glob(pattern).match(f)}
    for pattern in g.files:  # a file generator: the folder of each matching file
        files = find.repos[repo].layout.files
        picked |= {f.rpartition("/")[0] for f in files if _glob(pattern).match(f)}
    return [path_parameters(f) for f in sorted(picked)]


def _selected(labels: dict[str, str], selector: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def _clusters(find: Delivery, g: ArgoGenerator) -> list[dict[str, str]]:
    out = []
    for o in find.cluster_secrets:
        d = o.detail
        assert isinstance(d, SecretShape)
        if _selected(o.labels, g.selector):
            element = {"name": d.cluster_name, "nameNormalized": d.cluster_name.lower()}
            if d.cluster_server:
                element["server"] = d.cluster_server
            element.update({f"metadata.labels.{k}": v for k, v in o.labels.items()})
            out.append(element)
    return sorted(out, key=lambda e: e["name"])


def _elements(find: Delivery, owner: K8sObject, g: ArgoGenerator) -> list[dict[str, str]]:
    if g.kind == "list":
        return g.elements
    if g.kind == "git":
        return _git(find, owner, g)
    if g.kind == "clusters":
        return _clusters(find, g)
    if g.kind == "matrix" and g.children:
        parts = [_elements(find, owner, c) for c in g.children]
        combined = []
        for combo in itertools.islice(itertools.product(*parts), MAX_ELEMENTS):
            element: dict[str, str] = {}
            for e in combo:
                element.update(e)
            combined.append(element)
        return combined
    if g.kind == "merge" and g.children:
        return _elements(find, owner, g.children[0])
    return []


def generated(find: Delivery, owner: K8sObject, d: ArgoApplication) -> list[dict[str, str]]:
    """Every element the ApplicationSet's generators yield (its list elements when the facts
    predate generator specs)."""
    if not d.generator_specs:
        return d.elements
    out: list[dict[str, str]] = []
    for g in d.generator_specs:
        out.extend(_elements(find, owner, g))
    return out[:MAX_ELEMENTS]
