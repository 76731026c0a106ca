"""A request's text made ready for reading (engine/spec/text.py): lower case, contractions
spelled out, and the shapes that would mislead word by word rewritten — ticket labels dropped,
suggestions and ticket titles made requests, arrows made one, host names and separable verbs
read as one thing. Deterministic: the same text always gives the same result."""

from __future__ import annotations

import re
from functools import cache

from engine.knowledge.change import IntakeSettings

_ARROW = re.compile(r"-+>|=+>|⇒|⟶")  # every arrow is read as one
# a separable verb: "cut the CNAME over to ..." reads as "cut over the CNAME to ...", "fail the
# database over" as "fail over the database"
_PHRASAL = re.compile(r"\b(cut|switch|fail|flip)\s+((?:[\w*-]+\s+){1,4}?)over\b")
_TO_VERSION = re.compile(r"\b(take|get|bring)\s+((?:[\w*-]+\s+){0,4}?)to\s+(?=v?\d)")
# "take the zones off Route 53": what is taken off something is moved
_OFF = re.compile(
    r"\b(take|pull|get)\s+(?!(?:some\s+|the\s+)?(?:load|pressure|strain)\b)((?:[\w*-]+\s+){1,4}?)off\b(?=\s+(?:of\s+)?(?:the\s+|our\s+)?[a-z])"
)
# a host name ("docs.acme.io", "*.acme.io") names a site, not the words it is spelled with
_HOSTNAME = re.compile(
    r"(?<![\w.])\*?\.?(?:[a-z0-9-]+\.)+(?:io|com|net|org|dev|app|cloud|co|ai|internal|local|"
    r"corp|tech|xyz|uk|de|fr|eu|us|in)\b(?![\w/-])"  # a label key ("x.kubernetes.io/y") is words
)
# a name run into its version ("python3.8", "py3.12", "ubuntu22.04") is the name and the version
_NAME_VERSION = re.compile(r"\b([a-z]{2,})(\d+\.\d+(?:\.\d+)?)\b")


@cache
def _first(early: tuple[str, ...]) -> re.Pattern[str]:
    """ "dev first", "starting with the staging cluster": an environment before production
    (its names and aliases, `early`) where a rollout starts."""
    names = "|".join(re.escape(e) for e in sorted(early, key=len, reverse=True)) or "(?!)"
    env = rf"((?:{names})(?:\s+(?:cluster|clusters|environment|env|account|project|workspace))?)"
    return re.compile(
        rf"\b(?:{env}\s+first\b(?!\s+(?:and\s+)?then\b)"
        rf"|(?:starting|beginning)\s+(?:on|in|with|from)\s+(?:the\s+)?{env}\b)"
    )


def normalized(text: str, rules: IntakeSettings, early: tuple[str, ...] = ()) -> str:
    """The text as the reading sees it (knowledge/intake.yaml says which words do what);
    `early`: the names of the environments before production."""
    # a ticket's key says where it was filed, never a version: "REL-2231", "INC-2291: ..."
    kept = "".join(f"(?!{re.escape(p)}-)" for p in rules.identifier_prefixes)
    text = re.sub(rf"\b{kept}[A-Z][A-Z0-9]{{1,9}}-\d+\b", "ticket", text)
    lowered = text.lower().replace("’", "'").strip()
    for opening in rules.suggestion_openings:  # "why don't we add a PDB" asks for a PDB
        if re.match(rf"{re.escape(opening)}\b", lowered):
            lowered = lowered[len(opening) :]
            break
    # a ticket's label says where the request was filed, not what it asks: "[INFRA] ...",
    # "OPS-1234: ...", "platform ticket: ..."
    # (a label that is an action says what is asked: "[DECOM] old us-east-1 cluster" removes it)
    actions = "|".join(re.escape(w) for w in rules.action_labels) or "(?!)"
    lowered = re.sub(rf"^\s*\[({actions})\]", r"\1 :", lowered)
    lowered = re.sub(r"^(?:\s*\[[^\]]{1,30}\])+\s*", "", lowered)
    lowered = re.sub(r"^[a-z][a-z0-9]*-\d+\s*[:\-]\s*", "", lowered)
    if rules.ticket_labels:
        labels = "|".join(re.escape(w) for w in rules.ticket_labels)
        lowered = re.sub(rf"^(?:[a-z0-9-]+\s+){{0,3}}(?:{labels})\s*:\s*", "", lowered)
    for opening in rules.addition_openings:  # "new DNS entry for ..." asks to add one
        if re.match(rf"{re.escape(opening)}\s+\w", lowered):
            lowered = f"add {lowered}"
            break
    lowered = (
        lowered.replace("can't", "can not")
        .replace("won't", "will not")
        .replace("n't", " not")
        .replace("cannot", "can not")
    )
    # a TTL that moves data ("TTL ... TO VOLUME 'cold'", "a TTL MOVE rule") tiers it, deletes nothing
    lowered = re.sub(r"\bttl\s+(?=move\b|to\s+(?:volume|disk)\b)", "tiering ", lowered)
    # "+1 node per DC", "image: + monai, + pydicom" add (not "snapshot + delete": that is "and")
    lowered = re.sub(
        r"(^|[,(:]\s*)\+\s?(?=\w)|(?<=\s)\+(?=\d)", lambda m: (m[1] or "") + "add ", lowered
    )
    for code in rules.region_codes:  # "from europe-west1 to europe-west4": a place, not words
        lowered = re.sub(code, "cloud region", lowered)
    for short in rules.abbreviations:  # "swap CA for Karpenter": the cluster autoscaler
        if not short.beside or any(
            re.search(rf"\b{re.escape(w)}\b", lowered) for w in short.beside
        ):
            lowered = re.sub(rf"\b{re.escape(short.short)}\b", short.means, lowered)
    if rules.policy_name_verbs:  # "Kyverno require-resource-limits policy": a name, not an action
        verbs = "|".join(re.escape(v) for v in rules.policy_name_verbs)
        if rules.required_settings:  # "require-SSL": SSL is required, no policy is named
            settings = "|".join(re.escape(w) for w in rules.required_settings)
            lowered = re.sub(rf"\b({verbs})-({settings})\b(?!-)", r"\1 \2", lowered)
        reading = f" {rules.policy_name_reading} "
        lowered = re.sub(rf"\b(?:{verbs})(?:-[a-z0-9]+)+\b", reading, lowered)
    if rules.titled_things:  # "an 'Ingress 5xx by host' panel": the panel for what it shows
        things = "|".join(re.escape(w) for w in rules.titled_things)
        lowered = re.sub(
            rf"(?:(?<=\s)|^)['\"“‘]([^'\"”’\n]{{1,60}}?)['\"”’]\s+({things})\b",
            r"\2 for \1",
            lowered,
        )
    if rules.complement_verbs:  # "the auditor requires that the bucket use ...": what is asked
        verbs = "|".join(re.escape(v) for v in rules.complement_verbs)
        lowered = re.sub(rf"\b({verbs})\s+that\b", r"\1", lowered)
    lowered = _ARROW.sub("→", lowered)
    lowered = re.sub(r"→\s*(?=v?\d)", " to ", lowered)  # "ESXi hosts -> 8.0U2": to a version
    lowered = re.sub(r"\bover-(?=[a-z])", "over", lowered)  # "cut over-provisioning" is no cutover
    lowered = re.sub(r"\s[-–—]+\s|[–—]", " ; ", lowered)  # a dash between clauses ends one
    lowered = re.sub(r"\s(?:&|\+)\s", " and ", lowered)  # "enable PITR & upgrade ...": and
    # "prod keeps flapping": a symptom, not prod kept as it is
    if rules.symptoms:
        symptoms = "|".join(re.escape(w) for w in rules.symptoms)
        lowered = re.sub(rf"\b(?:keeps|keep|kept|keeping)\s+(?=(?:{symptoms})\b)", "is ", lowered)
    # "the Datadog tracer next to the New Relic agent": beside what runs, a parallel run
    if rules.running_things:
        things = "|".join(re.escape(w) for w in rules.running_things)
        lowered = re.sub(
            rf"\bnext to (?:the |our |its )?(?:[\w-]+ ){{0,3}}?(?:{things})\b",
            " alongside ",
            lowered,
        )
    # "point every client at rediss://": a URL's scheme names no store of its own
    lowered = re.sub(r"\b[a-z][a-z0-9+.-]*://\S*", " url ", lowered)
    lowered = _HOSTNAME.sub(" hostname ", lowered)
    # "reports.internal.acme.io -> the internal NLB": a record pointing at what it names
    lowered = re.sub(r"\bhostname\s*→", "hostname pointing at", lowered)
    lowered = _NAME_VERSION.sub(r"\1 \2", lowered)
    lowered = _PHRASAL.sub(r"\1 over \2", lowered)
    # "take it to 16", "get the payments DB to 16": to a version is an upgrade
    lowered = _TO_VERSION.sub(r"upgrade \2to ", lowered)
    # "dev cluster first": dev is where the change starts, not all it reaches
    lowered = _first(early).sub(
        lambda m: f"{m.group(1) or m.group(2)} first and then prod", lowered
    )
    lowered = _OFF.sub(r"\1 \2 moving off", lowered)
    return lowered


def is_condition(stated: set[str], following: tuple[str, str], rules: IntakeSettings) -> bool:
    """Whether a "without" after the concepts `stated` names what a rule looks for ("deny pods
    without limits") rather than what the change leaves out ("without touching the nodes",
    "without downtime"); `following` is what the next two words mean."""
    if not stated & set(rules.conditions):
        return False
    word = following[1] if following[0] in ("a", "an", "the", "any") else following[0]
    left_out = {*rules.action_concepts, *rules.left_out}
    return not word.endswith("ing") and not word.startswith("~") and word not in left_out
