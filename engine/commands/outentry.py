"""Entries of the `facts` output cache (engine/commands/outcache.py has the key), and the check
that nothing an entry was computed from has changed — the only work of a warm run.

An entry holds the key, the run's output, what the command's settings resolved that the key
needs (the knowledge folders in effect; the folders `.infraplan.yaml` files name), and what the
key was computed from on disk:

- `stats`: every file whose content the key digests (and every file the walk classified, and
  each `.gitignore`), by path: device, inode, size, modification and change times (ns), and
  its sha256 — git's index;
- `dirs`: every folder whose entries decide a listing — each repository's folders (all but
  `.git` and the folders the walk never enters), the engine's and the knowledge's, and the
  working directory up to its work tree — by device, inode and times: a name added, removed or
  renamed in a folder changes its times — git's untracked cache. None when a repository holds a
  symlink (its target may change without any of this): the key is then computed again;
- `absent`: paths that must not exist (an `.infraplan.yaml`, a folder one names); `real`: paths
  and what they resolve to (repository, knowledge and named folders, a symlinked
  `.infraplan.yaml`);
- `values`: the inputs that are values — the tool's version, the interpreter, what it can
  import (by name: the installed distributions' versions among them), the arguments, working
  directory, `INFRAPLAN_*` variables and the standard streams — compared as they are.

When all of them are as recorded, the key computed now would be the key recorded: the entry is
replayed without listing or reading anything. Any difference is not a miss: the key is
computed again (engine/commands/facts_replay.py). Stat data vouches only when it is at least
FRESH_NS older than the run that recorded it — else that file keeps no digest (it is read
again) and `dirs` is None until a later run records the check again — so a recorded stat
cannot be "racily clean": a later change to a file or folder changes its times.

The standard library only, and none of the slow parts of it: a warm run imports this and
nothing else. Entries are marshal data (like .pyc files), read only from a file the current
user owns that nobody else may write and only when its checksum holds.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from typing import Any

from engine import __version__
from engine.commands.facts_argv import FactsArgs
from engine.core.private import read_private, write_private

FORMAT = "infraplan-output-1"
MAGIC = FORMAT.encode() + b"\n"
FRESH_NS = 2_000_000_000  # two seconds: a FAT file system's time resolution, with margin

# an entry's fields and their types (marshal keeps tuples and lists apart)
FIELDS: dict[str, type | tuple[type, ...]] = {
    "key": str,
    "values": tuple,
    "knowledge_dirs": list,
    "named": list,  # folders .infraplan.yaml files name (facts_replay._named_folders)
    "total": int,
    "rc": int,
    "stdout": bytes,
    "stderr": bytes,
    "files": dict,  # -o path as given → the text written
    "stats": dict,  # path → (device, inode, size, mtime_ns, ctime_ns, sha256 or "")
    "dirs": (dict, type(None)),  # path → (device, inode, mtime_ns, ctime_ns)
    "absent": list,
    "real": dict,
}
Entry = dict[str, Any]


class Unusual(Exception):
    """Something the key cannot vouch for: the command runs as always, and nothing is stored."""


def _stream(stream: Any) -> tuple[object, ...] | None:
    if stream is None or not hasattr(stream, "buffer"):
        return None
    return (stream.encoding, stream.errors, stream.isatty())


_IMPORTABLE = (".py", ".pyc", ".so", ".pth", ".dist-info", ".egg-info", ".egg-link")


def _importable() -> list[str]:
    """What the interpreter can import, by name: each module file and package on sys.path (the
    installed distributions' metadata folders name their versions; a module in the working
    directory or on PYTHONPATH would shadow a library). A folder without `__init__.py` shadows
    nothing: a module or package anywhere on the path comes before a namespace package."""
    found = []
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as names:
                found += [
                    f"{entry}/{n.name}"
                    for n in names
                    if n.name.endswith(_IMPORTABLE)
                    or (n.is_dir() and os.path.exists(os.path.join(n.path, "__init__.py")))
                ]
        except OSError:
            continue
    return sorted(found)


def value_inputs(args: FactsArgs) -> tuple[object, ...]:
    """The inputs of a run that are values, not files."""
    return (
        FORMAT,
        __version__,
        sys.version,
        sys.executable,
        _importable(),
        args.argv,
        os.getcwd(),
        tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("INFRAPLAN_"))),
        _stream(sys.stdout),
        _stream(sys.stderr),
    )


def location(cache_dir: str, args: FactsArgs) -> str:
    """This command's entry: one per arguments, working directory, interpreter and terminal."""
    where = repr((FORMAT, __file__, sys.executable, os.getcwd(), args.argv))
    where += repr((sys.stdout.isatty(), sys.stderr.isatty()))
    name = hashlib.sha256(where.encode()).hexdigest()[:32]
    return os.path.join(cache_dir, f"output-{name}.bin")


def read_entry(path: str) -> Entry | None:
    """The entry at `path`, or None: absent, not the user's own file, damaged, truncated."""
    data = read_private(path)
    if data is None or not data.startswith(MAGIC):
        return None
    digest, body = data[len(MAGIC) : len(MAGIC) + 64], data[len(MAGIC) + 65 :]
    if digest != hashlib.sha256(body).hexdigest().encode():
        return None
    try:
        entry = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(entry, dict) or entry.keys() != FIELDS.keys():
        return None
    if any(not isinstance(entry[name], kind) for name, kind in FIELDS.items()):
        return None
    return entry


def write_entry(path: str, entry: Entry) -> None:
    body = marshal.dumps(entry)
    write_private(path, MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def unchanged(entry: Entry, args: FactsArgs) -> bool:
    """Whether every input the entry's key was computed from is as it was recorded."""
    if entry["dirs"] is None or entry["values"] != value_inputs(args):
        return False
    try:
        for path, record in entry["stats"].items():
            st = os.stat(path)
            if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns) != record[:5]:
                return False
        for path, record in entry["dirs"].items():
            st = os.lstat(path)
            if (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns) != record:
                return False
        if any(os.path.lexists(p) for p in entry["absent"]):
            return False
        return all(os.path.realpath(p) == real for p, real in entry["real"].items())
    except (OSError, TypeError, ValueError):
        return False
