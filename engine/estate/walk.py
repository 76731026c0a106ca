"""The walk: the files of a repository that infraplan reads, found and classified with the
standard library only, so that `facts` can compute its output cache key before importing the
models (engine/commands/outcache.py); engine/estate/discover.py turns the answer into
diagnostics. The full docstring of the rules is discover.py's.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from engine.core.errors import InputError, Problem
from engine.core.limits import DEFAULT_MAX_FILE_BYTES
from engine.estate.globs import IgnoreRules

if TYPE_CHECKING:  # git runs only where files are listed
    from engine.estate.gitls import GitListing

    # (repository name, resolved folder, file size limit, folder depth), the walk, files kept
    Observer = Callable[[tuple[str, str, int, int], "Walked", int], None]

SKIP_DIRS = {
    ".git",
    ".terraform",
    ".terragrunt-cache",
    "node_modules",
    ".venv",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
}
# where GitHub looks for CODEOWNERS, in its order of precedence
CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True)
class RepoSpec:
    """A repository named on the command line: `--repo [NAME=]PATH`."""

    name: str
    root: Path
    role: str = ""  # an explicit role; detected from content when empty


def split_repo_arg(value: str) -> tuple[str, Path]:
    """`NAME=PATH` → (NAME, PATH); `PATH` → (its folder name, PATH)."""
    name, sep, path = value.partition("=")
    if not sep or "/" in name or not name:
        return Path(value).resolve().name or "repo", Path(value)
    return name, Path(path)


def plain_text(text: str) -> bool:
    """No control or format characters (a newline, NUL, a right-to-left override)."""
    return not any(unicodedata.category(c) in {"Cc", "Cf"} for c in text)


def plain_name(name: str) -> bool:
    """A repository name: not empty, no `=`, no control or format characters."""
    return bool(name) and "=" not in name and plain_text(name)


def parse_repo_args(values: list[str]) -> list[RepoSpec]:
    """`NAME=PATH` or `PATH` (named after its folder); names must be unique."""
    specs: list[RepoSpec] = []
    problems: list[Problem] = []
    for value in values:
        name, root = split_repo_arg(value)
        if not plain_name(name):
            problems.append(
                Problem(f"--repo {value!r}", 0, 0, "a repository name: not empty, one line")
            )
            continue
        if not root.is_dir():
            problems.append(Problem(f"--repo {value}", 0, 0, "not a folder"))
            continue
        specs.append(RepoSpec(name=name, root=root))
    names = [s.name for s in specs]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(
            Problem(
                f"--repo {dup}",
                0,
                0,
                f'two repositories are named "{dup}"; name them: --repo NAME=PATH',
            )
        )
    if problems:
        raise InputError(problems)
    return specs


@dataclass
class FileEntry:
    repo: str
    path: str  # relative to the repository root, posix
    abspath: Path
    kind: str
    size: int


@dataclass
class Walked:
    """What the walk found: files (with their stat, taken when classified), diagnostics as
    (path, reason) sorted, counts of files left out by kind, and the stat of every file it
    classified as one to read (by full path), those it then left out included."""

    files: list[tuple[FileEntry, os.stat_result]] = field(default_factory=list)
    stats: dict[str, os.stat_result] = field(default_factory=dict)
    diagnostics: list[tuple[str, str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def _ignore_rules(root: Path, path: Path, max_bytes: int) -> tuple[IgnoreRules | None, str]:
    """A `.gitignore`'s patterns (matched in linear time: engine/estate/globs.py), or why it
    cannot be read: only a regular file inside the repository is (a FIFO would block)."""
    from engine.core.files import read_bytes

    if path.is_symlink() and (reason := _symlink_problem(root, path)):
        return None, reason
    try:
        data = read_bytes(path, max_bytes, setting="--max-file-bytes")
    except InputError as exc:
        return None, exc.problems[0].message
    return IgnoreRules(data.decode("utf-8", errors="replace").splitlines()), ""


def _ignored(rel: str, is_dir: bool, specs: list[tuple[str, IgnoreRules]]) -> bool:
    ignored = False
    for base, spec in specs:
        if base and not rel.startswith(base + "/"):
            continue
        sub = rel[len(base) + 1 :] if base else rel
        include = spec.check(sub + ("/" if is_dir else ""))
        if include is not None:
            ignored = include
    return ignored


def _shown(name: str) -> str:
    """A file name as diagnostics show it: undecodable bytes as \\xNN escapes."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _listing(folder: Path) -> tuple[list[str], list[str]]:
    """Sub-folders and other entries of a folder (symlinks count as files here)."""
    dirs: list[str] = []
    files: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry.name)
    return sorted(dirs), sorted(files)


def walk(
    repo: RepoSpec,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    exclude: tuple[str, ...] = (),
    git: GitListing | None = None,
    observe: Observer | None = None,
) -> Walked:
    """Every file of the repository worth reading, sorted by path; `exclude` (gitignore-style
    globs from `.infraplan.yaml`) leaves files out, counted as skipped. `git`: the listing of
    the repository's resolved root, already started (else started here). `observe`: told the
    walk before `exclude` (engine/estate/observed.py).

    The walk is iterative (no recursion, however deep the folders), stops at
    INFRAPLAN_MAX_FOLDER_DEPTH, and reports a name that is not UTF-8 instead of reading it.
    """
    from engine.core import limits

    diagnostics: list[tuple[str, str]] = []  # (path, reason): what cannot be read, and why
    root = repo.root.resolve()
    specs: list[tuple[str, IgnoreRules]] = []
    max_depth = limits.current().folder_depth

    def diag(rel: str, reason: str) -> None:
        diagnostics.append((rel, reason))

    candidates: list[tuple[str, Path]] = []

    def candidate(rel: str, full: Path) -> None:
        """A file found by the walk or listed by git: symlinks are read only inside the repo."""
        if full.is_symlink() and os.path.isdir(full):
            if rel.rpartition("/")[2] in SKIP_DIRS:
                return
            reason = _symlink_problem(root, full)
            diag(
                rel,
                reason
                or "folder symlink inside the repository: not followed (its target is read where it lies)",
            )
            return
        if full.is_symlink() and (reason := _symlink_problem(root, full)):
            diag(rel, reason)
            return
        candidates.append((rel, full))

    if git is None:
        from engine.estate.gitls import GitListing

        git = GitListing(root)
    listed = git.files(max_depth, max_file_bytes)
    for rel in listed or []:
        if not SKIP_DIRS.intersection(rel.split("/")[:-1]):
            candidate(rel, root / rel)
    pending: list[tuple[Path, str, int]] = [] if listed is not None else [(root, "", 0)]
    while pending:  # the walk, where git cannot answer (not a work tree, no git, odd names)
        here, rel_dir, depth = pending.pop()
        try:
            dirnames, filenames = _listing(here)
        except OSError as exc:
            diag(rel_dir, f"cannot list folder: {exc.strerror or exc}")
            continue
        if ".gitignore" in filenames:
            spec, reason = _ignore_rules(root, here / ".gitignore", max_file_bytes)
            if spec is not None:
                specs.append((rel_dir, spec))
            else:
                diag(f"{rel_dir}/.gitignore" if rel_dir else ".gitignore", f"not read: {reason}")
        kept = []
        for d in dirnames:
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if d in SKIP_DIRS:
                continue
            if not _is_utf8(d):
                diag(
                    f"{rel_dir}/{_shown(d)}" if rel_dir else _shown(d),
                    "folder name is not UTF-8: not read",
                )
                continue
            if _ignored(rel, True, specs):  # pruned once: nothing below is looked at
                continue
            if depth + 1 > max_depth:
                diag(
                    rel,
                    f"folder nested deeper than {max_depth} levels: not read (INFRAPLAN_MAX_FOLDER_DEPTH)",
                )
                continue
            kept.append((here / d, rel))
        for full, rel in reversed(kept):  # popped in name order
            pending.append((full, rel, depth + 1))
        for f in filenames:
            rel = f"{rel_dir}/{f}" if rel_dir else f
            if not _is_utf8(f):
                diag(
                    f"{rel_dir}/{_shown(f)}" if rel_dir else _shown(f),
                    "file name is not UTF-8: not read",
                )
                continue
            if not _ignored(rel, False, specs):
                candidate(rel, here / f)

    found = _classified(repo, candidates, exclude, max_file_bytes, diagnostics)
    if observe is not None:  # the facts output cache keys the walk before exclude patterns
        whole = _classified(repo, candidates, (), max_file_bytes, diagnostics) if exclude else found
        observe((repo.name, str(root), max_file_bytes, max_depth), whole, len(found.files))
    return found


def _classified(
    repo: RepoSpec,
    candidates: list[tuple[str, Path]],
    exclude: tuple[str, ...],
    max_file_bytes: int,
    found: list[tuple[str, str]],
) -> Walked:
    """The files among the candidates to read, classified and stat'ed; `found`: the walk's
    diagnostics so far."""
    out = Walked(diagnostics=list(found))

    def diag(rel: str, reason: str) -> None:
        out.diagnostics.append((rel, reason))

    def skip(kind: str) -> None:
        out.skipped[kind] = out.skipped.get(kind, 0) + 1

    chart_dirs = {
        rel.rpartition("/")[0] for rel, _ in candidates if rel.rpartition("/")[2] == "Chart.yaml"
    }
    excluded = IgnoreRules(exclude) if exclude else None
    for rel, full in candidates:
        if excluded is not None and excluded.check(rel):
            skip("excluded")
            continue
        kind = classify(rel, chart_dirs)
        if kind is None:
            continue
        if kind.startswith("skip:"):
            skip(kind[5:])
            continue
        try:
            st = full.stat()
        except OSError as exc:
            diag(rel, f"cannot read: {exc.strerror or exc}")
            continue
        out.stats[str(full)] = st
        if not stat.S_ISREG(st.st_mode):
            diag(rel, "not a regular file")
            continue
        if st.st_size > max_file_bytes:
            diag(
                rel,
                f"file too large ({st.st_size} bytes; limit {max_file_bytes}, see --max-file-bytes)",
            )
            continue
        out.files.append(
            (FileEntry(repo=repo.name, path=rel, abspath=full, kind=kind, size=st.st_size), st)
        )
    out.files.sort(key=lambda e: e[0].path)
    out.diagnostics.sort()
    return out


def _rel(root: Path, path: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return path.name
    return "" if rel == "." else rel


def _symlink_problem(root: Path, link: Path) -> str:
    """Why a symlink cannot be read, or '' when it stays inside the repository."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:
        return "symlink loop: not followed"
    except OSError:
        return "dangling symlink: its target does not exist"
    if target != root and root not in target.parents:
        return "symlink points outside the repository: not followed"
    return ""


def classify(rel: str, chart_dirs: set[str]) -> str | None:
    """The extractor a file goes to; 'skip:<why>' for files counted but not read; None to ignore."""
    folder, _, name = rel.rpartition("/")
    lower = name.lower()
    if rel in CODEOWNERS_PLACES:
        return "codeowners"
    if lower.endswith(".tf"):
        return "terraform"
    if lower.endswith(".tfvars"):
        return "tfvars"
    if lower == ".terraform.lock.hcl":
        return "terraform-lock"  # the provider versions `terraform init` installed
    if lower.endswith(".tf.json") or lower.endswith(".tfvars.json"):
        return "skip:terraform-json"
    if not (lower.endswith(".yaml") or lower.endswith(".yml")):
        return None
    if "templates" in rel:
        parts = folder.split("/")
        for i, part in enumerate(parts):
            if part == "templates" and "/".join(parts[:i]) in chart_dirs:
                return "skip:helm-template"
    if name == "Chart.yaml":
        return "chart"
    if folder in chart_dirs and lower.startswith("values"):
        return "helm-values"
    if rel.startswith(".github/workflows/"):
        return "workflow"
    if name == ".sops.yaml":
        return "skip:sops-config"
    return "yaml"
