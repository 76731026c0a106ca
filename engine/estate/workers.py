"""Extracting the files no cache knows, in worker processes (engine/estate/read.py decides which).

Two ways in. Usually every miss is known first (the repositories listed, their cache indexes
read), then split into batches of similar size, largest files first, for the workers. When
nothing is cached for the repositories (a first run, or new extractors: a fresh key space), every
file is a miss: then the workers start while the repositories are still being listed, and each
repository's files go to them as soon as it is listed (`offer`), so listing (git, reading and
hashing files) and extraction overlap instead of following each other.

Either way each file is extracted once per content (its cache key) and from the first path that
had it, in listing order, so the facts are the same whichever way they were made.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import TracebackType

from engine.core.models import share_empties
from engine.core.picklefile import no_gc
from engine.estate.extract import FileExtract, extract

Item = tuple[str, bytes, str]  # kind, content, path (in its repository)

INLINE_LIMIT = 64  # fewer cache misses than this are extracted in-process: no pool start-up
CHUNK_BYTES = 48_000  # what one task of an early extraction holds, at most (bar a larger file)


def _extract_batch(batch: list[Item]) -> list[FileExtract]:
    """In a worker: the facts of a batch of files. The collector is paused: parse trees are
    almost all acyclic (no garbage to find), and the collections they trigger cost a quarter of
    extraction."""
    with no_gc():
        return [extracted(kind, data, path) for kind, data, path in batch]


def extracted(kind: str, data: bytes, path: str) -> FileExtract:
    """A file's facts, their empty lists and dicts the shared empties (engine/core/models.py):
    a worker's batch then sends one of each, not hundreds of thousands."""
    facts = extract(kind, data, path)
    share_empties(facts)
    for block in facts.terraform:
        share_empties(block)
    for doc in facts.objects:
        share_empties(doc)
    return facts


def batches(items: list[tuple[str, Item]], count: int) -> list[list[tuple[str, Item]]]:
    """Split work ((key, item) pairs) into about `count` batches of similar byte size, largest
    files first."""
    order = sorted(range(len(items)), key=lambda i: -len(items[i][1][1]))
    bins: list[list[int]] = [[] for _ in range(count)]
    sizes = [0] * count
    for i in order:
        target = sizes.index(min(sizes))
        bins[target].append(i)
        sizes[target] += len(items[i][1][1]) + 2000
    return [[items[i] for i in sorted(b)] for b in bins if b]


# a tiny file of each kind, extracted before workers fork (see _before_fork)
_WARM_UP = {
    "terraform": (b'resource "null_resource" "warm_up" {}\n', "main.tf"),
    "yaml": (b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: warm-up\n", "w.yaml"),
}
_HCL_KINDS = {"terraform", "tfvars", "terraform-lock"}


def _before_fork(kinds: set[str]) -> None:
    """What every forked worker would otherwise build for itself, built once before they fork:
    the HCL parser (lark, its grammar loaded) and the fact models' validators (pydantic builds
    them on first use), by extracting a tiny file of each kind there is to read: about 0.12 s
    less CPU in each worker for 0.2 s more here, a gain from two workers on."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        return  # workers start afresh: nothing built here would reach them
    if kinds & _HCL_KINDS:
        extract("terraform", *_WARM_UP["terraform"])
    if kinds - _HCL_KINDS:
        extract("yaml", *_WARM_UP["yaml"])


Progress = Callable[[int], None]  # files done so far
Done = tuple[list[str], list[FileExtract]]  # a part extracted: its keys and their facts


class Extraction:
    """The facts of the cache misses of one run, by cache key. `eager`: nothing is cached for
    the repositories, so the misses are extracted as they are offered (`offer`, while listing)
    once there are enough of them to be worth the workers; `results` gives all the facts."""

    def __init__(self, jobs: int, eager: bool) -> None:
        self.jobs = jobs or os.cpu_count() or 1
        self.eager = eager and self.jobs > 1
        self.offered: set[str] = set()
        self._pending: list[tuple[str, Item]] = []  # offered, not handed to a worker yet
        self._pending_bytes = 0
        self._pool: ProcessPoolExecutor | None = None
        self._tasks: list[tuple[list[str], Future[list[FileExtract]]]] = []

    def __enter__(self) -> Extraction:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (what they were given and not started is dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def offer(self, key: str, item: Item) -> None:
        """A file just listed that no cache holds (eager only: otherwise `results` is given it)."""
        if not self.eager or key in self.offered:
            return
        self.offered.add(key)
        self._pending.append((key, item))
        self._pending_bytes += len(item[1])
        if self._pool is None and len(self._pending) >= INLINE_LIMIT:
            _before_fork({kind for _, (kind, _, _) in self._pending})
            self._pool = ProcessPoolExecutor(max_workers=self.jobs)
            self._pending.sort(key=lambda p: -len(p[1][1]))  # the largest first
            for chunk in _chunks(self._pending):
                self._submit(chunk)
            self._pending, self._pending_bytes = [], 0
        elif self._pending_bytes >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        """A repository is listed: what it offered goes to the workers now (when they run), not
        with the next repository's files (which may all be cached or copies)."""
        if self._pool is not None and self._pending:
            self._submit(self._pending)
            self._pending, self._pending_bytes = [], 0

    def _submit(self, chunk: list[tuple[str, Item]]) -> None:
        assert self._pool is not None
        future = self._pool.submit(_extract_batch, [item for _, item in chunk])
        self._tasks.append(([key for key, _ in chunk], future))

    def results(self, work: dict[str, Item], progress: Progress) -> Iterator[Done]:
        """The facts of everything offered and of `work` (misses not offered): each part's keys
        and facts as soon as it is done, parts in the order they are done."""
        if self._pool is None:  # nothing handed over yet: all of it at once
            work = {**dict(self._pending), **work}
            self._pending = []
            if len(work) < INLINE_LIMIT or self.jobs == 1:
                for key, item in sorted(work.items()):
                    yield [key], [extracted(*item)]
                    progress(1)
                return
            _before_fork({kind for kind, _, _ in work.values()})
            self._pool = ProcessPoolExecutor(max_workers=self.jobs)
            for batch in batches(sorted(work.items()), self.jobs * 4):
                self._submit(batch)
        else:
            self._pending.extend(sorted(work.items()))
            for chunk in _chunks(self._pending):
                self._submit(chunk)
            self._pending = []
        tasks = {future: keys for keys, future in self._tasks}
        self._tasks = []
        pending = set(tasks)
        while pending:  # (not as_completed: it holds every future, and so every part's facts,
            # until the last is done; here a part's facts live only until they are given on)
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                keys = tasks.pop(future)
                yield keys, future.result()
                progress(len(keys))
            del done, future
        self.close()


def _chunks(items: list[tuple[str, Item]]) -> list[list[tuple[str, Item]]]:
    """Consecutive runs of about CHUNK_BYTES (a larger file alone)."""
    chunks: list[list[tuple[str, Item]]] = [[]]
    size = 0
    for entry in items:
        if chunks[-1] and size + len(entry[1][1]) > CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(entry)
        size += len(entry[1][1])
    return [c for c in chunks if c]
