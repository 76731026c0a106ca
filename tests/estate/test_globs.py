"""Glob matching from repository content: pathspec's (git's) semantics, in linear time."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pathspec import GitIgnoreSpec

from engine.estate.globs import IgnoreRules, OwnerIndex, matches_template

PIECES = ["a", "b", "c", ".", "*", "**", "?", "/", "!", "[ab]", "\\*", " ", "docs"]
COMPONENT = st.text(alphabet="abc.-", min_size=1, max_size=4).filter(lambda c: set(c) != {"."})
PATH = st.lists(COMPONENT, min_size=1, max_size=4).map("/".join)
PATTERN = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join)


def _pathspec(lines: list[str]) -> GitIgnoreSpec | None:
    try:
        return GitIgnoreSpec.from_lines(lines)
    except ValueError:  # pathspec raises on patterns git ignores
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(PATTERN, min_size=1, max_size=4), paths=st.lists(PATH, max_size=8))
def test_gitignore_semantics_are_pathspecs(lines: list[str], paths: list[str]) -> None:
    spec = _pathspec(lines)
    if spec is None:
        return
    mine = IgnoreRules(lines)
    for path in paths:
        for candidate in (path, path + "/"):
            assert mine.check(candidate) == spec.check_file(candidate).include, (lines, candidate)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterns=st.lists(PATTERN, min_size=1, max_size=8), paths=st.lists(PATH, max_size=8))
def test_codeowners_index_finds_the_last_matching_rule(
    patterns: list[str], paths: list[str]
) -> None:
    rules = [(p, [f"@team{i}"]) for i, p in enumerate(patterns)]
    index = OwnerIndex(rules)
    for path in paths:
        want: list[str] = []
        for pattern, owners in rules:
            spec = _pathspec([pattern])
            if spec is not None and spec.match_file(path):
                want = owners
        assert index.owners(path) == want, (patterns, path)


def test_hostile_patterns_take_no_time() -> None:
    start = time.process_time()  # CPU: a loaded machine does not count
    rules = IgnoreRules(["*a*a*a*a*a*a*a*a*a*a*a*a*b", "**/a/**/a/**/a/**/a/**/a/**/b"])
    assert rules.check("a" * 4000) is None
    assert rules.check("/".join(["a"] * 500)) is None
    index = OwnerIndex([("*a*a*a*a*a*a*a*a*a*a*a*a*b", ["@x"])] * 1000)
    assert index.owners("a" * 4000) == []
    assert time.process_time() - start < 2


def test_fifty_thousand_codeowners_rules_over_two_thousand_files() -> None:
    rules = (
        [(f"/services/svc-{i}/", [f"@team-{i}"]) for i in range(20_000)]
        + [(f"*.ext{i}", ["@ext"]) for i in range(15_000)]
        + [(f"/apps/app-{i}-*", ["@apps"]) for i in range(10_000)]
        + [(f"docs/**/guide-{i}.md", ["@docs"]) for i in range(5_000)]
    )
    files = [f"services/svc-{i * 7}/main.tf" for i in range(1_000)] + [
        f"apps/app-{i}-web/values.ext{i}" for i in range(1_000)
    ]
    start = time.process_time()  # CPU: a loaded machine does not count
    index = OwnerIndex(rules)
    owners = [index.owners(f) for f in files]
    assert time.process_time() - start < 10
    assert owners[7] == ["@team-49"] and owners[1_500] == ["@apps"]


def test_names_with_interpolations() -> None:
    assert matches_template(["prod/", "/db"], "prod/orders/db")
    assert not matches_template(["prod/", "/db"], "prod//db")
    assert matches_template(["a", "b", "c"], "axbxc") and not matches_template(
        ["a", "b", "c"], "abc"
    )
    start = time.process_time()  # CPU: a loaded machine does not count
    assert not matches_template(["x"] * 15, "x" * 60 + "y")
    assert time.process_time() - start < 0.1
