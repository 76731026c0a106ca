"""The `facts` output cache's reading of the command line (as click's), its check (every change
to an input seen from stat data alone), progress on a terminal, and a property: after any
edits to a small estate, `facts` through the cache prints what a run without it prints."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine.__main__
from engine.commands import facts_replay, outentry
from engine.commands.common import knowledge_only, read_estate
from engine.commands.facts_argv import FactsArgs, parse
from engine.core import limits, picklefile
from engine.estate.observed import Observation, observing
from engine.estate.walk import parse_repo_args
from tests.commands.test_facts_replay import CONFIGMAP, MARKER, _entries, _tamper, facts
from tests.conftest import EXAMPLES, ROOT, run_cli

pytestmark = pytest.mark.skipif(
    os.name != "posix" or shutil.which("git") is None, reason="POSIX and git only"
)


# -- the command line, as click reads it ------------------------------------------------------


def _click_params(argv: list[str]) -> dict[str, object]:
    facts_command = engine.__main__.command_line().main.commands["facts"]
    return dict(facts_command.make_context("facts", list(argv[1:])).params)


def test_the_command_line_is_read_as_click_reads_it(tmp_path: Path) -> None:
    (tmp_path / "k").mkdir()
    (tmp_path / "file").write_text("x")
    k, cache, out = str(tmp_path / "k"), str(tmp_path / "cache"), str(tmp_path / "out.json")
    plain = [
        ["facts"],
        ["facts", "a", "b=c", "--format", "json"],
        ["facts", "--format=jsonl", "-o", out, "x"],
        ["facts", f"-o{out}", "--output", out, "--quiet", "-q"],
        ["facts", "--knowledge-dir", k, f"--knowledge-dir={k}", "--cache-dir", cache],
        ["facts", "-j", "2", "--jobs=0", "-j3", "--max-file-bytes", "10", "p"],
    ]
    for argv in plain:
        found, params = parse(argv), _click_params(argv)
        assert found is not None, argv
        assert params["bundle"] is False and params["no_cache"] is False
        assert (
            found.paths,
            found.fmt,
            found.output,
            found.knowledge_dirs,
            found.cache_dir,
            found.jobs,
            found.max_file_bytes or 5_000_000,
            found.quiet,
        ) == (
            list(params["paths"]),  # type: ignore[call-overload]
            params["fmt"],
            params["output"],
            list(params["knowledge_dirs"]),  # type: ignore[call-overload]
            params["cache_dir"],
            params["jobs"],
            params["max_file_bytes"],
            params["quiet"],
        ), argv
    left_to_click = [
        ["facts", "--no-cache"],
        ["facts", "--bundle", "x"],
        ["facts", "--help"],
        ["facts", "-qj2"],
        ["facts", "--", "x"],
        ["facts", "-"],
        ["facts", "--format", "xml"],
        ["facts", "--format"],
        ["facts", "--jobs", "-1"],
        ["facts", "--jobs", "2x"],
        ["facts", "--max-file-bytes", "0"],
        ["facts", "-o", k],  # a folder
        ["facts", "--cache-dir", str(tmp_path / "file")],  # a file
        ["facts", "--knowledge-dir", str(tmp_path / "file")],
        ["facts", "--unknown"],
        ["graph", "x"],
    ]
    for argv in left_to_click:
        assert parse(argv) is None, argv


# -- the check: every change to an input seen from stat data ---------------------------------


class Setup:
    """A repository (a git work tree), a knowledge overlay and a working folder; the entry of
    `facts` over them, recorded as if everything were old enough to trust."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.repo = root / "repo"
        shutil.copytree(EXAMPLES / "estate" / "infra-flux", self.repo)
        (self.repo / ".gitignore").write_text("build/\n")
        subprocess.run(["git", "init", "-q"], cwd=self.repo, check=True)
        self.overlay = root / "overlay"
        self.overlay.mkdir()
        (self.overlay / "environments.yaml").write_text("- id: perf\n")
        self.work = root / "work"
        self.work.mkdir()
        self.lib = root / "lib"  # a folder on the interpreter's path
        self.lib.mkdir()
        monkeypatch.syspath_prepend(str(self.lib))
        monkeypatch.chdir(self.work)
        self.monkeypatch = monkeypatch
        self.argv = ["facts", f"r={self.repo}", "--knowledge-dir", str(self.overlay)]

    def entry(self) -> outentry.Entry:
        args = parse(self.argv)
        assert args is not None
        now = facts_replay._Key(args, {})
        key = now.resolved(args)
        output = {"total": 0, "rc": 0, "stdout": b"", "stderr": b"", "files": {}}
        return now.entry(key, output, started=time.time_ns() + 10 * outentry.FRESH_NS)

    def unchanged(self, entry: outentry.Entry) -> bool:
        args = parse(self.argv)
        assert args is not None
        return outentry.unchanged(entry, args)


def _a_manifest(s: Setup) -> Path:
    return sorted((s.repo / "apps").rglob("*.yaml"))[0]


CHANGES: dict[str, Callable[[Setup], object]] = {
    "content": lambda s: _a_manifest(s).write_text(_a_manifest(s).read_text() + "\n# more\n"),
    "same size": lambda s: _a_manifest(s).write_text(_a_manifest(s).read_text().upper()),
    "new file": lambda s: (s.repo / "apps" / "new.yaml").write_text("kind: ConfigMap\n"),
    "new folder, ignored": lambda s: (
        (s.repo / "build").mkdir(),
        (s.repo / "build" / "x.yaml").write_text("kind: ConfigMap\n"),
    ),
    "removed file": lambda s: _a_manifest(s).unlink(),
    "renamed file": lambda s: _a_manifest(s).rename(_a_manifest(s).with_name("z.yaml")),
    "new folder": lambda s: (s.repo / "apps" / "more").mkdir(),
    "gitignore": lambda s: (s.repo / ".gitignore").write_text("build/\napps/\n"),
    "repository config": lambda s: (s.repo / ".infraplan.yaml").write_text("role: gitops\n"),
    "working tree config": lambda s: (s.work / ".infraplan.yaml").write_text("llm: {}\n"),
    "working tree moved": lambda s: (s.work / ".git").mkdir(),
    "knowledge": lambda s: (s.overlay / "environments.yaml").write_text("- id: perf2\n"),
    "unreadable folder": lambda s: (s.repo / "apps").chmod(0o300),
    "module on the path": lambda s: (s.lib / "yaml.py").write_text(""),
    "variable": lambda s: s.monkeypatch.setenv("INFRAPLAN_MAX_FOLDER_DEPTH", "3"),
    "tool version": lambda s: s.monkeypatch.setattr(outentry, "__version__", "99.0"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_check_sees_every_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    monkeypatch.delenv("INFRAPLAN_MAX_FOLDER_DEPTH", raising=False)
    setup = Setup(tmp_path, monkeypatch)
    entry = setup.entry()
    assert entry["dirs"] and setup.unchanged(entry)
    try:
        CHANGES[change](setup)
        assert not setup.unchanged(entry)
    finally:
        (setup.repo / "apps").chmod(0o755)
        limits.configure()


def test_a_symlink_or_a_recent_change_leaves_the_check_to_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = Setup(tmp_path, monkeypatch)
    args = parse(setup.argv)
    assert args is not None
    now = facts_replay._Key(args, {})
    key = now.resolved(args)
    output = {"total": 0, "rc": 0, "stdout": b"", "stderr": b"", "files": {}}
    recent = now.entry(key, output, started=time.time_ns())  # the copies were just made
    assert recent["dirs"] is None
    digested = [r for p, r in recent["stats"].items() if p.startswith(str(setup.repo))]
    assert digested and all(r[5] == "" for r in digested)  # read again next time
    (setup.repo / "apps" / "link.yaml").symlink_to(_a_manifest(setup))
    assert setup.entry()["dirs"] is None


def _read_as_the_command(args: FactsArgs) -> Observation:
    """The repositories listed and read as `facts` lists and reads them, observed."""
    settings = facts_replay._settings(args)
    with observing() as seen:
        read_estate(settings, knowledge_only(settings), parse_repo_args(args.paths))
    return seen


@pytest.mark.parametrize("symlink", [False, True], ids=["checked", "computed again"])
@pytest.mark.parametrize("changed", [False, True], ids=["same", "changed during the run"])
@pytest.mark.parametrize("first", [False, True], ids=["key before", "key from the run"])
def test_a_run_whose_inputs_changed_while_it_ran_is_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, symlink: bool, changed: bool, first: bool
) -> None:
    """Whether the key was computed before the run (an entry to check) or is computed from the
    run's own listing and reading (a first run), a change after the files were read is seen:
    nothing is stored; else the key stored is the key of the files as they are."""
    setup = Setup(tmp_path, monkeypatch)
    if symlink:  # the check cannot vouch for the listing: the key is computed again
        (setup.repo / "apps" / "link.yaml").symlink_to(_a_manifest(setup))
    setup.argv += ["--cache-dir", str(tmp_path / "cache")]
    args = parse(setup.argv)
    assert args is not None
    started = time.time_ns() + 10 * outentry.FRESH_NS  # (as if the files were old)
    before = facts_replay._Key(args, {}, listed=not first)
    before.resolved(args)
    assert bool(before.key) != first
    seen = _read_as_the_command(args)
    if changed:
        CHANGES["same size"](setup)
    path = str(tmp_path / "entry.bin")
    output = {"rc": 0, "stdout": b"out", "stderr": b"", "files": {}}
    facts_replay._store(args, before, started, output, path, seen)
    stored = outentry.read_entry(path)
    if changed:
        assert stored is None
    else:
        now = facts_replay._Key(args, {})
        assert stored is not None and stored["key"] == before.key == now.resolved(args)
        assert stored["stdout"] == b"out"
        assert (stored["dirs"] is None) == symlink


def test_an_unchanged_estate_is_replayed_from_stat_data_alone(tmp_path: Path) -> None:
    """An entry whose check holds is replayed without reading a file: a digest recorded wrong
    (its stat data right) does not matter then; once the check fails (another file touched)
    the key is computed from the recorded digests of files whose stat data is the same."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "estate" / "infra-flux", repo)
    cache = tmp_path / "cache"
    args = [str(repo), "--format", "json", "--cache-dir", str(cache)]
    time.sleep(outentry.FRESH_NS / 1e9 + 0.2)  # old enough for stat data to vouch for them
    first = facts(*args, cwd=tmp_path)
    for _ in range(3):  # (a folder of the engine changed just now: the next run records again)
        (path,) = _entries(cache)
        entry = outentry.read_entry(str(path))
        assert entry is not None
        if entry["dirs"] is not None:
            break
        time.sleep(outentry.FRESH_NS / 1e9)
        facts(*args, cwd=tmp_path)
    assert entry["dirs"] is not None
    manifest = str(sorted((repo / "apps").rglob("*.yaml"))[0])
    wrong = {**entry["stats"], manifest: (*entry["stats"][manifest][:5], "0" * 64)}
    outentry.write_entry(str(path), {**entry, "stats": wrong, "stdout": MARKER})
    assert facts(*args, cwd=tmp_path).stdout == MARKER
    os.utime(sorted((repo / "apps").rglob("*.yaml"))[1])  # the check fails: the key, computed
    assert facts(*args, cwd=tmp_path).stdout == first.stdout  # with the wrong digest, misses


# -- progress on a terminal --------------------------------------------------------------------


def _on_a_terminal(*args: str, cwd: Path) -> tuple[int, bytes, bytes]:
    """facts with standard error on a pseudo-terminal: exit code, stdout, the terminal's bytes."""
    main, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "engine", "facts", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=secondary,
    ) as process:
        os.close(secondary)
        out = process.stdout.read() if process.stdout else b""
        seen = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            seen += chunk
        code = process.wait()
    os.close(main)
    return code, out, seen


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("large")
    for i in range(520):
        folder = root / f"apps/app-{i // 50}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"cm-{i}.yaml").write_text(CONFIGMAP.format(name=f"cm-{i}"))
    return root


@pytest.mark.parametrize("quiet", [False, True], ids=["progress", "quiet"])
def test_a_replay_on_a_terminal_shows_what_a_warm_run_shows(
    large: Path, tmp_path: Path, quiet: bool
) -> None:
    args = [str(large), "--format", "json", "--cache-dir", str(tmp_path), *(["-q"] * quiet)]
    cold = _on_a_terminal(*args, cwd=tmp_path)
    (entry,) = _entries(tmp_path)
    replayed = _on_a_terminal(*args, cwd=tmp_path)
    entry.unlink()
    warm = _on_a_terminal(*args, cwd=tmp_path)  # the command itself, every cache warm
    assert cold[0] == replayed[0] == warm[0] == 0
    assert cold[1] == replayed[1] == warm[1]
    assert replayed[2] == warm[2]
    assert warm[2] == (b"" if quiet else b"\rreading files 520/520 (520 from the cache)\r\n")


# -- the property: through the cache, what a run without it prints ----------------------------


@contextmanager
def _process_streams(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[io.BytesIO, io.BytesIO]]:
    out, err = io.BytesIO(), io.BytesIO()
    streams = [
        io.TextIOWrapper(b, encoding="utf-8", newline="\n", write_through=True) for b in (out, err)
    ]
    with monkeypatch.context() as m:
        m.setattr(sys, "stdout", streams[0])
        m.setattr(sys, "stderr", streams[1])
        yield out, err
    for stream in streams:
        stream.detach()


def _main(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """engine/__main__.py's main in this process (output cache and all)."""
    with monkeypatch.context() as m:
        m.setattr(sys, "argv", ["infraplan", *argv])
        m.setattr(picklefile, "freeze_for_the_run", lambda: None)
        with _process_streams(m) as (out, err):
            try:
                engine.__main__.main()
                code = 0
            except SystemExit as exc:
                code = int(exc.code or 0)
            finally:
                limits.configure()
    return code, out.getvalue().decode(), err.getvalue().decode()


PATHS = [
    "a.yaml",
    "sub/b.yaml",
    "sub/deep/c.yaml",
    "main.tf",
    "sub/vars.tfvars",
    "charts/x/Chart.yaml",
]
TEXTS = [
    CONFIGMAP.format(name="one"),
    CONFIGMAP.format(name="two"),  # (the same size: only the content digest tells them apart)
    CONFIGMAP.format(name="two") + "---\n" + CONFIGMAP.format(name="three"),
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\n",
    'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
    "kind: [unclosed\n",
    "",
]
EDITS = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(PATHS), st.sampled_from(TEXTS)),
    st.tuples(st.just("delete"), st.sampled_from(PATHS), st.just("")),
    st.tuples(st.just("rewrite"), st.sampled_from(PATHS), st.just("")),
    st.tuples(
        st.just(".gitignore"), st.just(""), st.sampled_from(["", "sub/\n", "*.tf\n", "a.yaml\n"])
    ),
    st.tuples(
        st.just(".infraplan.yaml"),
        st.just(""),
        st.sampled_from(["", "role: gitops\n", "exclude: [sub/deep/]\n", "role: [\n"]),
    ),
)


def _edit(repo: Path, edit: tuple[str, str, str]) -> None:
    what, rel, text = edit
    path = repo / (rel or what)
    if what == "delete":
        path.unlink(missing_ok=True)
    elif what == "rewrite":
        if path.exists():
            path.write_bytes(path.read_bytes())
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("small")
    for name in ("tracked", "plain"):
        (root / name).mkdir()
        (root / name / "a.yaml").write_text(CONFIGMAP.format(name=name))
    subprocess.run(["git", "init", "-q"], cwd=root / "tracked", check=True)
    return root / "tracked", root / "plain", root / "cache"


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(edits=st.lists(st.tuples(st.booleans(), EDITS), min_size=1, max_size=4), first=st.booleans())
def test_through_the_cache_what_a_run_without_it_prints(
    small: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, edits: list, first: bool
) -> None:
    tracked, plain, cache = small
    for in_tracked, edit in edits:
        _edit(tracked if in_tracked else plain, edit)
    args = [f"t={tracked}", f"p={plain}", "--format", "jsonl"]
    argv = ["facts", *args, "--cache-dir", str(cache)]
    monkeypatch.chdir(cache.parent)
    without = run_cli("facts", *args, "--no-cache")
    if first:  # no entry: the key is computed from the run's own listing and reading
        for path in _entries(cache):
            path.unlink()
    for _ in range(1 if first else 2):  # a miss (recorded), then a hit or a miss
        assert _main(argv, monkeypatch) == (without.returncode, without.stdout, "")
    _tamper(cache)  # the entry holds these inputs: a replay
    assert _main(argv, monkeypatch)[1] == MARKER.decode()
    (path,) = _entries(cache)  # (kept for the next edits, which must not replay it)
    entry = outentry.read_entry(str(path))
    assert entry is not None
    outentry.write_entry(str(path), {**entry, "stdout": without.stdout.encode()})
