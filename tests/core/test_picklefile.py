"""What keys the caches: the engine's modules (engine/core/picklefile.py, modules_digest) — any
change to a module is a new key, even one that keeps its size and modification time."""

from __future__ import annotations

import os
import time
from pathlib import Path

from engine.core.picklefile import files_below, modules_digest


def _tree(root: Path) -> None:
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "sub" / "rules.py").write_text("LIMIT = 1\n")
    (root / "pkg" / "notes.txt").write_text("not a module\n")


def test_every_module_below_is_listed_by_its_relative_name(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.py").write_text("")
    (tmp_path / "pkg" / "linked").symlink_to(tmp_path / "elsewhere")  # not entered
    names = [name for name, _ in files_below(tmp_path / "pkg", ".py")]
    assert names == ["__init__.py", "sub/rules.py"]


def test_a_changed_module_is_a_new_digest_even_with_its_old_size_and_time(tmp_path: Path) -> None:
    _tree(tmp_path)
    module = tmp_path / "pkg" / "sub" / "rules.py"
    before = modules_digest(tmp_path / "pkg", "v1")
    assert modules_digest(tmp_path / "pkg", "v1") == before
    assert modules_digest(tmp_path / "pkg", "v2") != before  # the version is part of it
    stat = module.stat()
    time.sleep(0.05)  # past the file system clock's tick (a few ms): a later change time
    module.write_text("LIMIT = 2\n")  # the same size ...
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ... and modification time
    assert module.stat().st_size == stat.st_size
    assert modules_digest(tmp_path / "pkg", "v1") != before
    # a file that is not a module does not count
    changed = modules_digest(tmp_path / "pkg", "v1")
    (tmp_path / "pkg" / "notes.txt").write_text("changed\n")
    assert modules_digest(tmp_path / "pkg", "v1") == changed
