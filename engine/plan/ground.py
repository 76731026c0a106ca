"""Stage texts grounded in this plan's rollout: knowledge texts (stage tasks, pattern notes,
risks, tests, acceptance criteria) are templates whose `{stages}`, `{first}` and `{last}` are
filled with the stages the rollout deploys in, and a text naming a delivery tool, several
environments or a feature flag (the conditions of knowledge/wording.yaml) is kept only when the
plan has them. A plan made without repositories assumes the usual environments and controllers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from engine.knowledge.model import Knowledge
from engine.plan.stages import RolloutStep, deploying_stages

_PLACEHOLDER = re.compile(r"\{(stages|first|last)\}")


def stage_label(key: str) -> str:
    """How texts name a stage: `prod`, `cluster tools`, `the estate`."""
    if key == "all":
        return "the estate"
    return key.replace("cluster:", "cluster ", 1)


@dataclass(frozen=True)
class Grounding:
    """What a plan's texts may speak of: its stages (in order), its delivery controllers and
    whether it has a feature flag."""

    stages: list[str] = field(default_factory=list)
    controllers: frozenset[str] = frozenset()
    flag: bool = False

    def fill(self, text: str) -> str | None:
        """The text with its placeholders filled; None when it names stages and there are none."""
        if not _PLACEHOLDER.search(text):
            return text
        if not self.stages:
            return None
        labels = [stage_label(s) for s in self.stages]
        path = " → ".join(labels)
        if self.stages == ["all"]:
            path = "the estate, in one stage (no environment or cluster is evidenced)"
        values = {"stages": path, "first": labels[0], "last": labels[-1]}
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def grounding(
    knowledge: Knowledge,
    steps: list[RolloutStep],
    *,
    estate_read: bool,
    flag: bool,
) -> Grounding:
    """The grounding of a plan from its rollout: the stages its steps deploy in, the
    controllers delivering them (the usual ones for a plan made without repositories)."""
    used = {s.controller for s in steps if s.controller and s.targets}
    if not estate_read:
        used |= {c.id for c in knowledge.controllers if c.usual}
    stages = deploying_stages(steps)
    staged = [s for s in stages if s != "all"]  # workflows and documents go out once
    return Grounding(stages=staged or stages, controllers=frozenset(used), flag=flag)


@cache
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(word.lower()) + r"(?![\w-])")


def _names(lowered: str, word: str) -> bool:
    """Whether the (lower-case) text names `word` as a whole word (`terraform-auditor` does not
    name Terraform)."""
    return word.lower() in lowered and _whole_word(word).search(lowered) is not None


def keeps(text: str, knowledge: Knowledge, grounded: Grounding, reads: bool = False) -> bool:
    """Whether a stage text holds only what the plan has (knowledge/wording.yaml conditions);
    `reads`: the text only reads (a success metric's `how`), so a tool's `reading` controllers
    count."""
    lowered = text.lower()
    for w in knowledge.wording:
        if not w.condition or not _names(lowered, w.find):
            continue
        needed = (w.reading if reads else []) or w.controllers
        if needed and not set(needed) & grounded.controllers:
            return False
        if w.min_stages and len(grounded.stages) < w.min_stages:
            return False
        if w.flag and not grounded.flag:
            return False
    return True


def ground_texts(texts: list[str], knowledge: Knowledge, grounded: Grounding) -> list[str]:
    """The texts the plan keeps, their placeholders filled."""
    out = []
    for text in texts:
        filled = grounded.fill(text)
        if filled is not None and keeps(filled, knowledge, grounded):
            out.append(filled)
    return out
