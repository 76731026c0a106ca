"""The key of the `facts` output cache: a SHA-256 of every input a run's output depends on —
the technique of ccache and Bazel's action cache — computed with the standard library only,
before click, PyYAML or pydantic are imported (engine/commands/facts_replay.py). It digests:

- the tool and the command (engine/commands/outentry.py `value_inputs`): the tool's version,
  the interpreter and what it can import (by name: the installed distributions' versions
  among them), the arguments exactly as given, the working directory, every `INFRAPLAN_*`
  variable (limits, model settings), the standard streams' encoding, error mode and
  terminal-ness; every module of the engine and the command line (cli.py); the working tree's
  `.infraplan.yaml` (its bytes, or its absence);
- the settings resolved from it: the knowledge — every file under the bundled knowledge folder
  and each overlay folder in effect (as named and resolved), paths and contents, what the
  knowledge cache is keyed by — and whether each folder an `.infraplan.yaml` names exists;
- each repository: its name, folder (as given and resolved), `.infraplan.yaml`, and the walk
  of engine/estate/walk.py — the listing the full path uses (`git ls-files --cached --others`
  with only `.gitignore` in a work tree, else the pruning walk): every file's path, kind,
  size and content digest, the diagnostics and the skipped counts. `exclude` patterns are not
  applied: the key covers the files before them (an edit to an excluded file is a miss, never
  a stale hit), and the `.infraplan.yaml` that names them is in the key.

Content digests come from an earlier entry's stat records where a file's stat data is the same
(git's index), else the file is read and hashed. Every path looked at is recorded as the entry's
check (outentry.py), folders stat'ed before they are listed, so that a change after the check
was recorded shows in it.

A run with no entry to check (a first run) takes everything but the repositories' listings
before it runs; their listings are the command's own walks, and their digests those of the
files as the command read them, stat'ed before it read them (engine/estate/observed.py): each
repository is listed and each file read once, and the key is of exactly what the run used. Its
folders are stat'ed when it is done; one changed since the run began is recent (outentry.py
FRESH_NS), so the key is computed again before the entry is stored.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from engine.commands.facts_argv import FactsArgs
from engine.commands.outentry import Unusual, value_inputs
from engine.core import limits
from engine.core.errors import InputError
from engine.core.files import working_root
from engine.core.resources import bundled
from engine.estate.observed import Listed, Observation, Signature, listed, signature
from engine.estate.walk import SKIP_DIRS, RepoSpec, parse_repo_args, walk

CONFIG_NAME = ".infraplan.yaml"  # engine/spec/config.py (which this does not import)
ENGINE = Path(__file__).resolve().parents[1]

Record = tuple[int, int, int, int, int, str]  # device, inode, size, mtime_ns, ctime_ns, sha256


class Inputs:
    """What a key is computed from on disk, recorded as the entry's check (outentry.py): files'
    stat records and digests, folders' stats, paths absent, paths and what they resolve to;
    and the newest modification or change time of all of them."""

    def __init__(self, known: dict[str, Record], limit: int) -> None:
        self.known = known  # an earlier entry's stat records
        self.limit = limit
        self.stats: dict[str, Record] = {}
        self.dirs: dict[str, tuple[int, int, int, int]] | None = {}
        self.absent: list[str] = []
        self.real: dict[str, str] = {}
        self.newest = 0

    def digest(self, path: str, sig: Signature, read: str | None = None) -> str:
        """The sha256 of a regular file whose stat, taken before reading it, is `sig` (`read`:
        the digest of what the command read after that stat)."""
        self.newest = max(self.newest, sig[3], sig[4])
        old = self.known.get(path)
        if read:
            sha = read
        elif old is not None and old[:5] == sig and old[5]:
            sha = old[5]
        else:
            sha = _content_digest(path, self.limit)
        prior = self.stats.get(path)
        if prior is None or not prior[5]:  # a file's first digest stays, the oldest: a change
            self.stats[path] = (*sig, sha)  # since (a config the command read later) shows
        return sha

    def watch(self, path: str, sig: Signature) -> None:
        """A file whose stat matters, not its content (a `.gitignore`, a file left out)."""
        self.newest = max(self.newest, sig[3], sig[4])
        self.stats.setdefault(path, (*sig, ""))

    def folder(self, path: str) -> os.stat_result:
        st = os.lstat(path)
        self.newest = max(self.newest, st.st_mtime_ns, st.st_ctime_ns)
        if self.dirs is not None:
            self.dirs[path] = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
        return st

    def resolved(self, path: str) -> str:
        self.real[path] = os.path.realpath(path)
        return self.real[path]


def _content_digest(path: str, limit: int) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Unusual(path) from exc
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unusual(path)
        want = min(st.st_size, limit) + 1  # (a buffer of the limit's size for every file costs)
        data = handle.read(want)
        if len(data) == want:  # grown since: the rest, up to the limit
            data += handle.read(limit + 1 - want)
    if len(data) > limit:
        raise Unusual(path)  # grown past the limit since it was listed
    return hashlib.sha256(data).hexdigest()


def _tree(
    inputs: Inputs, root: str, suffix: str = "", skip: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """Every file under a folder whose name ends with `suffix`, with its digest (the files
    `rglob` finds, as engine/decide/kbcache.py and engine/core/picklefile.py list them;
    symlinked folders are not entered); each folder stat'ed before it is listed."""
    files = []
    pending = [(root, "")]  # a folder, and its path under the root ("" or ending with "/")
    while pending:
        folder, under = pending.pop()
        inputs.folder(folder)
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in skip:
                        pending.append((entry.path, f"{under}{entry.name}/"))
                elif entry.name.endswith(suffix) and entry.is_file():
                    sig = signature(os.stat(entry.path))
                    files.append((under + entry.name, inputs.digest(entry.path, sig)))
    return sorted(files)


def _config(inputs: Inputs, folder: str) -> tuple[str, ...]:
    """A folder's `.infraplan.yaml`: absent, or where it leads and its digest."""
    path = os.path.join(folder, CONFIG_NAME)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        inputs.absent.append(path)
        return ("absent",)
    except OSError as exc:
        raise Unusual(path) from exc
    link = os.readlink(path) if stat.S_ISLNK(mode) else ""
    real = inputs.resolved(path)
    try:
        st = os.stat(path)
    except OSError:
        return ("dangling", link, real)
    if not stat.S_ISREG(st.st_mode):
        raise Unusual(path)
    return ("file", link, real, inputs.digest(path, signature(st)))


def _working_tree(inputs: Inputs) -> tuple[str, ...]:
    """The working tree's `.infraplan.yaml` (engine/commands/settings.py reads it), the folders
    from the working directory up to the tree (a `.git` added to one moves the tree)."""
    here = inputs.resolved(os.getcwd())
    root = str(working_root())
    while True:
        inputs.folder(here)
        if here == root or os.path.dirname(here) == here:
            break
        here = os.path.dirname(here)
    return _config(inputs, root)


def tool_and_command(inputs: Inputs, args: FactsArgs) -> list[object]:
    cli = ENGINE / "_cli.py"  # a wheel's command line; a source tree's is cli.py beside engine/
    cli = cli if cli.exists() else ENGINE.parent / "cli.py"
    return [
        value_inputs(args),
        _tree(inputs, str(ENGINE), ".py", skip=("__pycache__",)),
        inputs.digest(str(cli), signature(os.stat(cli))),
        _working_tree(inputs),
    ]


def knowledge(inputs: Inputs, dirs: list[str]) -> list[object]:
    """The bundled knowledge and the overlay folders in effect (Settings.knowledge_dirs)."""
    out: list[object] = []
    for root in [str(bundled("knowledge")), *dirs]:
        real = inputs.resolved(root)
        if not os.path.isdir(real):
            raise Unusual(root)
        out.append((root, real, _tree(inputs, real)))
    return out


def named_folders(inputs: Inputs, named: list[str]) -> list[object]:
    """The folders `.infraplan.yaml` files name (facts_replay.py lists them): whether each is
    one is output — an error, a repository's diagnostic — though no file in one is read."""
    out: list[object] = []
    for path in named:
        real = inputs.resolved(path)
        try:
            inputs.folder(real)
        except FileNotFoundError:
            inputs.absent.append(real)
        out.append((path, real, os.path.isdir(real)))
    return out


def _repository_folders(inputs: Inputs, root: str) -> None:
    """Every folder of a repository but `.git` and those the walk never enters (SKIP_DIRS), each
    `.gitignore` and the repository's git configuration; a symlink anywhere leaves the check to
    the key (its target may change)."""
    git_config = os.path.join(root, ".git", "config")
    if os.path.isfile(git_config):
        inputs.watch(git_config, signature(os.stat(git_config)))
    pending = [root]
    while pending and inputs.dirs is not None:
        folder = pending.pop()
        inputs.folder(folder)
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_symlink():
                    inputs.dirs = None
                elif entry.is_dir():
                    if entry.name not in SKIP_DIRS:
                        pending.append(entry.path)
                elif entry.name == ".gitignore":
                    inputs.watch(entry.path, signature(entry.stat()))


class Repositories:
    """What the key holds of each repository: its name, folder (as given and resolved) and
    `.infraplan.yaml`, taken before the command runs (`repositories`); then its listing
    (`listings`)."""

    def __init__(self, specs: list[RepoSpec]) -> None:
        self.specs = specs
        self.heads: list[tuple[object, ...]] = []
        self.parts: list[object] = []  # each repository's head and listing, once listed


def repositories(inputs: Inputs, args: FactsArgs) -> Repositories:
    try:
        specs = parse_repo_args(args.paths or ["."])
    except InputError as exc:
        raise Unusual("arguments") from exc
    found = Repositories(specs)
    for spec in specs:
        real = inputs.resolved(str(spec.root))
        found.heads.append((spec.name, str(spec.root), real, _config(inputs, real)))
    return found


def observed_walk(seen: Observation, spec: RepoSpec, limit: int) -> tuple[Listed, int]:
    """The walk the command made of a repository (before exclude patterns, and how many files
    it kept after them); Unusual when it made none with these limits."""
    where = (spec.name, str(spec.root.resolve()), limit, limits.current().folder_depth)
    if where not in seen.walks:
        raise Unusual(str(spec.root))
    return seen.walks[where]


def listings(inputs: Inputs, found: Repositories, seen: Observation | None = None) -> None:
    """Each repository's listing in the key, walked now — or, `seen`, the command's own walk,
    with the digests of the files it read (a file it did not read, one its exclude patterns
    left out, is read here). Its folders are stat'ed before the walk (after the command's: a
    change since shows as a recent one, FRESH_NS)."""
    for spec, head in zip(found.specs, found.heads, strict=True):
        _repository_folders(inputs, str(head[2]))
        if seen is None:
            walked, read = listed(walk(spec, inputs.limit)), {}
        else:
            walked, read = (
                observed_walk(seen, spec, inputs.limit)[0],
                seen.digests.get(spec.name, {}),
            )
        for path, sig in walked.left_out.items():
            inputs.watch(path, sig)
        files = [
            (e.path, e.kind, e.size, inputs.digest(str(e.abspath), sig, read.get(e.path)))
            for e, sig in walked.files
        ]
        found.parts.append((*head, files, walked.diagnostics, sorted(walked.skipped.items())))


def key(tool: list[object], settings_part: list[object], repos: Repositories) -> str:
    return hashlib.sha256(repr((tool, settings_part, repos.parts)).encode()).hexdigest()
