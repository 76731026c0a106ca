"""The subject of a change: the tools a request names (knowledge/tools.yaml) and whether the
estate runs them — where, installed how, at which version. For a Terraform provider or module
the subjects are the estate's providers or module calls the request names."""

from __future__ import annotations

import re

from pydantic import Field

from engine.core.models import Out
from engine.estate.extract.kinds import HelmRelease
from engine.estate.model import Estate, K8sObject, TerraformFact, VersionRecord
from engine.knowledge.grounding import Matcher, Tool
from engine.knowledge.model import Knowledge
from engine.match.change import text_of
from engine.match.manifests import file_versions, installs_from_manifest
from engine.match.probes import considered
from engine.spec.model import LoadedSpec
from engine.spec.text import read, words

MAX_SUBJECT_EVIDENCE = 20


class InstalledVersion(Out):
    """A version of the subject the estate declares, and where."""

    value: str
    at: str  # repo/path:line
    where: str = ""  # the cluster, environment or Terraform root it is installed in
    attribute: str = ""  # chart_version, app_version, locked_version, version_constraint...
    hops: list[str] = Field(
        default_factory=list,
        description="On an upgrade path: this installation's own hops to the target.",
    )


class Subject(Out):
    """A tool (or Terraform provider, or module) the request is about, as the estate has it."""

    tool: str  # a tool id of knowledge/tools.yaml
    name: str  # how plans name it: the tool's title, provider.aws, module.eks
    kind: str  # tool, providers or modules
    present: bool
    count: int  # objects and blocks that show it runs
    evidence: list[str] = Field(default_factory=list)  # the first of them, repo/path:line
    installs: list[str] = Field(
        default_factory=list
    )  # its installations: charts, modules, clusters
    installed: list[InstalledVersion] = Field(default_factory=list)
    # version constraints (`~> 5.46.0`): what may be installed, not what is
    constraints: list[InstalledVersion] = Field(default_factory=list)
    objects: int = 0  # its cluster objects (for API versions)


def _phrase_in(phrase: str, said: list[str]) -> bool:
    wanted = words(phrase)
    n = len(wanted)
    return any(said[i : i + n] == wanted for i in range(len(said) - n + 1)) if n else False


def named_tools(loaded: LoadedSpec, knowledge: Knowledge) -> list[Tool]:
    """Tools whose words the request (or the spec's name and summary) states, not negated."""
    text = text_of(loaded)
    said = words(text)
    reading = read(text, knowledge)
    out = []
    for tool in knowledge.tools:
        if tool.names == "providers":
            named = tool.concept in reading.concepts
        else:
            named = any(_phrase_in(w, said) for w in tool.words)
        negated = tool.concept and tool.concept in reading.negated
        if named and not (negated and tool.concept not in reading.concepts):
            out.append(tool)
    providers = any(t.names for t in out)
    # "the kubernetes provider", "the eks module": the word names the provider or module
    return [t for t in out if not (providers and not t.names and t.runs_with_objects)]


def _inputs_match(m: Matcher, b: TerraformFact) -> bool:
    """Whether a block sets the inputs a matcher names to one of their values (`engine`); one
    passed in from elsewhere (`engine = var.engine`) may be any of them."""
    return all(
        b.inputs.get(name) in values or name in b.input_refs
        for name, values in m.input_values.items()
    )


def matches(m: Matcher, item: K8sObject | TerraformFact) -> bool:
    """Whether an object or block shows what a matcher describes."""
    charts = [c.name for c in item.delivery.charts]
    if any(needle in c for needle in m.charts for c in charts):
        return True
    if isinstance(item, K8sObject):
        return item.kind in m.kinds or (bool(item.group) and item.group in m.api_groups)
    if item.block == "module" and any(needle in item.source for needle in m.modules):
        return _inputs_match(m, item)
    return item.block == "resource" and item.type in m.terraform and _inputs_match(m, item)


def is_installation(tool: Tool, item: K8sObject | TerraformFact) -> bool:
    """An installation of the tool: a chart of it, a module of it, a cluster it declares, the
    manifests that install it."""
    if any(needle in c.name for needle in tool.charts for c in item.delivery.charts):
        return True
    if item.path.rsplit("/", 1)[-1] in tool.install_files:
        return True
    if isinstance(item, K8sObject) and installs_from_manifest(tool, item):
        return True
    return (
        isinstance(item, TerraformFact)
        and (
            (item.block == "module" and any(needle in item.source for needle in tool.modules))
            or (item.block == "resource" and item.type in tool.terraform)
        )
        and _inputs_match(tool, item)
    )


def _versions(estate: Estate, attribute: str, keep: object) -> list[InstalledVersion]:
    out = []
    for r in estate.versions:
        if r.attribute != attribute or r.live is False or not keep(r):  # type: ignore[operator]
            continue
        if r.path.endswith("Chart.yaml"):  # a chart's own source, not an installation of it
            continue
        out.append(
            InstalledVersion(
                value=r.value,
                at=r.at,
                where=r.cluster or r.environment or _scope(r),
                attribute=r.attribute,
            )
        )
    return _unique(out)


def _unique(versions: list[InstalledVersion]) -> list[InstalledVersion]:
    """One entry per version and place; the clusters one place deploys to, together."""
    merged: dict[tuple[str, str], InstalledVersion] = {}
    for v in sorted(versions, key=lambda v: (v.at, v.value, v.where)):
        seen = merged.get((v.value, v.at))
        if seen is None:
            merged[(v.value, v.at)] = v
        elif v.where and v.where not in seen.where.split(", "):
            where = ", ".join(w for w in (seen.where, v.where) if w)
            merged[(v.value, v.at)] = seen.model_copy(update={"where": where})
    return sorted(merged.values(), key=lambda v: (v.at, v.value))


def _scope(r: VersionRecord) -> str:
    return r.subject.split(": ", 1)[0].removeprefix("module ") if ": " in r.subject else ""


def _tool_subject(tool: Tool, estate: Estate) -> Subject:
    items: list[K8sObject | TerraformFact] = [*estate.cluster_objects(), *estate.terraform]
    objects = [o for o in estate.cluster_objects() if considered(o.delivery)]
    manifests = [o for o in objects if installs_from_manifest(tool, o)]
    shown = [i for i in items if considered(i.delivery) and matches(tool, i)]
    shown += [o for o in manifests if not matches(tool, o)]
    # its own objects (its kinds and API groups), not the objects that install it
    own = Matcher(kinds=tool.kinds, api_groups=tool.api_groups)
    shown_objects = objects if tool.runs_with_objects else [o for o in objects if matches(own, o)]
    installs = sorted({i.where for i in shown if is_installation(tool, i)})
    if tool.version_attribute == "chart_version":
        installed = _versions(
            estate, tool.version_attribute, lambda r: any(n in r.subject for n in tool.charts)
        )
    else:
        # a version of a block (an engine_version) counts only when the block shows the tool
        blocks = {b.where for b in estate.terraform if b.block in {"resource", "module"}}
        of_tool = {i.where for i in shown}
        installed = _versions(
            estate,
            tool.version_attribute,
            lambda r: (r.of or r.at) not in blocks or (r.of or r.at) in of_tool,
        )
    installed = _unique(
        installed
        + [
            InstalledVersion(
                value=value, at=o.where, where=o.cluster or o.environment, attribute=attribute
            )
            for attribute, value, o in file_versions(tool, manifests)
        ]
    )
    evidence = sorted({i.where for i in shown})
    count = len(evidence) + (len(objects) if tool.runs_with_objects else 0)
    return Subject(
        tool=tool.id,
        name=tool.title,
        kind="tool",
        present=count > 0,
        count=count,
        evidence=(evidence or [o.where for o in shown_objects])[:MAX_SUBJECT_EVIDENCE],
        installs=installs,
        installed=installed,
        objects=len(shown_objects),
    )


def _named_blocks(tool: Tool, estate: Estate, said: set[str]) -> dict[str, list[TerraformFact]]:
    """The estate's providers (or module calls) by name, the ones the request names — all of
    them when it names none."""
    block = "required_provider" if tool.names == "providers" else "module"
    found: dict[str, list[TerraformFact]] = {}
    for b in estate.terraform:
        if b.block != block or not considered(b.delivery):
            continue
        name = b.type if block == "required_provider" else b.name
        found.setdefault(name, []).append(b)
    if block == "module":
        named = {n: bs for n, bs in found.items() if said & _module_words(n, bs[0].source)}
    else:
        named = {n: bs for n, bs in found.items() if n in said}
    return named or (found if block == "required_provider" else {})


def _module_words(name: str, source: str) -> set[str]:
    """What names a module call: the words of its name and its module's own name (`eks` of
    `terraform-aws-modules/eks/aws`, `rds` of `./modules/rds`)."""
    path = source.split("?", 1)[0].split("//", 1)[0].rstrip("/")
    parts = [p for p in re.split(r"[/:]", path) if p and p not in {".", ".."}]
    own = parts[1] if len(parts) == 3 and not path.startswith((".", "git", "http")) else ""
    own = own or (parts[-1].removesuffix(".git") if parts else "")
    return {w for w in re.split(r"[^a-z0-9]+", f"{name} {own}".lower()) if len(w) > 1}


def _terraform_subjects(tool: Tool, estate: Estate, said: set[str]) -> list[Subject]:
    prefix = "provider" if tool.names == "providers" else "module"
    out = []
    for name, blocks in sorted(_named_blocks(tool, estate, said).items()):
        key = f"{prefix}.{name}"
        installed = _versions(
            estate, tool.version_attribute, lambda r, key=key: r.subject.endswith(key)
        )
        constraints = (
            _versions(estate, tool.constraint_attribute, lambda r, key=key: r.subject.endswith(key))
            if tool.constraint_attribute
            else []
        )
        where = sorted({b.where for b in blocks})
        out.append(
            Subject(
                tool=tool.id,
                name=key,
                kind=tool.names,
                present=True,
                count=len(where),
                evidence=where[:MAX_SUBJECT_EVIDENCE],
                installs=where[:MAX_SUBJECT_EVIDENCE],
                installed=installed,
                constraints=constraints,
            )
        )
    if not out:
        out.append(Subject(tool=tool.id, name=tool.title, kind=tool.names, present=False, count=0))
    return out


def find_subjects(loaded: LoadedSpec, knowledge: Knowledge, estate: Estate) -> list[Subject]:
    """Every subject the request names, as the estate has it (present or not)."""
    text = text_of(loaded).lower()
    said = set(words(text))
    tools = named_tools(loaded, knowledge)
    # a provider named by its source ("hashicorp/aws"), or "the helm provider" of an estate
    # that requires one called helm, names the providers too
    required = [b for b in estate.terraform if b.block == "required_provider"]
    sources = {b.source.lower() for b in required}
    by_name = "provider" in said and any(b.type in said for b in required)
    if not any(t.names == "providers" for t in tools) and (
        by_name or any(s and s in text for s in sources)
    ):
        tools = [t for t in knowledge.tools if t.names == "providers"] + [
            t for t in tools if not t.runs_with_objects
        ]
    out: list[Subject] = []
    for tool in tools:
        if tool.names:
            out.extend(_terraform_subjects(tool, estate, said))
        else:
            out.append(_tool_subject(tool, estate))
    return out


def subject_points(subjects: list[Subject], estate: Estate, knowledge: Knowledge) -> set[str]:
    """What the subjects' own change touches: their installations (charts, modules, cluster
    declarations), a provider's `required_providers` entries and the versioned module calls
    that constrain it, a module's calls; a tool installed from outside the estate, its own
    objects. (Objects on old API versions come from the upgrade notes.)"""
    ids: set[str] = set()
    tools = {t.id: t for t in knowledge.tools}
    for s in subjects:
        if not s.present:
            continue
        tool = tools[s.tool]
        if s.kind == "providers":
            ids |= set(s.evidence)
            ids |= {
                b.where
                for b in estate.terraform
                if b.block == "module" and b.version and considered(b.delivery)
            }
        elif s.kind == "modules":
            ids |= set(s.evidence)
        else:
            items: list[K8sObject | TerraformFact] = [*estate.cluster_objects(), *estate.terraform]
            live = [i for i in items if considered(i.delivery)]
            installs = {i.where for i in live if is_installation(tool, i)}
            # installed from elsewhere (flux bootstrap, a platform team): its own objects are
            # what the upgraded version reconciles
            own = Matcher(kinds=tool.kinds, api_groups=tool.api_groups)
            ids |= installs or {
                i.where
                for i in live
                if isinstance(i, K8sObject) and not tool.runs_with_objects and matches(own, i)
            }
    return ids


def _namespace_of(item: K8sObject | TerraformFact) -> str | None:
    """Where an installation deploys its workloads (None: not known)."""
    if isinstance(item, TerraformFact):
        if item.block == "resource" and "namespace" in item.input_refs:
            return None
        if item.block == "resource" and item.delivery.charts:  # a helm_release
            return item.inputs.get("namespace") or "default"
        return None
    if isinstance(item.detail, HelmRelease):
        return item.detail.target_namespace or item.namespace or None
    destination = getattr(item.detail, "destination_namespace", None)
    if destination is not None:
        return destination if destination and "{{" not in destination else None
    if item.kind == "Namespace":
        return item.name
    return item.namespace or None


def deploy_namespaces(
    subjects: list[Subject], estate: Estate, knowledge: Knowledge
) -> set[str] | None:
    """The namespaces the subjects the request names deploy to: None when it names none, or
    when where one installation deploys is not known; empty when none of them is present."""
    if not subjects:
        return None
    tools = {t.id: t for t in knowledge.tools}
    items: list[K8sObject | TerraformFact] = [*estate.cluster_objects(), *estate.terraform]
    out: set[str] = set()
    for s in subjects:
        if not s.present:
            continue
        if s.kind != "tool":
            return None  # a provider or module: what it deploys is not read
        found = [i for i in items if considered(i.delivery) and is_installation(tools[s.tool], i)]
        if not found:
            return None  # installed from elsewhere
        for i in found:
            namespace = _namespace_of(i)
            if namespace is None:
                return None
            out.add(namespace)
    return out
