"""Rule facts: the compact, typed facts the rules engine sees, and their schema (one type each).

durable_rules compares loosely (`"5" == 5` matches, `"10" > 5` is false), so every fact type has
a typed schema here; rules are checked against it when they load and facts are validated before
they are asserted. Facts are compact summaries (hundreds, not the raw estate); absence is data
(a count of 0, a `false`), never negation.
"""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from typing import Any

from engine.core.modelbase import BaseModel, ConfigDict, Field

Scalar = str | int | bool


class FactSchema(BaseModel):
    """A fact type: its docstring says what one fact stands for; docs/rules-reference.md lists them."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class EnhancementFact(FactSchema):
    """The enhancement being planned: one per plan."""

    name: str
    category: str
    scope: str
    pattern: str = Field(
        description='the chosen knowledge pattern ("" when planned at category level)'
    )
    touches_prod: bool = Field(
        description="the spec names a production environment, or its scope reaches production"
    )
    multi_cluster_scope: bool = Field(
        description="the scope spans several clusters (knowledge/scopes.yaml)"
    )
    environment_count: int = Field(description="distinct environments the spec names")
    cluster_count: int
    repo_count: int
    agent_count: int
    phase_count: int
    security_agent_count: int = Field(description="planning agents that speak for security")
    has_declared_risk: bool
    declared_risk: str = Field(description='the spec\'s `risk:` ("" when not declared)')
    has_declared_strategy: bool
    declared_strategy: str = Field(description='the spec\'s `strategy:` ("" when not declared)')
    has_rollback: bool
    has_feature_flag: bool
    has_change_window: bool
    has_owners: bool
    compliance_count: int
    authored: bool = Field(
        description="a person wrote the spec (not a sentence), so its agents and repositories "
        "are theirs and their number says something"
    )
    phases_authored: bool = Field(
        description="the phases are a person's (the spec's) or a seed example's, not ones "
        "infraplan suggested, so their number and names say something"
    )
    urgency: str = Field(description='the spec\'s `urgency:` ("" when not declared)')


class AgentFact(FactSchema):
    """A planning agent named by the spec."""

    name: str
    security: bool = Field(description="the expert speaks for security (knowledge/experts.yaml)")


class PhaseFact(FactSchema):
    """An implementation phase and the kind of work it is (knowledge/phases.yaml)."""

    name: str
    kind: str = Field(description="the phase kind (knowledge/phases.yaml)")


class TraitFact(FactSchema):
    """A trait the knowledge base knows (e.g. node-disruption), and whether this enhancement has it.

    One fact per known trait, present or not, so that absence is data.
    """

    name: str
    present: bool
    source: str = Field(description='the category or pattern that gives the trait ("" when absent)')


class PhaseKindFact(FactSchema):
    """How many implementation phases are of a kind (knowledge/phases.yaml); 0 is a fact too."""

    kind: str
    count: int = Field(description="phases of this kind, 0 included")


class EnvironmentFact(FactSchema):
    """An environment the enhancement is rolled out to."""

    name: str = Field(description="the environment id, aliases normalized")
    prod: bool


class ComplianceFact(FactSchema):
    """A compliance regime the spec declares (e.g. ITCG)."""

    name: str


class DecisionFact(FactSchema):
    """A conclusion: a value of a decision dimension. `rank` orders ordered dimensions."""

    dimension: str
    value: str
    rank: int = Field(
        description="the value's position in an ordered dimension (rules use the shorthand `risk: {$gte: medium}`)"
    )


class DeclarationFact(FactSchema):
    """A value the spec declares for a dimension, compared with the value the rules decided."""

    dimension: str
    value: str
    rank: int
    decided: str
    below_decision: bool = Field(description="the declared value ranks below the decided one")


class EstateFact(FactSchema):
    """What the repositories hold, in summary; `read` is false when no repository was given."""

    read: bool = Field(description="repositories were given")
    repos: int
    environments: int
    has_prod: bool = Field(description="the estate has a production environment")
    clusters: int
    owners: int
    has_codeowners: bool
    diagnostics: int


class EstateEnvironmentFact(FactSchema):
    """One environment of the knowledge base, and whether the estate has it (absence is data)."""

    name: str
    present: bool = Field(description="the estate has this environment")
    prod: bool


class ProbeFact(FactSchema):
    """A pattern's probe answered: how many facts match in one environment (or `all`)."""

    name: str = Field(
        description="a probe of knowledge/probes.yaml, or deprecated-apis / removed-apis"
    )
    environment: str = Field(description="an environment id, or `all`")
    count: int = Field(description="matches (0 included)")
    environments: int
    clusters: int


class ImpactFact(FactSchema):
    """What the change touches: integration points and everything that depends on them."""

    integration_points: int
    environments: int
    clusters: int
    owners: int
    repos: int
    dependents: int
    prod_points: int = Field(description="integration points in production")
    clusters_per_environment: int  # most clusters touched within one environment


class ToolFact(FactSchema):
    """Whether the tool a pattern introduces or changes already runs in the estate."""

    pattern: str
    probe: str
    count: int
    present: bool = Field(description="the tool already runs in the estate")


class WaiverFact(FactSchema):
    """A waiver the spec declares; `expired` compares `expires` with the day of the check."""

    rule: str
    has_reason: bool
    has_owner: bool
    has_expiry: bool
    expired: bool = Field(description="`expires` is before the day of the check")


class VersionFact(FactSchema):
    """A version the estate declares and runs (not in archived or kept-apart content): an
    installed chart, an app or image version, a cluster's Kubernetes version, Terraform's
    `required_version`, a provider constraint, a module version, an API version in use."""

    subject: str = Field(
        description="chart, app, image, kubernetes, terraform, provider, module or api"
    )
    name: str = Field(description="the chart, cluster, provider, module, image or kind")
    value: str = Field(description="as written (`1.29`, `~> 20.0`, `karpenter.sh/v1`)")
    major: int = Field(description="the first number of the value (0 when none)")
    minor: int = Field(description="the second number of the value (0 when none)")
    live: bool = Field(description="declared by something live (false: liveness unknown)")
    count: int = Field(description="places declaring this value")


class LivenessFact(FactSchema):
    """How much of the estate is live, and what this change's probes left out (not live or kept
    apart: never integration points)."""

    objects: int
    live: int
    not_live: int
    unknown: int = Field(description="objects whose liveness could not be decided")
    kept_apart: int = Field(description="examples, tests and templates")
    left_out: int = Field(
        description="probe matches of this change left out as not live or kept apart"
    )


class DeliveryFact(FactSchema):
    """One delivery controller and how many live objects it delivers (0 included: absence is
    data)."""

    controller: str = Field(description="flux, argocd, terraform, helm, kubectl or unknown")
    objects: int = Field(description="live objects it delivers")


class SubjectFact(FactSchema):
    """A tool, Terraform provider or module the request names (knowledge/tools.yaml), and
    whether the estate runs it."""

    tool: str = Field(description="the tool id of knowledge/tools.yaml")
    name: str = Field(description="how plans name it (Karpenter, provider.aws, module.eks)")
    kind: str = Field(description="tool, providers or modules")
    present: bool = Field(description="something live (or of unknown liveness) shows it runs")
    count: int = Field(description="objects and blocks that show it")
    versions: int = Field(description="installed versions the estate declares for it")


class SubjectsFact(FactSchema):
    """How many subjects the request names and the estate runs (0 included)."""

    named: int
    present: int


class UpgradeFact(FactSchema):
    """A subject's way from its installed versions to the version the request names."""

    subject: str
    tool: str
    has_target: bool = Field(description="the request names a target version")
    comparable: bool = Field(
        description="installed and target versions are known and numbered alike"
    )
    at_target: bool = Field(description="every installation already runs the target or later")
    behind: int = Field(description="installations below the target")
    hops: int = Field(description="version hops to the target (one minor at a time, or stops)")
    objects: int = Field(description="the subject's cluster objects")
    old_apis: int = Field(description="its objects on deprecated or removed API versions")
    excluded_by: int = Field(
        default=0,
        description="its version constraints (`~> 5.46.0`) that do not admit the target version",
    )
    changes: int = Field(
        default=0,
        description="Terraform inputs a hop to another major version changes with it "
        "(allow_major_version_upgrade, a parameter group's family)",
    )
    changed: str = Field(
        default="", description="those inputs, each with what it needs and where it is written"
    )


class SettingFact(FactSchema):
    """A setting of knowledge/current-state.yaml, counted over what it belongs to."""

    name: str
    count: int = Field(description="objects or blocks that have it")
    total: int = Field(description="objects or blocks it belongs to")
    missing: int = Field(description="of those, how many lack it (0 when total <= count)")
    unset: int = Field(description="objects that do not set the field at all")


class SharedFact(FactSchema):
    """Files the change edits that more environments apply than the stage deploying them: one
    merge (GitOps) or the next apply of another root (a Terraform module) reaches them too."""

    path: str = Field(description="the files, named (`a.yaml, b.yaml and 3 more file(s)`)")
    files: int = Field(default=1, description="how many files")
    merged: bool = Field(description="a merge applies them (Flux, Argo CD), not an explicit apply")
    asked: str = Field(description="the environments the spec declares, comma-separated")
    outside: int = Field(description="environments applying it that the spec does not declare")
    others: str = Field(description="those environments (their clusters), comma-separated")
    environments: int = Field(description="environments applying it")
    reaches: str = Field(description="every environment (their clusters) applying it")


class RepositoryFact(FactSchema):
    """A repository the spec names (`enhancement.repos`), and whether it was given."""

    name: str
    given: bool


FACT_TYPES: dict[str, type[FactSchema]] = {
    "shared": SharedFact,
    "enhancement": EnhancementFact,
    "agent": AgentFact,
    "phase": PhaseFact,
    "trait": TraitFact,
    "phase_kind": PhaseKindFact,
    "environment": EnvironmentFact,
    "compliance": ComplianceFact,
    "decision": DecisionFact,
    "declaration": DeclarationFact,
    "estate": EstateFact,
    "estate_environment": EstateEnvironmentFact,
    "probe": ProbeFact,
    "impact": ImpactFact,
    "tool": ToolFact,
    "waiver": WaiverFact,
    "version": VersionFact,
    "liveness": LivenessFact,
    "delivery": DeliveryFact,
    "subject": SubjectFact,
    "subjects": SubjectsFact,
    "upgrade": UpgradeFact,
    "setting": SettingFact,
    "repository": RepositoryFact,
}


class Fact(BaseModel):
    """One fact: its type, a unique id, typed fields, and where each field came from."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    type: str
    id: str
    fields: dict[str, Scalar]
    origins: dict[str, str] = Field(default_factory=dict)
    evidence: list[str] = Field(default_factory=list)  # repo/path:line behind a summary fact

    def payload(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, **self.fields}


def make_fact(
    fact_type: str,
    fact_id: str,
    origins: dict[str, str] | None = None,
    evidence: list[str] | None = None,
    **fields: Scalar,
) -> Fact:
    """Validate fields against the fact type's schema and build the fact."""
    schema = FACT_TYPES[fact_type]
    checked = schema(**fields).model_dump()
    return Fact(
        type=fact_type,
        id=f"{fact_type}:{fact_id}",
        fields=checked,
        origins=origins or {},
        evidence=evidence or [],
    )


def unique(facts: list[Fact]) -> list[Fact]:
    """Facts with distinct ids, the first of each kept (ids are durable_rules identities)."""
    seen: dict[str, Fact] = {}
    for f in facts:
        seen.setdefault(f.id, f)
    return list(seen.values())


def field_type(fact_type: str, field: str) -> type | None:
    schema = FACT_TYPES.get(fact_type)
    if schema is None or field not in schema.model_fields:
        return None
    annotation = schema.model_fields[field].annotation
    return annotation if isinstance(annotation, type) else None
