from __future__ import annotations

import pytest

from engine.core.errors import InputError
from engine.core.yamlsrc import load_text


def test_positions_of_keys_and_values() -> None:
    data, smap = load_text("a:\n  b: 1\n  c:\n    - x\n    - y\n", "f.yaml")
    assert data == {"a": {"b": 1, "c": ["x", "y"]}}
    assert smap.keys[("a", "b")].line == 2
    assert smap.values[("a", "c", 1)].line == 5
    assert smap.values[("a", "c", 1)].column == 7


def test_missing_path_falls_back_to_nearest_ancestor() -> None:
    _, smap = load_text("a:\n  b: 1\n", "f.yaml")
    assert smap.at(("a", "zzz")).line == 2 or smap.at(("a", "zzz")).line == 1


def test_syntax_error_names_file_line_column() -> None:
    with pytest.raises(InputError) as err:
        load_text("a: [1, 2\nb: 3\n", "bad.yaml")
    (problem,) = err.value.problems
    assert problem.file == "bad.yaml" and problem.line >= 1 and "not valid YAML" in problem.message


def test_duplicate_keys_are_errors() -> None:
    with pytest.raises(InputError) as err:
        load_text("a: 1\na: 2\n", "dup.yaml")
    assert "duplicate key" in str(err.value)
    assert err.value.problems[0].line == 2
