"""`infraplan facts` from its output cache, before the command line is imported:

1. the entry of this command (engine/commands/outentry.py) is read; when every input it was
   computed from is unchanged (stat data only), its output is replayed — stdout and stderr
   byte for byte, the -o file, the exit code;
2. otherwise the key is computed (engine/commands/outcache.py: the listing, the digests); when
   it is the entry's, the output is replayed and the entry's check recorded again;
3. otherwise the command runs as always, recorded (engine/commands/recording.py), and a
   successful run's output is stored under its key. With no entry to check, the key is not
   computed before the run: the repositories' part is taken from the command's own listing
   and reading (engine/estate/observed.py), so that a first run lists and reads each file
   once; everything else is taken before it runs.

Nothing here changes what a run prints. The cache steps aside — the command line runs as if it
did not exist — for anything it does not read (engine/commands/facts_argv.py: --no-cache,
--bundle, help, an unusual option), anything the key cannot vouch for (a file that cannot be
read, an odd `.infraplan.yaml`, a folder that is not one), and off POSIX. A run is stored only
when it exited 0 with nothing on standard error (progress aside) and its inputs were the same
before and after it. A failure to store only costs the cache.

On a terminal, progress is not replayed from the entry: a replay shows what a warm run shows
(`reading files N/N (N from the cache)` for 500 files and more; nothing under --quiet).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from engine.commands import outentry
from engine.commands.facts_argv import FactsArgs, parse
from engine.commands.outentry import FRESH_NS, Entry, Unusual
from engine.commands.recording import write_all

if TYPE_CHECKING:
    from engine.commands.outcache import Inputs, Repositories
    from engine.commands.settings import Settings
    from engine.estate.observed import Observation

# what computing a key may raise about the files it reads: the command runs as always
_UNUSUAL: tuple[type[Exception], ...] = (Unusual, OSError, UnicodeError, ValueError)


def _cache_dir(args: FactsArgs) -> str:
    if args.cache_dir:
        return args.cache_dir
    import platformdirs

    return str(platformdirs.user_cache_dir("infraplan", appauthor=False))


class _Key:
    """The key's parts as the files are now (the knowledge's only once its folders are known;
    the repositories' listings, on a first run, once the command listed them)."""

    def __init__(
        self,
        args: FactsArgs,
        known: dict[str, tuple[int, int, int, int, int, str]],
        listed: bool = True,
    ):
        from engine.commands import outcache
        from engine.core import limits
        from engine.core.errors import InputError

        try:
            limits.configure(os.environ)  # the walk's folder depth
        except InputError as exc:  # a bad value: the command reports it
            raise Unusual("INFRAPLAN_MAX_*") from exc
        limit = args.max_file_bytes or limits.DEFAULT_MAX_FILE_BYTES
        self.inputs: Inputs = outcache.Inputs(known, limit)
        self.tool = outcache.tool_and_command(self.inputs, args)
        self.repos: Repositories = outcache.repositories(self.inputs, args)
        if listed:  # (else the command's own listing, once it ran: `listed_by`)
            outcache.listings(self.inputs, self.repos)
        self.knowledge_dirs: list[str] = []
        self.named: list[str] = []
        self.settings: list[object] = []
        self.key = ""

    def with_settings(self, knowledge_dirs: list[str], named: list[str]) -> str:
        """The key, with what the settings resolved: the knowledge folders in effect, the
        folders `.infraplan.yaml` files name (facts_replay._named_folders)."""
        from engine.commands import outcache

        self.knowledge_dirs, self.named = knowledge_dirs, named
        self.settings = [
            outcache.knowledge(self.inputs, knowledge_dirs),
            outcache.named_folders(self.inputs, named),
        ]
        return self._keyed()

    def _keyed(self) -> str:
        from engine.commands import outcache

        listed = len(self.repos.parts) == len(self.repos.specs)
        self.key = outcache.key(self.tool, self.settings, self.repos) if listed else ""
        return self.key

    def listed_by(self, seen: Observation) -> str:
        """The key, the repositories listed as the command listed them and their files
        digested as it read them (engine/estate/observed.py)."""
        from engine.commands import outcache

        if not self.key:
            outcache.listings(self.inputs, self.repos, seen)
            self._keyed()
        return self.key

    def resolved(self, args: FactsArgs) -> str:
        """The key, with the settings resolved as the command resolves them."""
        dirs = [str(d) for d in _settings(args).knowledge_dirs]
        return self.with_settings(dirs, _named_folders(args))

    def parts(self) -> tuple[object, ...]:
        return (self.tool, self.knowledge_dirs, self.named, self.settings, self.repos.parts)

    def entry(self, key: str, entry: Entry, started: int) -> Entry:
        """`entry` (its output) with this key and this check. A stat record changed less than
        FRESH_NS before the run began keeps no digest (the file is read again next time: its
        stat data cannot vouch for it yet), and then the check is left to the key (`dirs`
        None) until a later run records it again."""
        inputs, fresh = self.inputs, started - FRESH_NS
        return {
            **entry,
            "key": key,
            "values": self.tool[0],
            "knowledge_dirs": self.knowledge_dirs,
            "named": self.named,
            "stats": {
                path: record if max(record[3], record[4]) < fresh else (*record[:5], "")
                for path, record in inputs.stats.items()
            },
            "dirs": inputs.dirs if inputs.newest < fresh else None,
            "absent": inputs.absent,
            "real": inputs.real,
        }


def _replay(args: FactsArgs, entry: Entry) -> int:
    """What the full path prints on this entry's inputs, from the entry."""
    if sys.stderr.isatty() and not args.quiet and entry["total"]:
        from engine.commands.common import show_progress

        show_progress(entry["total"], entry["total"], entry["total"])  # as a warm run does
    for stream, data in ((sys.stderr, entry["stderr"]), (sys.stdout, entry["stdout"])):
        try:
            stream.flush()
            write_all(stream.buffer, data)
            stream.buffer.flush()
        except OSError as exc:
            exc.filename = "standard output" if stream is sys.stdout else "standard error"
            raise
    if args.output:
        from engine.commands.common import emit

        emit(entry["files"][args.output], args.output, inputs=args.inputs())
    return int(entry["rc"])


def _replayed(args: FactsArgs, entry: Entry) -> None:
    """Replay, then exit as the command would; what fails is reported as the command reports
    it (engine/commands/boundary.py)."""
    try:
        code = _replay(args, entry)
    except Exception as exc:  # (the boundary, imported only when it has something to report)
        from engine.commands.boundary import run_guarded

        failure = exc

        def fail() -> int:
            raise failure

        code = run_guarded(fail)
    sys.exit(code)


def _usable(entry: Entry | None, args: FactsArgs) -> Entry | None:
    if entry is None or entry["rc"] != 0:
        return None
    return entry if not args.output or args.output in entry["files"] else None


def _limit(args: FactsArgs) -> int:
    from engine.core.limits import DEFAULT_MAX_FILE_BYTES

    return args.max_file_bytes or DEFAULT_MAX_FILE_BYTES


def _settings(args: FactsArgs) -> Settings:
    """The settings the command resolves (for the knowledge folders in effect: the working
    tree's `.infraplan.yaml` names some), imported only when the command runs anyway."""
    from engine.commands.settings import Flags, resolve
    from engine.core.errors import InputError

    flags = Flags(
        knowledge_dirs=tuple(args.knowledge_dirs),
        cache_dir=args.cache_dir,
        jobs=args.jobs,
        max_file_bytes=_limit(args),
        quiet=args.quiet,
    )
    try:
        return resolve(flags)
    except InputError as exc:  # the command reports it
        raise Unusual("settings") from exc


def _named_folders(args: FactsArgs) -> list[str]:
    """The folders the working tree's and each repository's `.infraplan.yaml` name, joined to
    its folder: whether each exists is output (an error; a repository's diagnostic)."""
    from engine.core.errors import InputError
    from engine.core.files import working_root
    from engine.estate.walk import parse_repo_args
    from engine.spec.config import read_config

    named = []
    folders = [working_root(), *(s.root for s in parse_repo_args(args.paths or ["."]))]
    for i, folder in enumerate(folders):
        try:
            config, _ = read_config(folder, confined=i > 0)
        except InputError:
            continue  # (its bytes are in the key; it names nothing)
        named += [str(folder / rel) for rel in (*config.rules_dirs, *config.knowledge_dirs)]
    return named


def _store(
    args: FactsArgs, before: _Key, started: int, output: Entry, path: str, seen: Observation
) -> None:
    """Store a successful run under its key — computed before it ran, or, on a first run, from
    its own listing and reading (`seen`) and what was taken before it ran — when its inputs are
    still those: by the check (stat data), or, where that cannot vouch for them (a symlink, a
    change less than FRESH_NS before), by the key computed again."""
    from engine.commands.outcache import observed_walk

    key = before.listed_by(seen)
    entry = before.entry(key, output, started)
    if entry["dirs"] is None or not outentry.unchanged(entry, args):
        after = _Key(args, before.inputs.stats)
        after.resolved(args)
        if after.parts() != before.parts():
            return  # an input changed while the command ran
        entry = after.entry(after.key, output, started)
    # the files the run read after exclude patterns: what a warm run's progress line counts
    total = sum(observed_walk(seen, spec, before.inputs.limit)[1] for spec in before.repos.specs)
    outentry.write_entry(path, {**entry, "total": total})


def _lookup(args: FactsArgs, path: str, started: int) -> tuple[Entry | None, _Key | None]:
    """The entry to replay, if any, and the key's parts as computed (None when not needed)."""
    entry = _usable(outentry.read_entry(path), args)
    if entry is not None and outentry.unchanged(entry, args):
        return entry, None
    if entry is None:  # a miss: the repositories' part waits for the command's own listing
        first = _Key(args, {}, listed=False)
        first.resolved(args)
        return None, first
    now = _Key(args, entry["stats"])
    if now.with_settings(entry["knowledge_dirs"], entry["named"]) != entry["key"]:
        now.resolved(args)  # a miss: the command runs, so its settings cost nothing more now
        return None, now
    checked = now.entry(entry["key"], entry, started)
    if any(checked[name] != entry[name] for name in ("stats", "dirs", "absent", "real")):
        outentry.write_entry(path, checked)  # the check, up to date (git refreshes its index)
    return entry, now


@contextlib.contextmanager
def cached(argv: list[str]) -> Iterator[None]:
    """Around the command line: `facts` replayed from its output cache (the block does not
    run), or the block run and recorded, its output stored; any other command runs as is."""
    streams = all(hasattr(s, "buffer") and hasattr(s, "isatty") for s in (sys.stdout, sys.stderr))
    args = parse(argv) if os.name == "posix" and streams else None
    started = time.time_ns()
    entry = before = None
    path = ""
    if args is not None:
        try:
            path = outentry.location(_cache_dir(args), args)
            entry, before = _lookup(args, path, started)
        except _UNUSUAL:
            args = None  # what the key cannot vouch for: the command runs as always
    if args is not None and entry is not None:
        _replayed(args, entry)
    if args is None or before is None:
        yield
        return
    from engine.commands.recording import Recorder, recorded
    from engine.estate.observed import Observation, observing

    run, seen = Recorder(), Observation()
    try:
        with recorded() as run, observing() as seen:
            yield
    except SystemExit as exc:
        complete = not run.stderr and (not args.output or args.output in run.files)
        if exc.code in (0, None) and complete:
            from engine.core.errors import InputError

            output = {"rc": 0, "stdout": bytes(run.stdout), "stderr": bytes(run.stderr)}
            with contextlib.suppress(*_UNUSUAL, InputError):
                _store(args, before, started, {**output, "files": run.files}, path, seen)
        raise
