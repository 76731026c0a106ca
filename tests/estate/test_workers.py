"""Extraction in worker processes: started while the repositories are listed when nothing is
cached for them, otherwise once every miss is known; the facts are the same either way, and the
git listings of several repositories run side by side with the same answers."""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.decide.base import KnowledgeBase
from engine.estate import gitls, read, workers
from engine.estate.discover import RepoSpec, discover
from engine.estate.model import Estate
from engine.estate.read import RepoFacts, ScanOptions, facts_of, list_repositories, nothing_cached
from engine.estate.scan import Assembly, assemble
from engine.estate.workers import Extraction
from tests.conftest import EXAMPLES

# each example repository twice: the copies' files have the same contents (one extraction each)
REPOS = [
    RepoSpec(f"{name}-{copy}", EXAMPLES / "estate" / name)
    for copy in (1, 2)
    for name in ("infra-tf", "infra-flux", "deployments")
]


def _estate(kb: KnowledgeBase, options: ScanOptions, eager: bool) -> Estate:
    with Extraction(options.jobs, eager=eager) as extraction:
        listed = list_repositories(REPOS, kb.knowledge, options, extraction)
        return assemble(facts_of(listed, options, extraction), kb.knowledge, options)


@pytest.fixture(scope="module")
def serial(kb: KnowledgeBase) -> Estate:
    return _estate(kb, ScanOptions(jobs=1), eager=False)


def test_extraction_while_listing_gives_the_serial_facts(
    kb: KnowledgeBase, serial: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "INLINE_LIMIT", 4)  # the workers start with the fourth file
    monkeypatch.setattr(workers, "CHUNK_BYTES", 1500)  # and get many small tasks
    submitted: list[int] = []
    original = workers.Extraction._submit

    def counted(self: Extraction, chunk: list[tuple[str, workers.Item]]) -> None:
        submitted.append(len(chunk))
        original(self, chunk)

    monkeypatch.setattr(workers.Extraction, "_submit", counted)
    assert _estate(kb, ScanOptions(jobs=2), eager=True) == serial
    assert len(submitted) > 5  # handed over in parts, as listed
    assert not multiprocessing.active_children()  # the workers stopped


def test_repositories_are_placed_as_their_facts_come_and_in_any_order(
    kb: KnowledgeBase, serial: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "INLINE_LIMIT", 4)
    monkeypatch.setattr(workers, "CHUNK_BYTES", 1500)
    events: list[str] = []
    results = workers.Extraction.results

    def parts(self: Extraction, *args: object) -> Iterator[workers.Done]:
        for part in results(self, *args):  # type: ignore[arg-type]
            events.append("part")
            yield part

    monkeypatch.setattr(workers.Extraction, "results", parts)
    options = ScanOptions(jobs=2)
    placed: list[RepoFacts] = []
    with Extraction(options.jobs, eager=True) as extraction:
        listed = list_repositories(REPOS, kb.knowledge, options, extraction)
        assembly = Assembly([x.repo for x in listed], kb.knowledge, options)

        def place(repo: RepoFacts) -> None:
            events.append("place")
            placed.append(repo.model_copy(update={"files": list(repo.files)}))
            assembly.place(repo)

        assert facts_of(listed, options, extraction, place) == []
    assert assembly.estate() == serial
    assert sorted(r.name for r in placed) == sorted(r.name for r in REPOS)
    last_part = len(events) - 1 - events[::-1].index("part")
    assert "place" in events[:last_part]  # some placed while others were still extracted
    backwards = Assembly(placed, kb.knowledge, options)
    for repo in reversed(placed):
        backwards.place(repo)
    assert backwards.estate() == serial


def test_few_misses_are_extracted_here_even_when_eager(
    kb: KnowledgeBase, serial: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("workers started for a few files")

    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(workers, "INLINE_LIMIT", 10_000)
    assert _estate(kb, ScanOptions(jobs=2), eager=True) == serial


def test_an_error_while_listing_stops_the_workers(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "INLINE_LIMIT", 4)
    calls: list[Path] = []
    original = read.repository_config

    def fails_late(root: Path, knowledge: object) -> object:
        calls.append(root)
        if len(calls) == len(REPOS):
            raise RuntimeError("a bug")
        return original(root, knowledge)  # type: ignore[arg-type]

    monkeypatch.setattr(read, "repository_config", fails_late)
    with pytest.raises(RuntimeError), Extraction(2, eager=True) as extraction:
        list_repositories(REPOS, kb.knowledge, ScanOptions(jobs=2), extraction)
    assert extraction.offered  # the workers had been given files
    assert not multiprocessing.active_children()


def test_nothing_is_cached_until_a_run_wrote_its_indexes(kb: KnowledgeBase, tmp_path: Path) -> None:
    options = ScanOptions(cache_dir=tmp_path / "cache", jobs=1)
    assert nothing_cached(REPOS, ScanOptions())  # no cache at all
    assert nothing_cached(REPOS, options)
    facts_of(list_repositories(REPOS[:1], kb.knowledge, options), options)
    assert not nothing_cached(REPOS, options)  # one repository's facts are cached
    assert nothing_cached(REPOS[1:2], options)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_listings_side_by_side_answer_as_one_at_a_time(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repos = []
    for i in range(7):
        root = tmp_path / f"repo{i}"
        shutil.copytree(EXAMPLES / "estate" / ("infra-flux" if i % 2 else "infra-tf"), root)
        (root / ".gitignore").write_text(f"*-{i}.yaml\nignored{i}/\n")
        (root / f"x-{i}.yaml").write_text("kind: ConfigMap\n")  # ignored
        (root / f"ignored{i}").mkdir()
        (root / f"ignored{i}" / "a.yaml").write_text("kind: ConfigMap\n")
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        if i % 3 == 0:  # an index: tracked files that .gitignore matches are left out too
            subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        repos.append(RepoSpec(f"r{i}", root))
    one_at_a_time = [discover(r) for r in repos]
    assert all(f.path != "x-0.yaml" for f in one_at_a_time[0].files)
    monkeypatch.setattr(read, "GIT_AHEAD", 3)
    started: list[Path] = []
    original = gitls.GitListing.__init__

    def tracked(self: gitls.GitListing, root: Path) -> None:
        started.append(root)
        original(self, root)

    monkeypatch.setattr(gitls.GitListing, "__init__", tracked)
    listed = list_repositories(repos, kb.knowledge, ScanOptions())
    assert len(started) == len(repos)  # each repository's listing started once, by git
    assert [[e.path for e, _, _ in x.entries] for x in listed] == [
        [f.path for f in d.files] for d in one_at_a_time
    ]


def test_a_parts_facts_are_not_kept_once_given_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The facts of a part live until the caller has them, not for the whole extraction: at
    10,000 files every part's facts held to the end made the parent 50 MB larger."""
    monkeypatch.setattr(workers, "INLINE_LIMIT", 4)
    work = {
        f"k{i}": (
            "kubernetes",
            f"kind: ConfigMap\nmetadata: {{name: c{i}}}\n".encode(),
            f"c{i}.yaml",
        )
        for i in range(12)
    }
    with workers.Extraction(2, eager=False) as extraction:
        given = 0
        for keys, facts in extraction.results(work, lambda _: None):
            given += len(keys)
            assert len(facts) == len(keys)
            assert not extraction._tasks  # no list of every part's future
        assert given == len(work)
