"""What infraplan knows to ground a plan in the estate it was given: the tools it can find and
upgrade (knowledge/tools.yaml), how each delivery controller is validated and rolled back
(knowledge/controllers.yaml), what cannot be undone (knowledge/reversibility.yaml), which
settings make up the current state (knowledge/current-state.yaml), what work already in place
removes from a plan (knowledge/in-place.yaml), and which words only the bundled example or the
seed's company use (knowledge/wording.yaml)."""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from typing import Literal

from engine.core.modelbase import Field
from engine.core.models import Strict


class Matcher(Strict):
    """What shows a thing in an estate: chart names (substrings, any installation style), API
    groups, kinds, Terraform module sources (substrings) and resource types."""

    charts: list[str] = Field(default_factory=list)
    api_groups: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    modules: list[str] = Field(default_factory=list)
    terraform: list[str] = Field(default_factory=list)
    input_values: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Terraform inputs a block must set to one of these values (written as "
        "literals) to show it: `engine: [postgres]` tells a PostgreSQL database from others.",
    )


class VersionNote(Strict):
    """What changes when a tool reaches `version`; a `stop` is a version an upgrade must pass
    through (it cannot be skipped)."""

    version: str
    note: str
    stop: bool = False
    one_way: str = Field(
        default="",
        description="Why the hop to this version cannot be undone by pinning the previous "
        "version back (an API it stops serving); makes that hop a point of no return.",
    )


class SequenceStep(Matcher):
    """One position in the order an upgrade goes in (control plane → add-ons → node groups)."""

    title: str


class UpgradeInput(Strict):
    """A Terraform input that a major version upgrade changes with the version, in the same
    apply: one the blocks installing the tool must set to `value` (`unset`: what the provider
    assumes when it is not written), or — `follows_major` — one whose value names the major
    version (a parameter group's `postgres15` becomes `postgres16`), on blocks of `terraform`
    types or `modules` sources whose value starts with one of `prefixes`."""

    input: str
    terraform: list[str] = Field(default_factory=list)
    modules: list[str] = Field(default_factory=list)
    value: str = ""
    unset: str = ""
    follows_major: bool = False
    prefixes: list[str] = Field(default_factory=list)
    why: str


class MajorCheck(Matcher):
    """What to do before a hop to another major version (a snapshot, extension updates), for an
    installation the matcher describes (empty: every installation)."""

    text: str


class Tool(Matcher):
    """A tool a request can name and the estate can run (knowledge/tools.yaml)."""

    id: str
    replaces: bool = False
    title: str
    words: list[str] = Field(description="Words and phrases of a request that name the tool.")
    concept: str = Field(
        default="", description="The vocabulary concept its words read as (for negation)."
    )
    runs_with_objects: bool = Field(
        default=False,
        description="Any live cluster object shows it runs (Kubernetes itself), even when "
        "nothing declares it.",
    )
    install_files: list[str] = Field(
        default_factory=list,
        description="File names that install it as plain manifests (Flux's gotk-components.yaml).",
    )
    images: list[str] = Field(
        default_factory=list,
        description="Image repositories (without registry: `ingress-nginx/controller`) whose "
        "tag is its version: a workload running one installs it from plain manifests.",
    )
    labels: list[str] = Field(
        default_factory=list,
        description="Values of `app.kubernetes.io/name` or `app.kubernetes.io/part-of` that "
        "name it: objects so labelled install it, and their `app.kubernetes.io/version` (or "
        "`helm.sh/chart`) label is its version.",
    )
    names: Literal["", "providers", "modules"] = Field(
        default="",
        description="The subjects are the estate's Terraform providers or module calls that the "
        "request names (or all of them).",
    )
    version_attribute: str = Field(
        default="chart_version",
        description="The estate's version record that holds its installed version.",
    )
    constraint_attribute: str = Field(
        default="",
        description="The version record that holds a constraint on it (`~> 5.46.0`): what may "
        "be installed, never taken for the installed version.",
    )
    app_version: bool = Field(
        default=True,
        description="Its chart version is the tool's version (false: the chart has its own "
        "numbering, so a requested version cannot be compared with it).",
    )
    hop: Literal["minor", "stops", "major"] = Field(
        default="stops",
        description="minor: one minor version at a time; stops: through each stop version; "
        "major: versions are major.minor and a bare number names a major (PostgreSQL 16), an "
        "upgrade goes to the target directly, through the stop versions only.",
    )
    notes: list[VersionNote] = Field(default_factory=list)
    sequence: list[SequenceStep] = Field(default_factory=list)
    upgrade_inputs: list[UpgradeInput] = Field(
        default_factory=list,
        description="Terraform inputs a hop to another major version changes with it.",
    )
    major_checks: list[MajorCheck] = Field(
        default_factory=list,
        description="What to do before each hop to another major version.",
    )


class ControllerText(Strict):
    """How a delivery controller applies, checks and undoes a step (knowledge/controllers.yaml).
    Texts may use {repo}, {module}, {env} (" in prod" or ""), {targets} and {clusters}."""

    id: str
    replaces: bool = False
    title: str
    apply: str
    validation: str
    rollback: str
    emergency_stop: str
    command: str = Field(description="The command line tool its texts name (for readers).")
    merged: bool = Field(
        default=False,
        description="It applies what is merged, everywhere it is read: one merge of a file "
        "several environments read reaches all of them at once (Flux, Argo CD).",
    )
    usual: bool = Field(
        default=False,
        description="Assumed by a plan made without repositories (the seed's own controllers): "
        "stage texts naming it are kept there.",
    )


class Reversibility(Strict):
    """A step that cannot be undone, and the honest way back (knowledge/reversibility.yaml).

    It applies to the steps of a change with `trait` whose targets a probe of `probes` found (or
    that deploy the change's subject when `subject` is true); `default` applies to the first
    deploying steps of each stage when no other entry does."""

    id: str
    replaces: bool = False
    trait: str
    probes: list[str] = Field(default_factory=list)
    terraform: list[str] = Field(default_factory=list)
    default: bool = False
    marker: str
    rollback: str
    deployment: str = Field(
        default="", description="Only with this deployment strategy (blue-green: switch back)."
    )


class Setting(Matcher):
    """A setting the current state lists (knowledge/current-state.yaml): objects of `kinds` whose
    detail field `detail` holds it, or Terraform blocks with `inputs` at a value, or resources
    of `terraform` (present means configured). `of` says what it is a setting of, for counting
    what lacks it; `probes` make it relevant to a plan whose pattern asks them."""

    id: str
    replaces: bool = False
    attribute: str
    detail: str = ""
    contains: str = Field(default="", description="The detail value that counts as set.")
    unset: str = Field(
        default="",
        description="How what the setting belongs to is shown without it (an object without "
        "the field, a database without rotation); not listed when empty.",
    )
    inputs: dict[str, str] = Field(default_factory=dict)
    any_inputs: list[dict[str, str]] = Field(
        default_factory=list,
        description="Sets of inputs at a value of which any one is the setting (RDS manages "
        "and rotates the master password with either input).",
    )
    shows: list[str] = Field(
        default_factory=list,
        description="Inputs whose value is the setting (`engine_version`): shown as written.",
    )
    value: str = Field(default="configured", description="How a matching resource is shown.")
    of: Matcher = Field(default_factory=Matcher)
    probes: list[str] = Field(default_factory=list)


class InPlaceEffect(Strict):
    """What a value of the `in_place` decision removes from a plan (knowledge/in-place.yaml):
    phases and pattern texts naming the work, rollout steps of the subject's installation or of
    some probes' matches, or the whole rollout."""

    id: str
    replaces: bool = False
    title: str
    phases: list[str] = Field(
        default_factory=list, description="Words of a phase's task that make it done."
    )
    texts: list[str] = Field(
        default_factory=list,
        description="Phrases of pattern texts (stage notes, risks, tests) that no longer apply.",
    )
    installs: bool = Field(
        default=False, description="Steps installing the subject (its chart or module) are done."
    )
    probes: list[str] = Field(
        default_factory=list, description="Steps whose every target these probes found are done."
    )
    rollout: Literal["", "none"] = Field(
        default="", description="none: nothing of the estate is rolled out."
    )


class Wording(Strict):
    """Words of the bundled example or of the seed's company (knowledge/wording.yaml): a text
    holding `find` says `replace` instead, unless the estate or the request has one of `unless`
    (all words of `find` by default); with `when_empty`, only when that plan list is empty.

    An entry with a condition (`controllers`, `min_stages`, `flag`) instead keeps a stage text
    holding `find` (a whole word) only when the plan meets it: it delivers through one of
    `controllers`, rolls out in at least `min_stages` stages, or has a feature flag."""

    id: str
    replaces: bool = False
    find: str
    replace: str = ""
    unless: list[str] = Field(default_factory=list)
    when_empty: Literal["", "upgrade_findings"] = ""
    controllers: list[str] = Field(
        default_factory=list,
        description="The text is kept only when the plan delivers through one of these "
        "controllers (knowledge/controllers.yaml).",
    )
    reading: list[str] = Field(
        default_factory=list,
        description="For a success metric's `how`, which only reads: the controllers through "
        "which the plan reaches what the tool reads (kubectl reads any cluster Flux or Argo CD "
        "delivers to); else `controllers`.",
    )
    min_stages: int = Field(
        default=0, description="The text is kept only when the rollout has this many stages."
    )
    flag: bool = Field(default=False, description="The text is kept only with a feature flag.")

    @property
    def condition(self) -> bool:
        """Whether the entry keeps or leaves out texts rather than rewording them."""
        return bool(self.controllers or self.min_stages or self.flag)
