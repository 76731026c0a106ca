"""`facts` from its output cache (engine/commands/facts_replay.py), in real processes: a hit
prints exactly what the command printed (stdout, stderr, exit code, the -o file) in every
format; any change to an input is a miss, never a stale replay; a damaged entry is a miss.

A stale replay is made visible: after the first run stores its output, the entry's stdout is
replaced by a marker (`_tamper`); a run that prints the marker replayed the entry.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.commands import outentry
from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the output cache is POSIX only")
MARKER = b"REPLAYED FROM THE ENTRY\n"


class Estate:
    """A copy of two example repositories (one a git work tree), and a working folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name in ("infra-flux", "deployments"):
            shutil.copytree(EXAMPLES / "estate" / name, root / name)
        subprocess.run(["git", "init", "-q"], cwd=root / "infra-flux", check=True)
        self.work = root / "work"
        self.work.mkdir()
        self.cache = root / "cache"
        self.args = [f"flux={root / 'infra-flux'}", f"apps={root / 'deployments'}"]

    def facts(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        return facts(*self.args, *args, "--cache-dir", str(self.cache), cwd=self.work, env=env)


def facts(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """`infraplan facts` in its own process (no byte code written into the engine's folders:
    a folder that changes is an input that changed)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "engine", "facts", *args],
        cwd=cwd,
        capture_output=True,
        env=full,
        timeout=120,
        check=False,
    )


@pytest.fixture
def estate(tmp_path: Path) -> Estate:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return Estate(tmp_path)


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("output-*.bin"))


def _clear_other_caches(cache: Path) -> None:
    """Remove what the full path reads and writes: a replay leaves the folder so."""
    for path in cache.iterdir():
        if not path.name.startswith("output-"):
            path.unlink()


def _replayed(cache: Path) -> bool:
    return [p.name for p in cache.iterdir()] == [p.name for p in _entries(cache)]


def _tamper(cache: Path) -> None:
    (path,) = _entries(cache)
    entry = outentry.read_entry(str(path))
    assert entry is not None
    outentry.write_entry(str(path), {**entry, "stdout": MARKER})


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "file"])
def test_a_hit_prints_what_the_command_printed(estate: Estate, fmt: str, to_file: bool) -> None:
    target = estate.root / f"facts.{fmt}"
    out = ["-o", str(target)] if to_file else []
    first = estate.facts("--format", fmt, *out)
    assert first.returncode == 0, first.stderr
    written = target.read_bytes() if to_file else b""
    assert _entries(estate.cache)
    _clear_other_caches(estate.cache)
    target.unlink(missing_ok=True)
    second = estate.facts("--format", fmt, *out)
    assert _replayed(estate.cache)
    assert (second.returncode, second.stdout, second.stderr) == (0, first.stdout, first.stderr)
    uncached = facts(*estate.args, "--format", fmt, "--no-cache", *out, cwd=estate.work)
    assert (uncached.returncode, uncached.stdout, uncached.stderr) == (0, first.stdout, b"")
    if to_file:
        assert first.stdout == b"" and written and target.read_bytes() == written
    else:
        assert first.stdout.strip()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: apps\n"


def _a_listed_file(estate: Estate) -> Path:
    """A manifest facts reads (not `.sops.yaml`, which it only counts)."""
    return sorted((estate.root / "infra-flux" / "apps").rglob("*.yaml"))[0]


# each changes what facts reads; `None` changes nothing, `rewrite` only the files' stat data
CHANGES = {
    "none": None,
    "rewrite": lambda e: [p.write_bytes(p.read_bytes()) for p in (_a_listed_file(e),)],
    "content": lambda e: _write(
        _a_listed_file(e), _a_listed_file(e).read_text() + "\n---\n" + CONFIGMAP.format(name="more")
    ),
    "same size": lambda e: _write(
        _a_listed_file(e), _a_listed_file(e).read_text().replace("name: ", "name: x", 1)[:-1]
    ),
    "new file": lambda e: _write(e.root / "deployments/extra.yaml", CONFIGMAP.format(name="x")),
    "new folder": lambda e: _write(e.root / "infra-flux/new/x.yaml", CONFIGMAP.format(name="y")),
    "removed file": lambda e: _a_listed_file(e).unlink(),
    "gitignore": lambda e: _write(
        e.root / "infra-flux/.gitignore",
        _a_listed_file(e).relative_to(e.root / "infra-flux").as_posix(),
    ),
    "repository config": lambda e: _write(e.root / "deployments/.infraplan.yaml", "role: gitops\n"),
    "working tree config": lambda e: _write(e.work / ".infraplan.yaml", "llm:\n  timeout: 30\n"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_an_input_is_a_miss(estate: Estate, change: str) -> None:
    first = estate.facts("--format", "json")
    assert first.returncode == 0, first.stderr
    _tamper(estate.cache)
    apply = CHANGES[change]
    if apply is not None:
        apply(estate)
    again = estate.facts("--format", "json")
    uncached = facts(*estate.args, "--format", "json", "--no-cache", cwd=estate.work)
    if change in {"none", "rewrite"}:  # the same inputs: the entry (its stdout the marker)
        assert again.stdout == MARKER
        assert uncached.stdout == first.stdout
    else:
        assert MARKER not in again.stdout
        assert (again.returncode, again.stdout) == (uncached.returncode, uncached.stdout)
        assert again.stdout != first.stdout or change == "working tree config"


@pytest.mark.parametrize(
    "options, env",
    [
        (["--format", "jsonl"], {}),
        (["--format", "json", "--max-file-bytes", "200"], {}),
        (["--format", "json"], {"INFRAPLAN_MAX_FOLDER_DEPTH": "2"}),
    ],
    ids=["format", "max-file-bytes", "folder-depth-variable"],
)
def test_another_option_or_variable_is_a_miss(
    estate: Estate, options: list[str], env: dict[str, str]
) -> None:
    assert estate.facts("--format", "json").returncode == 0
    _tamper(estate.cache)
    again = estate.facts(*options, env=env)
    uncached = facts(*estate.args, *options, "--no-cache", cwd=estate.work, env=env)
    assert MARKER not in again.stdout
    assert (again.returncode, again.stdout, again.stderr) == (0, uncached.stdout, b"")


def test_a_knowledge_change_is_a_miss_from_a_flag_or_the_working_tree(estate: Estate) -> None:
    overlay = estate.root / "overlay"
    _write(overlay / "environments.yaml", "- id: perf\n  aliases: [performance]\n")
    flag = ["--format", "json", "--knowledge-dir", str(overlay)]
    assert estate.facts(*flag).returncode == 0
    _tamper(estate.cache)
    assert estate.facts(*flag).stdout == MARKER  # unchanged: a hit
    _write(overlay / "environments.yaml", "- id: perf\n  aliases: [performance, load]\n")
    assert MARKER not in estate.facts(*flag).stdout
    # the same overlay named by the working tree's .infraplan.yaml
    _write(estate.work / ".infraplan.yaml", f"knowledge_dirs: [{overlay}]\n")
    for path in _entries(estate.cache):
        path.unlink()
    assert estate.facts("--format", "json").returncode == 0
    _tamper(estate.cache)
    assert estate.facts("--format", "json").stdout == MARKER
    _write(overlay / "environments.yaml", "- id: perf\n  aliases: [performance, soak]\n")
    again = estate.facts("--format", "json")
    assert MARKER not in again.stdout and again.returncode == 0


@pytest.mark.parametrize("whose", ["repository", "working tree"])
def test_a_folder_a_config_names_is_an_input(estate: Estate, whose: str) -> None:
    """A folder `.infraplan.yaml` names is read by no one (`facts` reads no rules), yet whether
    it exists is output: a repository's diagnostic, the working tree's error."""
    if whose == "repository":
        config, folder = estate.root / "deployments", estate.root / "deployments/policy/rules"
        rel = "policy/rules"
    else:
        config, folder, rel = estate.work, estate.root / "policy/rules", "../policy/rules"
    folder.mkdir(parents=True)
    _write(config / ".infraplan.yaml", f"rules_dirs: [{rel}]\n")
    first = estate.facts("--format", "json")
    assert first.returncode == 0, first.stderr
    _tamper(estate.cache)
    assert estate.facts("--format", "json").stdout == MARKER
    folder.rmdir()
    again = estate.facts("--format", "json")
    uncached = facts(*estate.args, "--format", "json", "--no-cache", cwd=estate.work)
    assert MARKER not in again.stdout
    assert (again.returncode, again.stdout) == (uncached.returncode, uncached.stdout)
    assert again.returncode == (0 if whose == "repository" else 2)
    assert again.stdout != first.stdout or whose == "working tree"


def test_no_cache_neither_reads_nor_writes_the_entry(estate: Estate) -> None:
    assert estate.facts("--format", "json").returncode == 0
    _tamper(estate.cache)
    (path,) = _entries(estate.cache)
    before = path.read_bytes()
    bypassed = estate.facts("--format", "json", "--no-cache")
    assert MARKER not in bypassed.stdout and bypassed.returncode == 0
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "damage",
    ["flipped byte", "truncated", "empty", "not marshal", "group-writable", "symlink"],
)
def test_a_damaged_entry_is_a_miss_and_is_rewritten(estate: Estate, damage: str) -> None:
    first = estate.facts("--format", "table")
    (path,) = _entries(estate.cache)
    data = path.read_bytes()
    if damage == "flipped byte":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "not marshal":
        body = b"\xff" * 40
        digest = hashlib.sha256(body).hexdigest().encode()
        path.write_bytes(outentry.MAGIC + digest + b"\n" + body)
    elif damage == "group-writable":
        path.chmod(0o664)
    else:
        elsewhere = estate.root / "elsewhere.bin"
        path.rename(elsewhere)
        path.symlink_to(elsewhere)
    again = estate.facts("--format", "table")
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
    assert not path.is_symlink() and outentry.read_entry(str(path)) is not None


def test_no_secret_value_reaches_an_entry(tmp_path: Path) -> None:
    repo = tmp_path / "secrets"
    shutil.copytree(ROOT / "tests" / "fixtures" / "secrets-repo", repo)
    cache = tmp_path / "cache"
    for fmt in ("table", "json", "jsonl"):
        for _ in range(2):
            ran = facts(str(repo), "--format", fmt, "--cache-dir", str(cache), cwd=tmp_path)
            assert ran.returncode == 0, ran.stderr
    assert len(_entries(cache)) == 3
    for path in _entries(cache):
        assert b"FAKE-SECRET" not in path.read_bytes()
