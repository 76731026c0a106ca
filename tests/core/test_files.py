"""Reading only regular files within a limit; writing all or nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from engine.core.errors import InputError
from engine.core.files import is_regular_file, read_text, write_atomic


def _problem(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as err:
        call()
    return str(err.value.problems[0])


def test_reads_only_regular_files_within_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)  # opening it for reading must not wait for a writer
    assert "not a regular file" in _problem(lambda: read_text(fifo, 100))
    assert "not a regular file" in _problem(lambda: read_text(Path("/dev/zero"), 100))
    assert "is a folder" in _problem(lambda: read_text(tmp_path, 100))
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 101)
    assert "larger than the limit of 100 bytes (set X" in _problem(
        lambda: read_text(big, 100, setting="X")
    )
    assert "cannot read: No such file" in _problem(lambda: read_text(tmp_path / "no", 100))


def test_undecodable_text_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: 1\nb: \xff\n")
    assert _problem(lambda: read_text(bad, 100)).startswith(f"{bad}:2:4: not UTF-8")


def test_is_regular_file_never_raises(tmp_path: Path) -> None:
    assert not is_regular_file("x" * 5000)
    assert not is_regular_file("a\0b")
    assert not is_regular_file(tmp_path)
    (tmp_path / "f").write_text("x")
    assert is_regular_file(tmp_path / "f")


def test_failed_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old plan")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert "cannot write: No space left on device" in _problem(lambda: write_atomic(target, "new"))
    assert target.read_text() == "old plan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_write_errors_name_the_file(tmp_path: Path) -> None:
    assert "No such file or directory" in _problem(
        lambda: write_atomic(tmp_path / "missing" / "x", "t")
    )
    assert "Is a directory" in _problem(lambda: write_atomic(tmp_path, "t"))
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        assert "Permission denied" in _problem(lambda: write_atomic(ro / "x", "t"))
    assert "No space left" in _problem(lambda: write_atomic(Path("/dev/full"), "t"))


def test_atomic_write_keeps_the_mode_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    write_atomic(target, "one")
    target.chmod(0o640)
    write_atomic(target, "two")
    assert target.read_text() == "two" and (target.stat().st_mode & 0o777) == 0o640
