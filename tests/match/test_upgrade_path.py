"""Upgrade paths and subjects: versions parsed from values and constraints, hops spelled out
(one minor at a time for Kubernetes, through stop versions for the others), the tools a request
names (not those it negates)."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.estate.model import Estate
from engine.match.subject import InstalledVersion, Subject, named_tools
from engine.match.upgrade_path import parse_version, upgrade_path
from engine.spec.intake import spec_from_request


def test_versions_from_values_and_constraints() -> None:
    assert parse_version("1.29") == (1, 29, 0)
    assert parse_version("v1.21.1") == (1, 21, 1)
    assert parse_version("~> 5.40") == (5, 40, 0)
    assert parse_version(">= 5.40, < 7") == (5, 40, 0)
    assert parse_version("1.x") is None and parse_version("latest") is None


def _path(kb: KnowledgeBase, tool_id: str, installed: list[str], target: str) -> object:
    tool = next(t for t in kb.knowledge.tools if t.id == tool_id)
    subject = Subject(
        tool=tool_id,
        name=tool.title,
        kind="tool",
        present=True,
        count=len(installed),
        installed=[InstalledVersion(value=v, at=f"r/x.tf:{i}") for i, v in enumerate(installed)],
    )
    return upgrade_path(subject, tool, target, Estate(), kb.knowledge)


def test_kubernetes_hops_one_minor_at_a_time(kb: KnowledgeBase) -> None:
    path = _path(kb, "kubernetes", ["1.28", "1.29"], "1.31")
    assert path.hops == ["1.28 → 1.29", "1.29 → 1.30", "1.30 → 1.31"]  # type: ignore[attr-defined]
    assert [n.version for n in path.notes] == ["1.29", "1.31"]  # type: ignore[attr-defined]
    assert path.order == ["control plane", "add-ons", "node groups"]  # type: ignore[attr-defined]
    assert not path.at_target and path.behind == 2  # type: ignore[attr-defined]


def test_karpenter_hops_through_its_stop_versions(kb: KnowledgeBase) -> None:
    path = _path(kb, "karpenter", ["0.32.1"], "1.2")
    assert path.hops == [  # type: ignore[attr-defined]
        "0.32.1 → 0.33",
        "0.33 → 0.37",
        "0.37 → 1.0",
        "1.0 → 1.1",
        "1.1 → 1.2",
    ]
    done = _path(kb, "karpenter", ["1.6.0", "1.5.0"], "1.5")
    assert done.at_target and not done.hops  # type: ignore[attr-defined]


def test_a_chart_numbered_apart_is_not_compared(kb: KnowledgeBase) -> None:
    path = _path(kb, "kyverno", ["3.1.4"], "1.13")
    assert not path.comparable and path.chart_numbered and not path.at_target  # type: ignore[attr-defined]
    assert [n.version for n in path.notes] == ["1.10", "1.13"]  # type: ignore[attr-defined]


def test_the_tools_a_request_names(kb: KnowledgeBase) -> None:
    def named(text: str) -> list[str]:
        return [t.id for t in named_tools(spec_from_request(text, kb.knowledge, []), kb.knowledge)]

    assert named("Upgrade cert-manager to 1.16") == ["cert-manager"]
    assert named("Upgrade the EKS clusters from 1.29 to 1.31") == ["kubernetes"]
    assert named("Upgrade the AWS provider to 6.0") == ["terraform-provider"]
    assert "karpenter" not in named("Do not upgrade Karpenter, just upgrade Kyverno to 1.13")


def test_a_bare_major_names_a_postgresql_version(kb: KnowledgeBase) -> None:
    assert parse_version("16") is None and parse_version("16", major=True) == (16, 0, 0)
    path = _path(kb, "postgresql", ["15.7", "14.12"], "16")
    # RDS goes to a later major directly: one hop per installation, notes of every major crossed
    assert path.hops == ["14.12 → 16"]  # type: ignore[attr-defined]
    assert [n.version for n in path.notes] == ["15", "16"]  # type: ignore[attr-defined]
    assert [i.hops for i in path.installed] == [["15.7 → 16"], ["14.12 → 16"]]  # type: ignore[attr-defined]
    assert path.behind == 2 and not path.at_target  # type: ignore[attr-defined]
    there = _path(kb, "postgresql", ["16.3"], "16")
    assert there.at_target and not there.hops  # type: ignore[attr-defined]
    minor = _path(kb, "postgresql", ["15.7"], "15.8")
    assert minor.hops == ["15.7 → 15.8"] and not minor.notes  # type: ignore[attr-defined]
