"""What a request says of itself beyond what it changes: the risk its owners rate it, the
compliance regimes it is made under, and whether it reaches several clusters (all from
knowledge/intake.yaml)."""

from __future__ import annotations

import re

from engine.knowledge.model import Knowledge
from engine.spec.model import Spec


def named_regimes(text: str, knowledge: Knowledge) -> list[str]:
    """The compliance regimes a request says the change is made under (knowledge/intake.yaml
    `compliance_regimes`: "PCI DSS", "before the auditors come"), sorted."""
    lowered = " ".join(text.lower().split())
    return sorted(
        regime
        for regime, phrases in knowledge.reading_rules.compliance_regimes.items()
        if any(re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", lowered) for p in phrases)
    )


def spec_regimes(spec: Spec, knowledge: Knowledge) -> dict[str, str]:
    """Every regime a spec is made under, with where it says so: its `compliance` list
    ("compliance"), else its name or summary ("summary": "..., as the PCI DSS retention control
    requires"), as a request's words are read; sorted by regime."""
    named = named_regimes(f"{spec.enhancement.name}. {spec.enhancement.summary}", knowledge)
    found = {r: "summary" for r in named} | {r: "compliance" for r in spec.compliance}
    return dict(sorted(found.items()))


def stated_risk(text: str, knowledge: Knowledge) -> str:
    """The risk a request says its owners rate it ("rates this change high risk", "a
    critical-risk change"), for the levels knowledge/intake.yaml takes as a floor; else ""."""
    levels = "|".join(re.escape(level) for level in knowledge.reading_rules.stated_risk_levels)
    if not levels:
        return ""
    found = re.search(rf"(?<!\bnot )(?<!\bnot a )\b({levels})[- ]risk\b", text.lower())
    return found.group(1) if found else ""


def booked_window(text: str, knowledge: Knowledge) -> str:
    """The change window a request says is booked ("cut over in Thursday's 22:00 UTC window",
    "Window booked Sat 22:00-02:00 UTC", "during the quarterly maintenance (drained 07:00-19:00)"):
    a clock time or a day within a few words of a window word (knowledge/intake.yaml), in one
    clause; else ""."""
    days = "|".join(map(re.escape, knowledge.reading_rules.window_times))
    if not days:
        return ""
    when = rf"(?:\d{{1,2}}:\d{{2}}|\b(?:{days})(?:'s)?\b)"
    near = r"[^.;\n]{0,30}?"
    lowered = text.lower()
    if re.search(r"\b(?:maintenance|backup|preferred)\s+windows?\s+(?:to|from|at|of)\b", lowered):
        return ""  # "set the RDS maintenance window to Sun 03:00 UTC" is a setting changed
    slot = "|".join(map(re.escape, knowledge.reading_rules.window_words)) or "(?!)"
    found = re.search(
        rf"{when}{near}\b(?:{slot})\b|\b(?:{slot})\b{near}{when}(?:{near}{when})*", lowered
    )
    if found is None:
        return ""
    start, end = found.span()
    return " ".join(text[start:end].split())


def several_clusters(text: str, knowledge: Knowledge, scope_id: str) -> str:
    """The multi-cluster scope when a request reaches several clusters ("all 4 prod clusters",
    "both AKS clusters") and its scope is another that touches production: the change is
    coordinated across clusters; how far it reaches (production or not) is unchanged."""
    scope = knowledge.scope(scope_id)
    wide = next((s for s in knowledge.scopes if s.multi_cluster), None)
    if scope is None or wide is None or scope.multi_cluster or not scope.touches_prod:
        return ""
    rules = knowledge.reading_rules
    many = "|".join(map(re.escape, rules.cluster_quantifiers))
    each = "|".join(map(re.escape, rules.cluster_distributives))
    # up to three words between ("all 4 prod AKS clusters"), none a preposition ("all pods in
    # the cluster") or a unit ("a 3 node cluster")
    skip = "|".join(map(re.escape, rules.cluster_quantity_breaks))
    between = rf"(?:\s+(?!(?:{skip})\b)[\w-]+){{0,3}}?"
    number = r"(?<![\d.])(?:[2-9]|[1-9]\d+)(?![\d.])"
    several = re.compile(
        rf"(?:\b(?:{many})\b|{number}){between}\s+clusters\b|\b(?:{each})\b{between}\s+cluster\b"
    )
    # "replicate the topics from the eu-west-1 MSK cluster to the DR cluster": one cluster to another
    name = r"(?:the\s+|our\s+)?(?:[\w.*-]+\s+){0,3}?clusters?\b"
    two = re.compile(rf"\bfrom\s+{name}[^.;\n]{{0,60}}?\b(?:to|into|onto)\s+{name}")
    lowered = text.lower()
    return wide.id if several.search(lowered) or two.search(lowered) else ""
