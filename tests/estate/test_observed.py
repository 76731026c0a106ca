"""What a run lists, observed for the facts output cache (engine/estate/observed.py): the walk a
repository's `exclude` patterns do not apply to, how many files the patterns kept, and the
digests of the files as read; nothing outside `observing`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from engine.estate import observed
from engine.estate.discover import discover
from engine.estate.walk import RepoSpec, walk
from tests.conftest import EXAMPLES

LIMIT = 3000  # bytes: every example file is smaller


def _repo(tmp_path: Path) -> RepoSpec:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "estate" / "infra-flux", root)
    (root / "big.yaml").write_text("x: " + "y" * 4000 + "\n")  # over LIMIT: a diagnostic
    return RepoSpec(name="r", root=root)


def test_the_walk_before_exclude_patterns_is_observed(tmp_path: Path) -> None:
    spec = _repo(tmp_path)
    everything, without_apps = walk(spec, LIMIT), walk(spec, LIMIT, exclude=("apps/",))
    assert any(e.path.startswith("apps/") for e, _ in everything.files)
    with observed.observing() as seen:
        kept = discover(spec, LIMIT, ("apps/",), observe=observed.observer())
    assert [e.path for e in kept.files] == [e.path for e, _ in without_apps.files]
    ((where, (whole, count)),) = seen.walks.items()
    assert where[:3] == ("r", str(spec.root.resolve()), LIMIT)
    assert count == len(without_apps.files)
    assert [(e.path, sig) for e, sig in whole.files] == [
        (e.path, observed.signature(os.stat(e.abspath))) for e, _ in everything.files
    ]
    assert whole.diagnostics == everything.diagnostics
    assert ("big.yaml", "file too large (4004 bytes; limit 3000, see --max-file-bytes)") in (
        whole.diagnostics
    )
    assert whole.skipped == everything.skipped and "excluded" in kept.skipped
    big = str(spec.root.resolve() / "big.yaml")  # left out: its stat data (a size) is kept
    assert list(whole.left_out) == [big] and whole.left_out[big][2] == 4004


def test_nothing_is_kept_unless_observed() -> None:
    with observed.observing() as seen:
        pass
    assert observed.observer() is None
    observed.read([("r", "big.yaml", "0" * 64)])
    assert not seen.walks and not seen.digests


def test_the_digests_read_are_kept_by_repository_and_path() -> None:
    with observed.observing() as seen:
        observed.read([("a", "x.yaml", "1" * 64), ("b", "x.yaml", "2" * 64)])
    assert seen.digests == {"a": {"x.yaml": "1" * 64}, "b": {"x.yaml": "2" * 64}}
