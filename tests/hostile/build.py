"""Hostile inputs, generated per class: each builder writes its files and says what a run must
report about them (the words of the problem or diagnostic, and the file it names)."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import EXAMPLES, Ran, run_cli

RDS = EXAMPLES / "specs" / "rds-rotation.yaml"
SECONDS = 30  # per command, in-process; measured figures: bench/hostile.md
MAX_RSS_MB = 1500  # the test process's peak, after any hostile run (the issue saw 2.4-3.9 GB)


class Hang(BaseException):
    """A command ran past its bound (a BaseException: the error boundary must not catch it)."""


@contextmanager
def bounded(seconds: float = SECONDS) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hang(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def peak_rss_mb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def hostile(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Ran:
    """A command in-process, bounded in time, with no traceback and a bounded memory peak."""
    start = time.monotonic()
    with bounded():
        ran = run_cli(*args, cwd=cwd, env={"INFRAPLAN_DEBUG": "", **(env or {})})
    assert "Traceback" not in ran.stderr + ran.stdout, ran.stderr
    assert peak_rss_mb() < MAX_RSS_MB, (args, peak_rss_mb())
    assert time.monotonic() - start < SECONDS
    return ran


# -- YAML that attacks a parser ------------------------------------------------------------


def alias_bomb() -> str:
    """A billion laughs: 10^9 values once aliases are expanded, in ten lines."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


YAML_ATTACKS: dict[str, tuple[str, str]] = {
    # name: (text, words of the problem)
    "alias-bomb": (alias_bomb(), "aliases are expanded"),
    "recursive-alias": ("owners: &a [*a]\n", "recursive alias"),
    "deep": ("a: " + "[" * 500 + "]" * 500 + "\n", "nested more than"),
    "deep-block": (
        "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 150)) + "  " * 150 + "x: 1\n",
        "nested more than",
    ),
    "long-int": ("a: " + "7" * 5000 + "\n", "more than 100 digits"),
    "bad-date": ("a: 2024-02-30\n", "day is out of range"),
    "month-13": ("a: 2024-13-01\n", "month must be in 1..12"),
    "not-utf8": ("a: \udcff\n", "not UTF-8"),  # written with surrogateescape: a raw 0xff byte
    "nul-bytes": ("a: b\x00c\n", "not valid YAML"),
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return path


# -- specs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    path: Path
    words: str  # in the problem reported for it
    named: str = ""  # how the problem names the file (default: the path)


def hostile_specs(folder: Path) -> dict[str, Case]:
    """One spec per class; each must be an input error naming the spec."""
    folder.mkdir(parents=True, exist_ok=True)
    valid = RDS.read_text()
    cases = {
        name: Case(write(folder / f"{name}.yaml", text), words)
        for name, (text, words) in YAML_ATTACKS.items()
    }
    waiver = "waivers:\n  - rule: policy.rollback-required\n    reason: r\n    owner: o\n    expires: {}\n"
    cases["waiver-date"] = Case(
        write(folder / "waiver-date.yaml", valid + waiver.format("2024-02-30")),
        "day is out of range",
    )
    cases["waiver-int"] = Case(
        write(folder / "waiver-int.yaml", valid + waiver.format("9" * 5000)), "more than 100 digits"
    )
    many = "".join(f"unknown_{i}: {i}\n" for i in range(20_000))  # 350 kB: under the input limit
    cases["many-unknown-keys"] = Case(
        write(folder / "many.yaml", valid + many), 'unknown key "unknown_0"'
    )
    with (folder / "huge.yaml").open("w") as f:  # 50 MB of unknown keys: over the input limit
        f.write(valid)
        line = "unknown_key_padding_padding: 1\n"
        f.write(line * (50_000_000 // len(line)))
    cases["huge"] = Case(folder / "huge.yaml", "larger than the limit of 1000000 bytes")
    cases["binary"] = Case(write(folder / "binary.yaml", "\x89PNG\r\n\x1a\n"), "not")
    cases["empty"] = Case(write(folder / "empty.yaml", ""), "expected a mapping")
    cases["a-list"] = Case(write(folder / "a-list.yaml", "- a\n- b\n"), "expected a mapping")
    os.mkfifo(folder / "fifo.yaml")
    cases["fifo"] = Case(folder / "fifo.yaml", "not a regular file")
    # not a regular file and no .yaml name: a sentence, which nothing matches
    cases["dev-zero"] = Case(Path("/dev/zero"), "no pattern or category matches", "request")
    (folder / "folder.yaml").mkdir()
    cases["folder"] = Case(folder / "folder.yaml", "is a folder")
    cases["missing"] = Case(folder / "missing.yaml", "no such spec file")
    return cases


# -- plans ----------------------------------------------------------------------------------


def hostile_plans(folder: Path, good: Path) -> dict[str, Case]:
    """One plan file per class, for explain and verify; each an input error naming the file."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = json.loads(good.read_text())

    def edited(name: str, edit: Callable[[dict], object]) -> Path:  # type: ignore[type-arg]
        data = json.loads(json.dumps(plan))
        edit(data)
        return write(folder / f"{name}.json", json.dumps(data))

    cases = {
        "garbage": Case(write(folder / "garbage.json", "\x89PNG\r\n\x1a\n"), "not JSON"),
        "not-utf8": Case(write(folder / "not-utf8.json", '{"a": "\udcff"}'), "not UTF-8"),
        "deep": Case(write(folder / "deep.json", "[" * 100_000), "not JSON"),
        "big-int": Case(
            write(folder / "big-int.json", '{"schema_version": "1", "inputs": ' + "1" * 5000 + "}"),
            "not",
        ),
        "not-a-plan": Case(
            write(folder / "not-a-plan.json", '{"hello": "world"}'), "not an infraplan JSON plan"
        ),
        "yaml": Case(write(folder / "plan.yaml", alias_bomb()), "not JSON"),
        "empty": Case(write(folder / "empty.json", ""), "not JSON"),
        "future": Case(
            edited("future", lambda d: d.update(schema_version="2")),
            "schema_version '2' is not supported",
        ),
        "evaluated-on": Case(
            edited("evaluated-on", lambda d: d["inputs"].update(evaluated_on="2024-13-01")),
            "inputs.evaluated_on",
        ),
        "wrong-type": Case(
            edited("wrong-type", lambda d: d.update(decisions=[1, 2])), "not an infraplan JSON plan"
        ),
    }
    os.mkfifo(folder / "fifo.json")
    cases["fifo"] = Case(folder / "fifo.json", "not a regular file")
    cases["dev-zero"] = Case(Path("/dev/zero"), "not a regular file")
    return cases


# -- rule and knowledge overlays -------------------------------------------------------------


def hostile_overlay(folder: Path, kind: str) -> dict[str, Case]:
    """A rules or knowledge overlay folder with one hostile file per class."""
    sub = folder / ("patterns" if kind == "knowledge" else "")
    cases = {
        name: Case(write(sub / f"{name}.yaml", text), words)
        for name, (text, words) in YAML_ATTACKS.items()
    }
    os.mkfifo(sub / "fifo.yaml")
    cases["fifo"] = Case(sub / "fifo.yaml", "not a regular file")
    return cases


# -- repositories -----------------------------------------------------------------------------

CANARY_CONFIG = "CANARY-CONFIG-7f3a"  # in a file a repository's config symlink points at


def hostile_configs(folder: Path, outside: Path) -> dict[str, tuple[Path, str]]:
    """Repositories whose own `.infraplan.yaml` is hostile: a diagnostic for that repository,
    never followed out of it, never quoted."""
    write(outside, f"environments: {{prd: {CANARY_CONFIG}}}\nrole: {CANARY_CONFIG}\n")
    repos: dict[str, tuple[Path, str]] = {}

    def repo(name: str) -> Path:
        root = folder / name
        write(root / "app.yaml", f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\n")
        return root

    for name, (text, words) in YAML_ATTACKS.items():
        write(repo(f"cfg-{name}") / ".infraplan.yaml", text)
        repos[f"cfg-{name}"] = (folder / f"cfg-{name}", words)
    root = repo("cfg-symlink")
    os.symlink(outside, root / ".infraplan.yaml")
    repos["cfg-symlink"] = (root, "symlink points outside the repository")
    write(
        repo("cfg-values") / ".infraplan.yaml",
        f"environments: {{prd: {CANARY_CONFIG}}}\nrules_dirs: [../../..]\n",
    )
    repos["cfg-values"] = (folder / "cfg-values", "not an environment")
    root = repo("cfg-fifo")
    os.mkfifo(root / ".infraplan.yaml")
    repos["cfg-fifo"] = (root, "not a regular file")
    return repos


def hostile_repo(root: Path) -> dict[str, str]:
    """One repository holding every hostile kind of content; returns {path: diagnostic words}
    for what must be reported (the rest must simply be read, quickly)."""
    expected: dict[str, str] = {}
    # a glob bomb in .gitignore and CODEOWNERS, and a long name for it to chew on
    write(root / "globs" / ".gitignore", "*a*a*a*a*a*a*a*a*a*a*a*a*b\n")
    write(root / "CODEOWNERS", "*a*a*a*a*a*a*a*a*a*a*a*a*b @bomb\n* @everyone\n")
    write(
        root / "globs" / ("a" * 40 + ".yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: globbed}\n",
    )
    # folders nested 1,200 deep
    (root / "deep").mkdir(parents=True)
    fd = os.open(root / "deep", os.O_RDONLY)
    for _ in range(1200):  # by folder descriptor: the path itself would pass PATH_MAX
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    expected["deep/" + "/".join(["d"] * 64)] = "folder nested deeper than 64 levels"
    # a chain of 1,500 kustomizations applied by one Flux Kustomization
    write(
        root / "clusters" / "prod" / "apps.yaml",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: chain, namespace: flux-system}\n"
        "spec: {path: ./chain/k0, sourceRef: {kind: GitRepository, name: repo}}\n",
    )
    for i in range(1500):
        write(root / "chain" / f"k{i}" / "kustomization.yaml", f"resources: [../k{i + 1}]\n")
    write(
        root / "chain" / "k1500" / "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: end}\n",
    )
    # names that are not UTF-8, and names that would break a diagram or a terminal
    bad = os.fsencode(root) + b"/names"
    os.makedirs(bad + b"/caf\xe9")
    with open(bad + b"/caf\xe9/x.yaml", "wb") as f:
        f.write(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: latin1}\n")
    with open(bad + b"/r\xe9sum\xe9.yaml", "wb") as f:
        f.write(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: latin1}\n")
    expected["names/caf\\xe9"] = "folder name is not UTF-8"
    expected["names/r\\xe9sum\\xe9.yaml"] = "file name is not UTF-8"
    write(
        root / "names" / 'evil"]\n\r\x1b[31m;#name.yaml',
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 'x\"]\\n\\x1b[2J'}\n",
    )
    # a Terraform secret name of 14 interpolations, and an ExternalSecret key of 60 characters
    name = "-".join(f"${{var.p{i}}}" for i in range(14))
    write(
        root / "tf" / "secret.tf",
        f'resource "aws_secretsmanager_secret" "s" {{\n  name = "{name}"\n}}\n',
    )
    write(
        root / "k8s" / "external-secret.yaml",
        "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata: {name: es, namespace: app}\n"
        "spec:\n  secretStoreRef: {name: aws, kind: ClusterSecretStore}\n"
        f"  data:\n    - secretKey: k\n      remoteRef: {{key: {'x-' * 30}}}\n",
    )
    # files that are no files: a FIFO .gitignore and manifest (opening either would block), a
    # socket, a symlink to a device
    (root / "specials").mkdir()
    os.mkfifo(root / "specials" / ".gitignore")
    os.mkfifo(root / "specials" / "pipe.yaml")
    os.symlink("/dev/zero", root / "specials" / "zero.yaml")
    expected["specials/.gitignore"] = "not read: not a regular file"
    expected["specials/pipe.yaml"] = "not a regular file"
    expected["specials/zero.yaml"] = "symlink points outside the repository"
    # a file of 20,000 (empty) documents
    write(root / "many-documents.yaml", "---\n" * 20_000)
    expected["many-documents.yaml"] = "more than 10000 YAML documents"
    # hostile YAML in ordinary repository files
    for name, (text, words) in YAML_ATTACKS.items():
        write(root / "yaml" / f"{name}.yaml", text)
        expected[f"yaml/{name}.yaml"] = "binary file" if name == "nul-bytes" else words
    return expected


# -- the real entry point, measured ------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float  # the peak resident memory of the command's process


# A small launcher runs the command and reports its children's peak memory: measured from this
# (large) process directly, Linux would count our own memory as the child's floor, since the
# child's peak survives exec (getrusage's ru_maxrss)
_LAUNCHER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
json.dump({"code": code, "seconds": time.perf_counter() - start,
           "kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, open(sys.argv[1], "w"))
"""


def measured(*args: str, cwd: Path | None = None, timeout: float = 120) -> Measured:
    """`infraplan ARGS` in its own process, with its wall time and peak memory (the largest
    resident set of the command's process and its workers)."""
    import subprocess
    import sys
    import tempfile

    from tests.conftest import ROOT, infraplan_command

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("INFRAPLAN_DEBUG", None)
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        with open(Path(folder) / "out", "wb") as out, open(Path(folder) / "err", "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-S", "-c", _LAUNCHER, str(report), *infraplan_command(), *args],
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                cwd=cwd,
                env=env,
                start_new_session=True,
            )
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise Hang(f"infraplan {' '.join(args)} took more than {timeout} s") from None
        result = json.loads(report.read_text())
        return Measured(
            result["code"],
            (Path(folder) / "out").read_text("utf-8", "replace"),
            (Path(folder) / "err").read_text("utf-8", "replace"),
            round(result["seconds"], 2),
            round(result["kib"] / 1024, 1),
        )


def big_codeowners_repo(root: Path, rules: int = 50_000, files: int = 2_000) -> Path:
    """A repository of `files` small YAML files and a CODEOWNERS of `rules` lines."""
    lines = [f"/services/svc-{i}/ @team-{i % 97}" for i in range(rules // 2)]
    lines += [f"*.ext{i} @ext" for i in range(rules // 4)]
    lines += [f"/apps/app-{i}-* @apps" for i in range(rules - len(lines) - 1)]
    lines.append("*a*a*a*a*a*a*a*a*a*a*a*a*b @bomb")
    write(root / ".github" / "CODEOWNERS", "\n".join(lines) + "\n")
    for i in range(files):
        write(
            root / "services" / f"svc-{i * 7}" / f"{'a' * 40}-{i}.yaml",
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n",
        )
    return root


def remove_deep(folder: Path) -> None:
    """Remove the 1,200-deep chain of `d` folders under `folder` (shutil.rmtree recurses and
    would overflow, in pytest's own clean-up of old temporary folders too)."""
    fds = [os.open(folder, os.O_RDONLY)]
    while "d" in os.listdir(fds[-1]):
        fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
    while len(fds) > 1:
        inner = fds.pop()
        for name in os.listdir(inner):
            os.unlink(name, dir_fd=inner)
        os.close(inner)
        os.rmdir("d", dir_fd=fds[-1])
    os.close(fds[0])
