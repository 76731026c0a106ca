"""The reach of a change (engine/match/reach.py): what lies wholly outside the spec's
environments is not what a plan speaks of; what is placed nowhere, or also inside, stays."""

from __future__ import annotations

from engine.facts.estate import within
from engine.match.probes import Evidence, ProbeResult
from engine.match.reach import Reach

KNOWN = frozenset({"dev", "staging", "prod"})
CLUSTERS = {"staging-eu": "staging", "prod-eu": "prod", "prod-us": "prod", "tools": ""}
STAGING = Reach(frozenset({"staging"}), CLUSTERS, KNOWN)


def test_outside_by_environment_or_cluster() -> None:
    assert STAGING.outside(["prod"])
    assert STAGING.outside([], ["prod-eu", "prod-us"])
    assert not STAGING.outside(["staging", "prod"])  # also inside
    assert not STAGING.outside([], ["staging-eu", "prod-eu"])
    assert not STAGING.outside()  # placed nowhere
    assert not STAGING.outside([], ["tools"])  # a cluster of no environment
    # a change that declares no environment reaches everywhere
    assert not Reach(frozenset(), CLUSTERS, KNOWN).outside(["prod"])


def test_outside_a_named_place() -> None:
    assert STAGING.outside_place("prod-eu, prod-us")
    assert STAGING.outside_place("prod")
    assert not STAGING.outside_place("staging-eu")
    assert not STAGING.outside_place("envs/prod-like-root")  # a root, not an environment
    assert not STAGING.outside_place("")


def _evidence(where: str, envs: list[str], clusters: list[str]) -> Evidence:
    return Evidence(
        id=where, repo="r", path=where, line=1, what=where, environments=envs, clusters=clusters
    )


def test_a_probe_counts_only_what_the_change_reaches() -> None:
    pools = ProbeResult(
        name="node-pools",
        description="",
        count=3,
        by_environment={"staging": 1, "prod": 3},
        by_cluster={"staging-eu": 1, "prod-eu": 1, "prod-us": 1},
        evidence=[
            _evidence("shared.yaml", ["staging", "prod"], []),
            _evidence("prod-eu.yaml", ["prod"], ["prod-eu"]),
            _evidence("prod-us.yaml", [], ["prod-us"]),
        ],
    )
    kept = within(pools, STAGING)
    assert [e.id for e in kept.evidence] == ["shared.yaml"]
    assert kept.count == 1 and kept.by_environment == {"staging": 1} and kept.by_cluster == {}
    assert within(pools, None) == pools
    assert within(pools, Reach(frozenset(), CLUSTERS, KNOWN)) == pools
