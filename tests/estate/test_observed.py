"""What a run lists, observed for the facts output cache (engine/estate/observed.py): the walk a
repository's `exclude` patterns do not apply to, how many files the patterns kept, and the
digests of the files as read; nothing outside `observing`."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from engine.estate import observed
from engine.estate.walk import RepoSpec, walk
from tests.conftest import EXAMPLES


def _repo(tmp_path: Path) -> RepoSpec:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "estate" / "infra-flux", root)
    (root / "big.yaml").write_text("x: " + "y" * 400 + "\n")  # over the limit: a diagnostic
    return RepoSpec(name="r", root=root)


def _files(walked: object) -> list[str]:
    return [e.path for e, _ in walked.files]  # type: ignore[attr-defined]


def test_the_walk_before_exclude_patterns_is_observed(tmp_path: Path) -> None:
    spec = _repo(tmp_path)
    everything, without_apps = walk(spec, 300), walk(spec, 300, exclude=("apps/",))
    assert any(p.startswith("apps/") for p in _files(everything))
    with observed.observing() as seen:
        kept = walk(spec, 300, exclude=("apps/",))
    assert _files(kept) == _files(without_apps)
    ((where, (whole, count)),) = seen.walks.items()
    assert where[:3] == ("r", str(spec.root.resolve()), 300)
    assert _files(whole) == _files(everything) and count == len(_files(without_apps))
    assert whole.diagnostics == everything.diagnostics
    assert ("big.yaml", "file too large (404 bytes; limit 300, see --max-file-bytes)") in (
        whole.diagnostics
    )
    assert whole.skipped == everything.skipped and "excluded" in kept.skipped
    assert whole.stats.keys() == everything.stats.keys()


def test_nothing_is_kept_unless_observed(tmp_path: Path) -> None:
    spec = _repo(tmp_path)
    with observed.observing() as seen:
        pass
    walk(spec, 300)
    observed.read([(spec.root / "big.yaml", "0" * 64)])
    assert not seen.walks and not seen.digests and not observed.active()


def test_the_digests_read_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    with observed.observing() as seen:
        observed.read([(path, sha)])
    assert seen.digests == {str(path): sha}
