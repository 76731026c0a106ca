"""Drafting a spec from a sentence for a person to edit (`infraplan new`).

The draft is planned at once; wherever a policy rule would reject it (a high-risk change with no
rollback, a window never booked, no security expert), the rule's `remedy` (rules/policy.yaml)
fills the field — the pattern's own rollback where it has one — and the header says what was
filled, so the person reviews exactly those lines. A draft therefore passes `infraplan check`.
"""

from __future__ import annotations

import copy
from typing import Any

from engine.decide.base import KnowledgeBase
from engine.plan.build import build_plan
from engine.spec.intake import SpecDraft, spec_draft
from engine.spec.load import parse_spec

MAX_ROUNDS = 3  # a remedy can raise a decision that another remedy then answers


def _apply(body: dict[str, Any], field: str, value: str) -> bool:
    if field == "planning_agents":
        agents = body.setdefault("planning_agents", [])
        if any(value in a for a in agents):
            return False
        agents.append({value: "Review the security-critical parts"})
        return True
    if body.get(field):
        return False
    body[field] = value
    return True


def remedied_draft(sentence: str, kb: KnowledgeBase, repos: list[str]) -> SpecDraft:
    draft = spec_draft(sentence, kb.knowledge, repos)
    body = copy.deepcopy(draft.body)
    filled: list[str] = []
    rules = {r.id: r for r in kb.rulebook.policy_rules}
    for _ in range(MAX_ROUNDS):
        text = SpecDraft(header=draft.header, body=body, match=draft.match).text()
        loaded = parse_spec(text, kb.knowledge, "draft.yaml")
        plan = build_plan(loaded, kb)
        pattern = kb.knowledge.pattern(plan.pattern.id) if plan.pattern else None
        values = {"pattern_rollback": " ".join(pattern.rollback) if pattern else ""}
        changed = False
        for violation in plan.violations:
            rule = rules.get(violation.rule)
            if rule is None or violation.severity != "error":
                continue
            for field, candidates in sorted(rule.remedy.items()):
                value = next((c.format(**values) for c in candidates if c.format(**values)), "")
                if value and _apply(body, field, value):
                    filled.append(f"{field} ({rule.id})")
                    changed = True
        if not changed:
            break
    header = list(draft.header)
    if filled:
        header.append(
            "# Filled so that `infraplan check` passes — review these: " + ", ".join(filled) + "."
        )
    return SpecDraft(header=header, body=body, match=draft.match)
