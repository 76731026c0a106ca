"""The Markdown plan reads well: one decisions row per value, a rollback summary instead of a
table mirroring the rollout, labels cut between words, a current-state section, policy findings
of a sentence phrased for the spec it generates."""

from __future__ import annotations

import json

from engine.plan.model import read_plan
from engine.render.markdown_parts import clip
from engine.render.plan_markdown import render
from tests.golden.regenerate import GOLDEN


def test_clip_cuts_between_words() -> None:
    text = "Merge to infra-flux; Flux reconciles in dev (workload-dev): HelmRelease karpenter"
    assert clip(text, 200) == text
    cut = clip(text, 40)
    assert cut.endswith("…") and len(cut) <= 40
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "  # a whole word before the cut
    assert clip("x" * 50, 10) == "x" * 9 + "…"  # one long word: cut it, but say so


def test_one_row_per_decided_value_and_a_rollback_summary() -> None:
    plan = read_plan(GOLDEN / "spec-karpenter-upgrade.json")
    markdown = render(plan)
    table = markdown.split("## Decisions")[1].split("\n## ")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    values = [
        (d, v) for d, x in plan.decisions.items() for v in dict.fromkeys(t.value for t in x.trace)
    ]
    assert len(rows) == len(values) + sum(1 for x in plan.decisions.values() if not x.trace)
    assert "## Rollback (reverse order)" not in markdown and "\n## Rollback\n" in markdown
    summary = markdown.split("\n## Rollback\n")[1].split("\n## ")[0]
    assert len(summary.splitlines()) < len(plan.rollout_steps)
    assert "## Current state" in markdown and "| Version |" in markdown


def test_policy_findings_of_a_sentence_speak_of_the_spec_it_generates() -> None:
    plan = json.loads((GOLDEN / "trigger-security-scanning.json").read_text())
    markdown = (GOLDEN / "trigger-security-scanning.md").read_text()
    if plan["violations"]:
        assert "infraplan new" in markdown.split("## Policy findings")[1].split("\n## ")[0]
