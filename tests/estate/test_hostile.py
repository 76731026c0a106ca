"""Bad input never stops a run, and secrets never leave the file.

The hostile fixture is built by the test (symlink loops and binary files do not belong in git):
each case becomes a diagnostic and `facts` exits 0.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.scan import ScanOptions, scan_estate
from tests.conftest import EXAMPLES, ROOT, run_cli

SECRETS = ROOT / "tests" / "fixtures" / "secrets-repo"


def build_hostile(root: Path) -> dict[str, str]:
    """Write one file per hostile case; return {path: words its diagnostic must contain}."""
    root.mkdir(parents=True, exist_ok=True)
    cases: dict[str, tuple[bytes, str]] = {
        "unparseable.yaml": (
            b"apiVersion: v1\nkind: ConfigMap\nmetadata: [oops\n",
            "not valid YAML",
        ),
        "undecodable.yaml": (
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xff\xfe\n",
            "not UTF-8",
        ),
        "binary.yaml": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        "oversized.yaml": (b"a: " + b"x" * 300_000 + b"\n", "too large"),
        "custom-tag.yaml": (
            b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata: {a: !env_var HOME}\n",
            "custom YAML tag",
        ),
        "template.yaml": (
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n",
            "YAML",
        ),
        "broken.tf": (b'resource "aws_s3_bucket" "b" {\n  bucket = \n', "not valid HCL"),
        "deep.yaml": (b"[" * 20000 + b"]" * 20000 + b"\n", ""),
    }
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{'abcdefghij'[i]}"] * 10) + "]")
    cases["alias-bomb.yaml"] = (("\n".join(lines) + "\n").encode(), "aliases are expanded")
    for name, (data, _) in cases.items():
        (root / name).write_bytes(data)
    os.symlink(root / "loop-a.yaml", root / "loop-b.yaml")
    os.symlink(root / "loop-b.yaml", root / "loop-a.yaml")
    os.symlink("/etc/hostname", root / "outside.yaml")
    os.symlink(root / "nowhere.yaml", root / "dangling.yaml")
    (root / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n")
    expected = {name: words for name, (_, words) in cases.items() if words}
    expected.update(
        {
            "loop-a.yaml": "loop",
            "loop-b.yaml": "loop",
            "outside.yaml": "outside the repository",
            "dangling.yaml": "dangling",
        }
    )
    return expected


def test_hostile_files_become_diagnostics(kb: KnowledgeBase, tmp_path: Path) -> None:
    expected = build_hostile(tmp_path / "hostile")
    estate = scan_estate(
        [RepoSpec("hostile", tmp_path / "hostile")],
        kb.knowledge,
        ScanOptions(max_file_bytes=200_000),
    )
    reasons: dict[str, str] = {}
    for d in estate.diagnostics:
        reasons[d.path] = reasons.get(d.path, "") + d.reason
    for path, words in expected.items():
        assert path in reasons, path
        assert words in reasons[path], (path, reasons[path])
    assert [o.name for o in estate.objects if o.path == "ok.yaml"] == ["fine"]


def test_hostile_run_through_cli_exits_0(tmp_path: Path) -> None:
    build_hostile(tmp_path / "hostile")
    result = run_cli(
        "facts",
        f"hostile={tmp_path / 'hostile'}",
        "--format",
        "json",
        "--no-cache",
        "--max-file-bytes",
        "200000",
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    summary = json.loads(result.stdout)
    assert len(summary["diagnostics"]) >= 12
    assert all(set(d) == {"repo", "path", "line", "reason"} for d in summary["diagnostics"])


def test_file_vanishing_while_reading(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / "gone.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
    real = Path.read_bytes

    def flaky(self: Path) -> bytes:
        if self.name == "gone.yaml":
            raise FileNotFoundError(2, "No such file or directory")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", flaky)
    estate = scan_estate([RepoSpec("r", tmp_path)], kb.knowledge)
    assert [o.name for o in estate.objects] == ["a"]
    assert [(d.path, d.reason) for d in estate.diagnostics] == [
        ("gone.yaml", "cannot read: No such file or directory")
    ]


def _all_output(tmp_path: Path) -> str:
    cache = tmp_path / "cache"
    texts = []
    for args in (
        ["facts", f"secrets={SECRETS}", "--format", "json"],
        ["facts", f"secrets={SECRETS}", "--format", "jsonl"],
        ["facts", f"secrets={SECRETS}"],
        ["graph", f"secrets={SECRETS}", "--format", "json"],
        ["graph", f"secrets={SECRETS}", "--format", "dot"],
        [
            "plan",
            str(EXAMPLES / "specs" / "rds-rotation.yaml"),
            "--repo",
            f"secrets={SECRETS}",
            "--format",
            "json",
        ],
        ["plan", str(EXAMPLES / "specs" / "rds-rotation.yaml"), "--repo", f"secrets={SECRETS}"],
    ):
        result = run_cli(*args, "--cache-dir", str(cache))
        assert result.returncode == 0, (args, result.stderr)
        texts.append(result.stdout + result.stderr)
    for path in cache.rglob("*"):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def test_fake_secrets_appear_nowhere(tmp_path: Path) -> None:
    fixture_text = "".join(p.read_text() for p in SECRETS.rglob("*") if p.is_file())
    planted = sorted(
        {w.strip('"') for w in fixture_text.split() if w.strip('"').startswith("FAKE-SECRET-")}
    )
    assert len(planted) >= 11
    output = _all_output(tmp_path)
    assert "FAKE-SECRET" not in output
    assert "RkFLRS1TRUNSRVQ" not in output  # the base64 form
    # ... and the facts were read: the fixture is not simply ignored
    assert "app-credentials" in output and "aws_db_instance" in output and "db_password" in output
