"""Every Mermaid diagram infraplan writes is well formed."""

from __future__ import annotations

import pytest

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.graph import build_graph
from engine.estate.scan import scan_estate
from engine.render.graph_mermaid import render as to_mermaid
from tests.conftest import EXAMPLES
from tests.golden.regenerate import GOLDEN
from tests.mermaid_syntax import check, mermaid_blocks


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.md")), ids=lambda p: p.name)
def test_plan_diagrams(path) -> None:  # type: ignore[no-untyped-def]
    blocks = mermaid_blocks(path.read_text())
    assert blocks, "a plan has at least its timeline"
    for block in blocks:
        assert check(block) == [], block


def test_graph_command_output(kb: KnowledgeBase) -> None:
    estate = scan_estate(
        [RepoSpec(n, EXAMPLES / "estate" / n) for n in ("infra-tf", "infra-flux", "deployments")],
        kb.knowledge,
    )
    assert check(to_mermaid(build_graph(estate, kb.knowledge))) == []


def test_the_checker_catches_mistakes() -> None:
    assert check('flowchart LR\n  n0["a"]\n  n0 -->|x| n9\n')
    assert check('flowchart LR\n  n0["say "hi""]\n')
    assert check("gantt\n  dateFormat HH:mm\n  Cloud: apply :r1, 00:00, 15m\n")
    assert check("gantt\n  dateFormat HH:mm\n  apply :r1, after r0, 15m\n")
