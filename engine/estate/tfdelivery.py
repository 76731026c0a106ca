"""Terraform delivery: roots, module instances, and from them each block's liveness,
environments, clusters, charts and version.

A root is a folder with a backend or provider configuration, or one that no module calls. From
each root, local module calls are followed; a call switched off literally (`count = 0`,
`create = false`, `enabled = false`, knowledge/estate.yaml `terraform_switches`) makes no live
instance. Providers are followed into modules (`providers = {helm = helm.tools}`, or the
caller's defaults), so a `helm_release` or `kubernetes_manifest` is placed on the cluster its
provider configuration points at (`host = module.eks.cluster_endpoint` → that module's
`cluster_name`).
"""

from __future__ import annotations

from engine.estate.model import ChartUse, Delivered, K8sObject, TerraformFact, TfvarsFact, Why
from engine.estate.paths import folder_of, join
from engine.estate.placement import Placer
from engine.estate.tfversions import instance_versions, wrapped_clusters
from engine.estate.units import Folder, Instance, TerraformDelivery


class Terraform:
    def __init__(
        self,
        blocks: list[TerraformFact],
        tfvars: list[TfvarsFact],
        placer: Placer,
        whole_repo: dict[str, str] | None = None,
    ) -> None:
        self.placer = placer
        self.reading = placer.reading
        self.whole_repo = whole_repo or {}
        self.folders: dict[Folder, list[TerraformFact]] = {}
        for b in blocks:
            self.folders.setdefault((b.repo, b.module), []).append(b)
        self.tfvars: dict[Folder, list[TfvarsFact]] = {}
        for t in tfvars:
            self.tfvars.setdefault((t.repo, folder_of(t.path)), []).append(t)
        self.callers: dict[Folder, list[TerraformFact]] = {}
        for b in blocks:
            if b.block == "module" and b.source.startswith(("./", "../")):
                self.callers.setdefault((b.repo, join(b.module, b.source)), []).append(b)

    # -- reading values ---------------------------------------------------------------------------

    def kept(self, folder: Folder) -> str:
        return self.placer.kept_apart(folder[1] + "/_", self.whole_repo.get(folder[0], ""))

    def switched_off(self, b: TerraformFact) -> str:
        for name, value in self.reading.terraform_switches.items():
            if b.inputs.get(name) == value:
                return f"{name} = {value if value != 'empty' else '[]'}"
        return ""

    def value(
        self, b: TerraformFact, names: list[str], inst: Instance | None
    ) -> tuple[str, str, int]:
        """The first of `names` with a value: (value, path it is written in, line)."""
        for name in names:
            if name in b.inputs and b.inputs[name] != "empty":
                return b.inputs[name], b.path, b.input_lines.get(name, b.line)
            ref = b.input_refs.get(name, "")
            found = self.resolve(ref, (b.repo, b.module), inst, 0) if ref else None
            if found is not None:
                return found
        return "", "", 0

    def resolve(
        self, ref: str, folder: Folder, inst: Instance | None, depth: int
    ) -> tuple[str, str, int] | None:
        kind, _, name = ref.partition(".")
        blocks = self.folders.get(folder, [])
        if kind == "var":
            if inst is not None and name in inst.variables:
                return inst.variables[name], *inst.origins.get(name, ("", 0))
            if inst is None or not inst.via:
                # the root's tfvars (a workspace's `prod.tfvars` is not the root's one value)
                values = {
                    (t.values[name], t.path, t.lines.get(name, 0))
                    for t in self.tfvars.get(folder, [])
                    if name in t.values and self._root_tfvars(t.path)
                }
                if len({v for v, _, _ in values}) == 1:
                    return min(values, key=lambda v: (v[1], v[2]))
            default = next((b for b in blocks if b.block == "variable" and b.name == name), None)
            if default is not None and "default" in default.inputs:
                return default.inputs["default"], default.path, default.line
        if kind == "local" and depth < 5:
            local = next((b for b in blocks if b.block == "local" and b.name == name), None)
            if local is not None and "value" in local.inputs:
                return local.inputs["value"], local.path, local.line
            if local is not None and local.input_refs.get("value"):
                return self.resolve(local.input_refs["value"], folder, inst, depth + 1)
        return None

    def _root_tfvars(self, path: str) -> bool:
        """Loaded with the root: terraform.tfvars, *.auto.tfvars, not `prod.tfvars`."""
        stem = path.rsplit("/", 1)[-1].split(".")[0]
        return path.endswith(".auto.tfvars") or not self.placer.environment_of_name(stem)

    # -- clusters -----------------------------------------------------------------------------------
    def declared_cluster(self, b: TerraformFact, inst: Instance | None) -> tuple[str, list[str]]:
        """(cluster name, version argument names) when the block creates a cluster."""
        for d in self.reading.cluster_declarations:
            hit = (d.resource and b.block == "resource" and b.type == d.resource) or (
                d.module and b.block == "module" and b.source.split("?")[0].rstrip("/") == d.module
            )
            if hit:
                return self.value(b, d.name, inst)[0], d.version
        return "", []

    def provider_clusters(self, folder: Folder, inst: Instance | None) -> dict[str, frozenset[str]]:
        blocks = self.folders.get(folder, [])
        declared = {
            f"module.{b.name}"
            if b.block == "module"
            else f"{b.type}.{b.name}": self.declared_cluster(b, inst)[0]
            for b in blocks
            if b.block in {"module", "resource"}
        }
        declared.update(wrapped_clusters(self, folder, inst))
        for b in blocks:
            if b.block == "data" and b.type in {
                d.resource for d in self.reading.cluster_declarations
            }:
                declared[f"data.{b.type}.{b.name}"] = self.value(b, ["name"], inst)[0]
        out: dict[str, frozenset[str]] = {}
        for b in blocks:
            if b.block != "provider":
                continue
            key = f"{b.type}.{b.name}" if b.name else b.type
            names = {declared.get(r, "") for r in b.references} | {
                b.inputs.get("config_context", "")
            }
            out[key] = frozenset(names - {""})
        return out

    # -- instances ----------------------------------------------------------------------------------

    def instances(self) -> dict[Folder, list[Instance]]:
        found: dict[Folder, list[Instance]] = {}
        roots = sorted(
            f
            for f, blocks in self.folders.items()
            if f not in self.callers or any(b.block in {"backend", "provider"} for b in blocks)
        )
        pending = [
            Instance(
                folder=f,
                environments=self.root_environments(f),
                providers=self.provider_clusters(f, None),
                variables={},
                enabled=not self.placer.out_of_service(f[1] + "/_") and not self.kept(f),
                kept=self.kept(f),
                via="",
            )
            for f in roots
        ]
        seen: set[tuple[object, ...]] = set()
        while pending:
            inst = pending.pop(0)
            key = (
                inst.folder,
                inst.environments,
                tuple(sorted(inst.providers.items())),
                tuple(sorted(inst.variables.items())),
                inst.enabled,
                inst.kept,
            )
            if key in seen:  # the same instance reached another way adds nothing
                continue
            seen.add(key)
            found.setdefault(inst.folder, []).append(inst)
            if inst.via.count("→") > 20:
                continue
            for call in self.folders.get(inst.folder, []):
                if call.block != "module" or not call.source.startswith(("./", "../")):
                    continue
                callee = (call.repo, join(call.module, call.source))
                providers = {
                    k: inst.providers.get(v, frozenset()) for k, v in call.providers.items()
                }
                for config, clusters in inst.providers.items():
                    if "." not in config:  # default configurations pass down implicitly
                        providers.setdefault(config, clusters)
                variables = dict(call.inputs)
                origins = {n: (call.path, call.input_lines.get(n, call.line)) for n in variables}
                for name, ref in call.input_refs.items():
                    resolved = self.resolve(ref, inst.folder, inst, 0)
                    if resolved is not None:
                        variables[name] = resolved[0]
                        origins[name] = (
                            (resolved[1], resolved[2])
                            if resolved[1]
                            else (call.path, call.input_lines.get(name, call.line))
                        )
                off = self.switched_off(call)
                address = f"module.{call.name}"
                pending.append(
                    Instance(
                        folder=callee,
                        environments=inst.environments,
                        providers=providers,
                        variables=variables,
                        enabled=inst.enabled and not off,
                        kept=inst.kept,
                        via=f"{inst.via} → {address}" if inst.via else address,
                        off=inst.off or (f"{address}: {off}" if off else ""),
                        origins=origins,
                    )
                )
        return found

    def root_environments(self, folder: Folder) -> frozenset[str]:
        """A root's environments: its path, else its tfvars files' names (workspaces), else the
        environment its tfvars name."""
        env = self.placer.environment(folder[1] + "/_")
        if env:
            return frozenset({env})
        files = [
            t
            for (repo, f), ts in self.tfvars.items()
            if repo == folder[0] and (f == folder[1] or folder_of(f) == folder[1])
            for t in ts
        ]
        named = {self.placer.environment(t.path) for t in files} - {""}
        if named:
            return frozenset(named)
        values = {
            self.placer.environment_of_name(t.values[k])
            for t in files
            for k in self.reading.environment_variables
            if k in t.values
        } - {""}
        return frozenset(values)

    # -- outcome ------------------------------------------------------------------------------------

    def charts(self, b: TerraformFact, inst: Instance | None) -> list[ChartUse]:
        wrapper = self.reading.helm_wrapper_inputs
        if b.block == "resource" and b.type == "helm_release":
            names = {"chart": ["chart"], "version": ["version"], "repository": ["repository"]}
        elif b.block == "module" and any(
            k in b.inputs or k in b.input_refs for k in wrapper.get("chart", [])
        ):
            names = wrapper
        else:
            return []
        chart = self.value(b, names.get("chart", []), inst)[0]
        if not chart:
            return []
        return [
            ChartUse(
                name=chart.rstrip("/").rsplit("/", 1)[-1],
                version=self.value(b, names.get("version", []), inst)[0],
                repository=self.value(b, names.get("repository", []), inst)[0],
                installed_by="terraform",
                via=inst.via if inst is not None and inst.via and b.block == "resource" else "",
            )
        ]

    def deliver(self) -> TerraformDelivery:
        out = TerraformDelivery()
        instances = self.instances()
        for folder, blocks in sorted(self.folders.items()):
            insts = instances.get(folder, [])
            own = [i for i in insts if not i.kept]
            live_insts = [i for i in own if i.enabled]
            kept = self.kept(folder)
            archived = self.placer.out_of_service(folder[1] + "/_")
            chosen = live_insts or own or insts
            folder_envs = {e for i in chosen for e in i.environments}
            for b in blocks:
                if b.block not in {"resource", "module", "data"}:
                    out.blocks.append(b)  # variables, outputs, providers...: not delivered
                    continue
                off = self.switched_off(b)
                if kept:
                    live, why = False, f"kept apart ({kept}): {folder[1] or '.'}"
                elif archived:
                    live, why = False, f"in the out-of-service folder {archived}/"
                elif live_insts and off:
                    live, why = False, f"{off}: no instance"
                elif live_insts:
                    root = live_insts[0]
                    live = True
                    why = (
                        f"instantiated by {root.via}"
                        if root.via
                        else f"in the Terraform root {folder[1] or '.'}"
                    )
                elif own:
                    live, why = False, f"its only callers are switched off ({own[0].off})"
                elif insts:
                    live, why = None, "a module library: only examples or tests call it here"
                else:
                    live, why = None, "not reached from any Terraform root"
                envs = self.placer.environment(b.path)
                environments = {envs} if envs else folder_envs
                why_envs = (
                    f"its path {b.path}"
                    if envs
                    else "the roots that instantiate it"
                    if environments
                    else "no evidence"
                )
                inst = chosen[0] if len(chosen) == 1 else None
                charts = self.charts(
                    b, inst if inst is not None else (chosen[0] if chosen else None)
                )
                clusters = self.block_clusters(b, chosen)
                provider = b.type.split("_", 1)[0]
                delivered = "helm" if charts else "terraform"
                version = charts[0].version if charts else b.version if b.block == "module" else ""
                fact = b.model_copy(
                    update={
                        "environments": self.placer.ordered(environments),
                        "clusters": sorted(clusters),
                        "delivery": Delivered(
                            live=live,
                            delivered_by=delivered,
                            kept_apart=kept,
                            version=version,
                            charts=charts,
                            why=Why(
                                live=why,
                                environments=why_envs,
                                clusters=f"its {provider} provider configuration"
                                if clusters
                                else "no cluster is named",
                            ),
                        ),
                        "versions": instance_versions(self, b, live_insts or chosen),
                    }
                )
                out.blocks.append(fact)
                out.objects.extend(self.embedded(fact))
                # every instance: a module called for two clusters declares both
                for i in live_insts or chosen[:1]:
                    name, version_names = self.declared_cluster(b, i)
                    value, path, line = self.value(b, version_names, i) if name else ("", "", 0)
                    if name and value:
                        out.cluster_versions.setdefault(
                            name, (value, b.repo, path or b.path, line or b.line)
                        )
        return out

    def block_clusters(self, b: TerraformFact, chosen: list[Instance]) -> set[str]:
        """Clusters a block applies Kubernetes objects or charts to, through its provider."""
        provider = b.type.split("_", 1)[0] if b.block == "resource" else ""
        if provider in self.reading.cluster_providers:
            key = b.providers.get(provider, provider)
            return {c for i in chosen for c in i.providers.get(key, frozenset())}
        if b.block == "module" and self.charts(b, chosen[0] if chosen else None):
            # the providers the call passes, else the caller's default chart provider
            keys = list(b.providers.values()) or [
                k for k, delivery in self.reading.cluster_providers.items() if delivery == "helm"
            ]
            return {c for i in chosen for k in keys for c in i.providers.get(k, frozenset())}
        return set()

    def embedded(self, b: TerraformFact) -> list[K8sObject]:
        if not b.embedded:
            return []
        return [
            K8sObject(
                repo=b.repo,
                path=b.path,
                line=doc.line,
                api_version=doc.api_version,
                kind=doc.kind,
                name=doc.name,
                namespace=doc.namespace,
                labels=doc.labels,
                detail=doc.detail,
                owners=b.owners,
                clusters=b.clusters,
                cluster=b.clusters[0] if len(b.clusters) == 1 else "",
                environments=b.environments,
                environment=b.environment,
                embedded_in=b.address,
                delivery=b.delivery.model_copy(
                    update={
                        "delivered_by": "terraform",
                        "charts": [],
                        "version": doc.labels.get("app.kubernetes.io/version", ""),
                    }
                ).model_copy(
                    update={
                        "why": b.delivery.why.model_copy(
                            update={"live": f"embedded in {b.address}: {b.delivery.why.live}"}
                        )
                    }
                ),
            )
            for doc in b.embedded
        ]
