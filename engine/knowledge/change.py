"""The change model's knowledge: traits (what a change does), change kinds (how its words and
phases show it), and how sentences are read."""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from typing import Literal

from engine.core.modelbase import Field
from engine.core.models import Strict


class TraitInfo(Strict):
    """A property of a change that rules decide from (knowledge/traits.yaml)."""

    id: str
    family: str
    means: str
    declared: dict[str, str | bool] = Field(
        default_factory=dict,
        description="Spec declarations that give the trait, e.g. {reversible: false}.",
    )


class ChangeKind(Strict):
    """What a change does, recognised from its words or phases (knowledge/change-kinds.yaml)."""

    id: str
    means: str
    when: list[list[str]] = Field(
        default_factory=list,
        description="Concept sets: all of one set in the text (and not negated) shows the kind.",
    )
    unless: list[str] = Field(
        default_factory=list,
        description="Concepts that rule the kind out when present in the same clause.",
    )

    unless_anywhere: list[str] = Field(
        default_factory=list,
        description="Concepts that rule the kind out when said anywhere in the text ('a "
        "constraint that reports ..., dryrun only').",
    )
    unless_stated: list[str] = Field(
        default_factory=list,
        description="Concepts that rule the kind out when the request states them anywhere, but "
        "not when a reason or an aside gives them as how things are now ('a policy requiring "
        "requests, audit mode only' is reported, never enforced; 'start enforcing our policies "
        "(currently audit-only)' still enforces).",
    )
    phases: list[str] = Field(
        default_factory=list, description="Implementation phase names that show the kind."
    )
    phase_unless: list[str] = Field(
        default_factory=list,
        description="Concepts in a phase's task that say the phase is not the kind its name "
        "stands for ('node-pools: add a spot NodePool' adds capacity, it replaces no node): "
        "then the task's own words decide.",
    )
    anywhere: bool = Field(
        default=False,
        description="Its concepts may be spread over the whole text, reasons included "
        "(a consequence such as 'so it will reboot' still says what the change does).",
    )
    traits: list[str]


class Abbreviation(Strict):
    """A short form read as `means` when one of `beside` is in the same sentence (always when
    `beside` is empty)."""

    short: str
    means: str
    beside: list[str]


class IntakeSettings(Strict):
    """How sentences are read (knowledge/intake.yaml)."""

    id: str
    negators: list[str]
    clause_breaks: list[str]
    action_concepts: list[str]
    context_markers: list[str]
    take_backs: list[str]
    environment_take_backs: list[str] = Field(
        default_factory=list,
        description="Words that take their clause back only after an environment was named in "
        "it ('prod keeps nginx', 'staging waits'; but 'keep 35 days of backups' is a change).",
    )
    complement_verbs: list[str] = Field(
        default_factory=list,
        description="Verbs whose 'that' opens what is asked, not a relative clause or a reason "
        "('the auditor requires that the bucket use Object Lock'): the 'that' is taken out.",
    )
    explanation_openings: list[str] = Field(
        default_factory=list,
        description="Openings that ask for an explanation ('explain what RPO means', 'tell me "
        "about ...'): the text is a question even without a question mark.",
    )
    suggestion_openings: list[str] = Field(
        default_factory=list,
        description="Openings that make a request of a suggestion ('why don't we add ...'): "
        "taken off before reading, so they are neither a negation nor a question.",
    )
    introduced_objects: list[str] = Field(
        default_factory=list,
        description="Concepts that 'introduce' adds ('introduce a read replica'); a clause that "
        "introduces none of them brings in a new tool ('introduce Linkerd').",
    )
    introduced_modes: list[str] = Field(
        default_factory=list,
        description="Modes that, said in any clause, make what is introduced an addition "
        "('introduce a Gatekeeper constraint ..., dryrun only').",
    )
    ticket_labels: list[str] = Field(
        default_factory=list,
        description="Words that end a ticket's label before a colon ('Platform ticket: ...', "
        "'Ops request: ...'): the label is dropped, it says where a request was filed.",
    )
    identifier_prefixes: list[str] = Field(
        default_factory=list,
        description="Prefixes of KEY-123 identifiers that name what a request is about ('CVE', "
        "'SEV'); any other upper-case key ('REL-2231', 'INC-2291') is a ticket's, no version.",
    )
    addition_openings: list[str] = Field(
        default_factory=list,
        description="Words that, opening a request, ask for something to be added, as ticket "
        "titles do ('New private DNS entry for ...', 'Another node pool for ...').",
    )
    ask_openings: list[str] = Field(
        default_factory=list,
        description="Words that open an ask after a consequence marker ('we keep running out of "
        "pod IPs, so turn on prefix delegation', '..., so let's move it to gp3'): the clause "
        "is the change, not a consequence of it.",
    )
    consequence_markers: list[str] = Field(
        default_factory=list,
        description="Context markers that introduce the change itself when an action follows "
        "them ('Loki has replaced ELK, so tear it down'); else they start a reason.",
    )
    conditions: list[str] = Field(
        default_factory=list,
        description="Concepts after which 'without' names what a rule looks for ('deny pods "
        "without limits', 'flag images without a signature'), not what the change leaves out "
        "('upgrade without touching the nodes', 'enforce it without downtime' still negate).",
    )
    undoes: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Concepts that undo others: said anywhere, the undone ones are not the "
        "change ('flip it back to audit mode, Enforce is blocking deploys').",
    )
    exceptions: list[str] = Field(
        default_factory=list,
        description="Words that take out only what they name ('every service except "
        "payments'), up to one of `exception_ends` or an action.",
    )
    exception_ends: list[str] = Field(
        default_factory=list,
        description="Words that end what an exception names ('except payments *to* the new "
        "store'): the sentence goes on as before it.",
    )
    window_times: list[str] = Field(
        default_factory=list,
        description="Words that date a window a request says is booked ('Sat', 'Thursday', "
        "'UTC'): with a clock time or one of these within a few words of 'window', the request "
        "declares a change window ('cut over in Thursday's 22:00 UTC window').",
    )
    window_words: list[str] = Field(
        default_factory=lambda: ["window", "windows"],
        description="Nouns that name a booked slot when dated ('the 22:00 UTC window', 'the "
        "quarterly maintenance (cluster drained 07:00-19:00)').",
    )
    stated_risk_levels: list[str] = Field(
        default_factory=list,
        description="Risk levels a request can state as its owners' floor ('the network team "
        "rates this change high risk'); a lower stated level is no evidence and is not taken.",
    )
    adverb_breaks: list[str] = Field(
        default_factory=list,
        description="Clause breaks that are adverbs inside a reason ('the cluster, which only "
        "ran search, ...'): they do not end it.",
    )
    relative_markers: list[str] = Field(
        default_factory=list,
        description="Context markers that start a relative clause ('the cache that holds "
        "sessions should be upgraded'): it ends at one of `relative_ends`.",
    )
    relative_ends: list[str] = Field(
        default_factory=list,
        description="Words that end a relative clause: the main verb follows ('should', 'must').",
    )
    watchers: list[str] = Field(
        default_factory=list,
        description="Concepts that watch something (an alert, a dashboard): what follows one of "
        "`watched_markers` after them is what they watch, not what changes ('a CloudWatch alarm "
        "on the ALB 5xx rate', 'a dashboard for Route 53 health checks').",
    )
    phrase_ends: list[str] = Field(
        default_factory=list,
        description="Words that end a noun phrase ('and', 'for', 'on'): what stands before an "
        "alert is watched only within its own phrase ('an ACM certificate expiry alert').",
    )
    kept_states: list[str] = Field(
        default_factory=list,
        description="Gerunds after 'keep' that keep a state ('staging keeps using Secrets "
        "Manager'); any other gerund after it is a symptom ('prod keeps hitting IP exhaustion').",
    )
    numbered_names: list[str] = Field(
        default_factory=list,
        description="Names with a number in them ('Route 53') and labels whose number follows "
        "them ('Finding 7', 'incident 42'): the number is no version.",
    )
    watched_kept: list[str] = Field(
        default_factory=list,
        description="Concepts that stay the change when an alert or dashboard watches them: a "
        "cost dashboard is cost work ('a cost visibility dashboard in Grafana').",
    )
    watched_markers: list[str] = Field(
        default_factory=list,
        description="Words after a watcher that introduce what it watches ('on', 'for', 'of').",
    )
    alternative_ends: list[str] = Field(
        default_factory=list,
        description="Words that end what an alternative names ('instead of GoDaddy and switch "
        "...', 'rather than CPU by introducing KEDA'): what follows is the change again.",
    )
    symptoms: list[str] = Field(
        default_factory=list,
        description="What a system keeps doing that is a symptom, not a state kept ('prod keeps "
        "flapping' is no take-back of prod, as 'prod keeps using Secrets Manager' is).",
    )
    running_things: list[str] = Field(
        default_factory=list,
        description="What runs and can have something new run beside it: 'the Datadog tracer "
        "next to the New Relic agent' is a parallel run.",
    )
    past_markers: list[str] = Field(
        default_factory=list,
        description="Words that put a clause in the past ('traffic moved to the ALB three months "
        "ago'): what it says happened is a fact the request gives, not the change, unless the "
        "clause opens with an action ('revert the change we made two weeks ago').",
    )
    state_markers: list[str] = Field(
        default_factory=list,
        description="Words that state a problem as it is now ('the prod node pools are running "
        "out of IPs', 'we're seeing 5xx'): beside a clause that asks for something, the clause "
        "is the reason, not the change ('keeps' before a gerund says so too: 'node upgrades keep "
        "evicting every replica').",
    )
    commit_types: list[str] = Field(
        default_factory=list,
        description="Conventional-commit types ('feat(redis): ...'): the bracketed scope is the "
        "area touched, dropped before reading (an environment it names is kept).",
    )
    titled_things: list[str] = Field(
        default_factory=list,
        description="Words that a quoted title before them names ('an \\'Ingress 5xx by host\\' "
        "panel'): read as the thing for what its title says, which is context.",
    )
    sizes: list[str] = Field(
        default_factory=list,
        description="Concepts that name a size of a thing: one for another is a resize, not a "
        "move ('r6g.large -> r6g.xlarge', 'cache.r6g.xlarge instead of cache.r6g.large').",
    )
    amounts: list[str] = Field(
        default_factory=list,
        description="Words that open an amount or a frequency: what 'instead of' replaces with "
        "one is a setting's value, not a thing moved to another ('refresh every 5 minutes "
        "instead of every hour').",
    )
    ticket_fields: dict[
        Literal["change", "context", "rollback", "window", "risk", "excluded"], list[str]
    ] = Field(
        default_factory=dict,
        description="Labels that open a change ticket's fields ('Change:', 'Reason:', "
        "'Rollback:'), by role: `change` fields are what is asked, every other field is read "
        "as context; `excluded` fields are left out, and `rollback`, `window` and `risk` "
        "fields are declarations too (engine/spec/ticket.py).",
    )
    empty_field_values: list[str] = Field(
        default_factory=list,
        description="Values that say nothing ('Impact: none', 'Downtime: n/a'): the field "
        "is dropped.",
    )
    no_way_back_openings: list[str] = Field(
        default_factory=list,
        description="Openings of a ticket's rollback that say there is none ('Rollback: not "
        "possible, ...'): the change is declared one-way.",
    )
    rollback_needless: list[str] = Field(
        default_factory=list,
        description="Words after such an opening that say a rollback is not needed, not that "
        "it is impossible ('Rollback: none needed').",
    )
    action_labels: list[str] = Field(
        default_factory=list,
        description="Ticket labels that say what is asked ('[DECOM] old cluster'): read as the "
        "action, where any other label is dropped.",
    )
    rollback_says: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Traits a spec's rollback text states, by phrase ('the authentication mode "
        "cannot go back': one-way); '...' in a phrase stands for up to four words, a leading '^' for the text's start.",
    )
    left_out: list[str] = Field(
        default_factory=list,
        description="Concepts that a 'without' always leaves out of the change, even after a "
        "condition concept ('enforce it without downtime').",
    )
    non_production_words: list[str] = Field(
        default_factory=list,
        description="Words that name every environment before production ('non-prod only').",
    )
    alternatives: list[str] = Field(
        default_factory=list,
        description="Negators that name what is replaced ('instead of X'): they negate only up "
        "to the next 'and'.",
    )
    region_codes: list[str] = Field(
        default_factory=list,
        description="Regular expressions for a cloud's region codes ('eu-west-1', "
        "'europe-west4', 'westeurope'): each is read as 'cloud region', so a store moved from "
        "one to another is moved to another location.",
    )
    abbreviations: list[Abbreviation] = Field(
        default_factory=list,
        description="Short forms that mean one thing only beside a companion word ('CA' is the "
        "cluster autoscaler beside Karpenter, a certificate authority elsewhere).",
    )
    forbidding_verbs: list[str] = Field(
        default_factory=list,
        description="Verbs of a rule that forbids ('an SCP denying org exit and trail deletion'):"
        " said after a clause's first word, the actions that follow are what the rule forbids, "
        "not what the change does.",
    )
    policy_name_verbs: list[str] = Field(
        default_factory=list,
        description="Verbs that begin a hyphenated policy name ('require-team-label', "
        "'disallow-latest-tag'): the name is read as a policy, not as the action.",
    )
    policy_name_reading: str = Field(
        "policy",
        description="What a hyphenated policy name is read as ('disallow-privileged' is an "
        "admission policy wherever it is named).",
    )
    required_settings: list[str] = Field(
        default_factory=list,
        description="Words that, after a policy-name verb, name a setting, not a policy: "
        "'require-SSL' asks for SSL to be required.",
    )
    question_words: list[str]
    errand_words: list[str] = Field(
        default_factory=list,
        description="Words that, among a request's first `errand_reach` words, make it an "
        "errand, not a change: 'book a meeting room', 'prepare the slides'.",
    )
    errand_reach: int = Field(8, ge=1)
    ambiguous_environment_words: list[str]
    quantity_units: list[str]
    quantity_words: list[str] = Field(default_factory=list)
    counting_verbs: list[str] = Field(
        default_factory=list,
        description="Verbs that, opening a clause, make its whole numbers a count ('increase the "
        "partitions of the topic from 12 to 48'), unless the clause says 'version'.",
    )
    not_version_names: list[str] = Field(
        default_factory=list,
        description="Words that, after 'to', name nothing that has a version: 'to port 8080', "
        "'we need to add 10 more runners' name no target version.",
    )
    max_version_jump: int = Field(
        10,
        ge=1,
        description="Whole numbers further apart than this are a count, not a version: no "
        "release jumps more majors ('from 24 to 400').",
    )
    size_units: list[str] = Field(default_factory=list)
    cluster_quantifiers: list[str] = Field(default_factory=list)
    cluster_distributives: list[str] = Field(default_factory=list)
    cluster_quantity_breaks: list[str] = Field(default_factory=list)
    compliance_regimes: dict[str, list[str]] = Field(default_factory=dict)
    versioned_products: list[str] = Field(
        default_factory=list,
        description="Products whose releases are whole numbers: '<product> N to M' is a version "
        "change ('Postgres 14 to 16', 'Aurora MySQL 2 to 3'); after any other word the numbers "
        "may be quantities.",
    )
    urgency_levels: list[str]
    min_pattern_score: int
    min_margin: int
    min_category_score: int
