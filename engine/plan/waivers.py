"""Waivers: a spec's declared exceptions to policy rules, checked and applied to violations."""

from __future__ import annotations

from engine.core.errors import InputError, did_you_mean
from engine.decide.base import KnowledgeBase
from engine.decide.results import Violation, WaivedBy
from engine.spec.model import LoadedSpec


def validate_waivers(loaded: LoadedSpec, kb: KnowledgeBase) -> None:
    """A waiver must name a policy rule that exists (file:line and a did-you-mean otherwise)."""
    policy = [r.id for r in kb.rulebook.policy_rules]
    problems = [
        loaded.smap.problem(
            ("waivers", i, "rule"),
            f'waives unknown policy rule "{w.rule}"{did_you_mean(w.rule, policy)}; policy rules: {", ".join(sorted(policy))}',
        )
        for i, w in enumerate(loaded.spec.waivers)
        if w.rule not in policy
    ]
    if problems:
        raise InputError(problems)


def apply_waivers(loaded: LoadedSpec, found: list[Violation]) -> list[Violation]:
    """Mark violations the spec waives. A waiver any policy rule flags (incomplete, expired) is
    not honored, and a waiver never excuses a violation about waivers."""
    flagged = {m.id for v in found for m in v.facts if m.type == "waiver"}
    out = []
    for v in found:
        waiver_index = next(
            (
                i
                for i, w in enumerate(loaded.spec.waivers)
                if w.rule == v.rule and f"waiver:{i}:{w.rule}" not in flagged
            ),
            None,
        )
        if waiver_index is not None and not any(m.type == "waiver" for m in v.facts):
            w = loaded.spec.waivers[waiver_index]
            v = v.model_copy(
                update={
                    "waived_by": WaivedBy(
                        reason=w.reason,
                        owner=w.owner,
                        expires=w.expires.isoformat() if w.expires else "",
                        at=loaded.origin("waivers", waiver_index),
                    )
                }
            )
        out.append(v)
    return out
