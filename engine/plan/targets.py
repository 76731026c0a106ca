"""Rollout targets: what a plan deploys — the integration points found in the estate, each in the
first rollout layer it matches and worded for the controller that delivers it, or, when no
repository was read, the implementation phases — and where Terraform applies them: the roots
calling a module, in dependency order (numbered stage folders, remote-state producers first)."""

from __future__ import annotations

import re
from collections import defaultdict

from engine.core.models import Phase
from engine.estate.model import Estate, K8sObject, TerraformFact
from engine.estate.paths import folder_of, join
from engine.knowledge.model import Knowledge
from engine.knowledge.rollout import RolloutLayer
from engine.match.impact import IntegrationPoint
from engine.match.subject import matches
from engine.plan.rollout import ApplyFolders
from engine.plan.stages import Target

# non-Kubernetes evidence kinds and the layer flag that takes them
_EVIDENCE_KINDS = {"terraform": "terraform", "chart": "charts", "workflow": "workflows"}
_NUMBERED = re.compile(r"^(\d+)[-_.]")


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


def point_targets(
    points: list[IntegrationPoint],
    knowledge: Knowledge,
    estate: Estate,
    *,
    sequence: list[str] | None = None,
    installs: set[str] | None = None,
    terraform_only: bool = False,
) -> list[Target]:
    """A target per integration point, with its controller, version and, for an upgrade, its
    position in the subject's order (`sequence`: the tool id whose order applies)."""
    items = {o.where: o for o in estate.objects} | {b.where: b for b in estate.terraform}
    tools = {t.id: t for t in knowledge.tools}
    order = [s for tool_id in sequence or [] for s in tools[tool_id].sequence]
    out = []
    for p in points:
        item = items.get(p.id)
        position = next(
            (i + 1 for i, s in enumerate(order) if item is not None and matches(s, item)), 0
        )
        resource = ""
        if isinstance(item, TerraformFact):
            resource = item.source if item.block == "module" else item.type
        out.append(
            Target(
                id=p.id,
                what=p.what,
                repo=p.repo,
                path=p.path,
                layer=layer_of(p, knowledge.rollout).id,
                environments=p.environments,
                clusters=p.clusters,
                controller=_controller(item, terraform_only),
                probes=p.probes,
                resource=resource,
                sequence=position,
                installs=p.id in (installs or set()),
                version=p.version,
            )
        )
    return out


def _controller(item: K8sObject | TerraformFact | None, terraform_only: bool) -> str:
    """Who applies an item: its delivery controller; Terraform for any Terraform block (a
    Helm release through Terraform unless the change is to Terraform itself: a provider or a
    module version)."""
    if item is None:
        return ""
    if isinstance(item, TerraformFact):
        if terraform_only and item.block in {
            "terraform",
            "provider",
            "required_provider",
            "module",
        }:
            return "terraform-init"  # a provider or module version: the lock file changes
        helm = item.delivery.delivered_by == "helm" and not terraform_only
        return "helm" if helm else "terraform"
    return item.delivery.delivered_by


def phase_targets(
    phases: list[Phase], knowledge: Knowledge, controller: dict[str, str] | None = None
) -> list[Target]:
    """One target per phase, deployed wherever the plan goes; each phase is its own step, worded
    for the controller that applies that layer (`controller`: layer → controller)."""
    out = []
    for i, p in enumerate(phases):
        layer = knowledge.phase_layer(p.name, p.task)
        found = next(x for x in knowledge.rollout if x.id == layer)
        # workflows and documents are merged and published, not applied by a controller
        default = found.default_controller or ("unknown" if found.per_environment else "")
        out.append(
            Target(
                id=f"phase:{i}",
                what=f"{p.name} ({p.task})" if p.task else p.name,
                repo="the repository",
                path="",
                layer=layer,
                step=f"phase:{i}",
                controller=(controller or {}).get(layer, default) or default,
            )
        )
    return out


def estate_controllers(estate: Estate, knowledge: Knowledge) -> dict[str, str]:
    """For phases the estate has no file of: the controller that delivers most of what the
    estate runs in each layer (Terraform for cloud resources when the estate has any)."""
    live = [o for o in estate.cluster_objects() if o.delivery.live is not False]
    counts: dict[str, int] = defaultdict(int)
    for o in live:
        counts[o.delivery.delivered_by] += 1
    kube = max(sorted(counts), key=lambda c: counts[c]) if counts else ""
    has_terraform = any(b.block in {"resource", "module"} for b in estate.terraform)
    out = {}
    for layer in knowledge.rollout:
        if layer.matches.terraform:
            out[layer.id] = "terraform" if has_terraform else kube
        elif layer.per_environment:
            out[layer.id] = kube or ("terraform" if has_terraform else "")
    return out


def _roots(estate: Estate) -> dict[tuple[str, str], str]:
    """Terraform roots (folders with a backend or provider configuration, or that no module
    calls) and their environment."""
    folders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for b in estate.terraform:
        folders[(b.repo, b.module)].append(b.block)
    called = {
        (b.repo, join(b.module, b.source))
        for b in estate.terraform
        if b.block == "module"
        and b.source.startswith(("./", "../"))
        and b.delivery.live is not False
        and not b.delivery.kept_apart
    }
    envs = {(b.repo, b.module): b.environment for b in estate.terraform if b.environment}
    # a root of examples or tests (kept apart), or of nothing live, applies nothing of the estate
    applying = {
        (b.repo, b.module)
        for b in estate.terraform
        if b.delivery.live is not False and not b.delivery.kept_apart
    }
    return {
        f: envs.get(f, "")
        for f, blocks in folders.items()
        if (f not in called or {"backend", "provider"} & set(blocks)) and f in applying
    }


def terraform_roots(estate: Estate) -> ApplyFolders:
    """Where Terraform is applied for a block in an environment ("" for any): the roots that call
    its folder, directly or through other modules (or the folder itself, when it is a root)."""
    roots = _roots(estate)
    callers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for b in estate.terraform:
        if b.block == "module" and b.source.startswith(("./", "../")):
            callers[(b.repo, join(b.module, b.source))].add(b.module)

    def reaching(repo: str, folder: str) -> set[str]:
        seen, todo, found = set(), [folder], set()
        while todo:
            f = todo.pop()
            if f in seen:
                continue
            seen.add(f)
            if (repo, f) in roots:
                found.add(f)
            todo.extend(callers.get((repo, f), set()) - {f})
        return found

    def apply_folders(target: Target, env: str) -> list[str]:
        folder = folder_of(target.path)
        found = sorted(
            r
            for r in reaching(target.repo, folder)
            if not env or roots[(target.repo, r)] in {env, ""}
        )
        env_roots = [r for r in found if roots[(target.repo, r)] == env] if env else found
        return [r or "." for r in (env_roots or found)] or [folder or "."]

    return apply_folders


def _numbered(path: str) -> tuple[tuple[int, str], ...]:
    """`2-networks/envs/dev` → ((2, "2-networks"), (huge, "envs"), ...): numbered folders first,
    in their numbers' order."""
    return tuple(
        (int(m.group(1)) if (m := _NUMBERED.match(part)) else 10**9, part)
        for part in path.split("/")
    )


def root_order(estate: Estate) -> dict[tuple[str, str], int]:
    """Each Terraform root's position: a consumer of another root's state (terraform_remote_state
    named after that root's folder) after it; otherwise numbered stage folders in order."""
    import networkx as nx

    roots = sorted(_roots(estate), key=lambda f: (f[0], _numbered(f[1])))
    graph = nx.DiGraph()
    graph.add_nodes_from(roots)
    base = {f: re.sub(r"^\d+[-_.]", "", f[1].rsplit("/", 1)[-1]).replace("_", "-") for f in roots}
    for b in estate.terraform:
        if (
            b.block != "data"
            or b.type != "terraform_remote_state"
            or (b.repo, b.module) not in base
        ):
            continue
        wanted = b.name.replace("_", "-")
        for f in roots:
            if (
                f[0] == b.repo
                and f != (b.repo, b.module)
                and base[f]
                and wanted in {base[f], base[f].rstrip("s")}
            ):
                graph.add_edge(f, (b.repo, b.module))
    rank = {f: i for i, f in enumerate(roots)}
    try:
        ordered = list(nx.lexicographical_topological_sort(graph, key=lambda f: rank[f]))
    except nx.NetworkXUnfeasible:
        ordered = roots
    return {f: i for i, f in enumerate(ordered)}
