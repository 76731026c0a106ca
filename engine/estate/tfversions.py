"""The versions each instance of a Terraform block gets: a `helm_release` (or helm wrapper
module) chart version and every `*_version` argument (`engine_version`, `cluster_version`),
resolved through one level of module input, tfvars or variable default where the value is
literal, each cited where it is written and placed on the clusters and environments of the
instance's root. A module called by the staging root with `karpenter_version = "1.0.6"` and by
the prod root with `"0.37.5"` has two versions, one per root, each at its root's call."""

from __future__ import annotations

from typing import Protocol

from engine.estate.model import InstanceVersion, TerraformFact
from engine.estate.paths import join
from engine.estate.placement import Placer
from engine.estate.units import Folder, Instance
from engine.knowledge.reading import EstateReading


class Terraform(Protocol):
    """What reading an instance's values needs (engine/estate/tfdelivery.py's Terraform)."""

    placer: Placer
    reading: EstateReading

    def value(
        self, b: TerraformFact, names: list[str], inst: Instance | None
    ) -> tuple[str, str, int]: ...

    def block_clusters(self, b: TerraformFact, chosen: list[Instance]) -> set[str]: ...

    def declared_cluster(
        self, b: TerraformFact, inst: Instance | None
    ) -> tuple[str, list[str]]: ...

    def resolve(
        self, ref: str, folder: Folder, inst: Instance | None, depth: int
    ) -> tuple[str, str, int] | None: ...

    @property
    def folders(self) -> dict[Folder, list[TerraformFact]]: ...


def wrapped_clusters(terraform: Terraform, folder: Folder, inst: Instance | None) -> dict[str, str]:
    """`module.<call>` → the cluster a call of a local module declares (a wrapper around the EKS
    module called with `cluster_name = "staging-eu"`): a provider configured from the call's
    outputs points at that cluster."""
    out = {}
    for call in terraform.folders.get(folder, []):
        if call.block != "module" or not call.source.startswith(("./", "../")):
            continue
        variables = dict(call.inputs)
        for name, ref in call.input_refs.items():
            found = terraform.resolve(ref, folder, inst, 0)
            if found is not None:
                variables[name] = found[0]
        callee = (call.repo, join(call.module, call.source))
        below = Instance(
            folder=callee,
            environments=frozenset(),
            providers={},
            variables=variables,
            enabled=True,
            kept="",
            via=f"module.{call.name}",
        )
        names = {
            terraform.declared_cluster(b, below)[0]
            for b in terraform.folders.get(callee, [])
            if b.block in {"module", "resource"}
        } - {""}
        if len(names) == 1:
            out[f"module.{call.name}"] = names.pop()
    return out


def _version_arguments(b: TerraformFact) -> list[str]:
    """The `*_version` arguments of a resource, or of a call of a module from elsewhere (a local
    module's own resources are read through its instances instead)."""
    if b.block == "module" and b.source.startswith(("./", "../")):
        return []
    if b.block not in {"resource", "module"}:
        return []
    return sorted(n for n in {*b.inputs, *b.input_refs} if n.endswith("_version"))


def instance_versions(
    terraform: Terraform, b: TerraformFact, instances: list[Instance]
) -> list[InstanceVersion]:
    """One entry per distinct (subject, attribute, value, place, clusters, environments)."""
    wrapper = terraform.reading.helm_wrapper_inputs
    chart_names: dict[str, list[str]] = {}
    if b.block == "resource" and b.type == "helm_release":
        chart_names = {"chart": ["chart"], "version": ["version"]}
    elif b.block == "module" and any(
        k in b.inputs or k in b.input_refs for k in wrapper.get("chart", [])
    ):
        chart_names = {"chart": wrapper.get("chart", []), "version": wrapper.get("version", [])}
    out: dict[tuple[object, ...], InstanceVersion] = {}
    for inst in instances:
        found: list[tuple[str, str, tuple[str, str, int]]] = []
        if chart_names:
            chart = terraform.value(b, chart_names["chart"], inst)[0]
            if chart:
                found.append(
                    (
                        chart.rstrip("/").rsplit("/", 1)[-1],
                        "chart_version",
                        terraform.value(b, chart_names["version"], inst),
                    )
                )
        for name in _version_arguments(b):
            if name in chart_names.get("version", []):
                continue
            found.append((b.address, name, terraform.value(b, [name], inst)))
        clusters = sorted(terraform.block_clusters(b, [inst]))
        environments = terraform.placer.ordered(set(inst.environments))
        for subject, attribute, (value, path, line) in found:
            if not value or value == "empty":
                continue
            entry = InstanceVersion(
                subject=subject,
                attribute=attribute,
                value=value,
                path=path or b.path,
                line=line or b.line,
                clusters=clusters,
                environments=environments,
            )
            key = (subject, attribute, value, entry.path, entry.line, *clusters, "|", *environments)
            out.setdefault(key, entry)
    return sorted(out.values(), key=lambda v: (v.subject, v.attribute, v.path, v.line, v.value))
