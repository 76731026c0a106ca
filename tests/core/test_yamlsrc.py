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


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ("owners: &a [*a]\n", "recursive alias", 1),
        ("a: " + "[" * 150 + "]" * 150 + "\n", "nested more than 100 levels", 1),
        ("a: 1\nb: " + "1" * 200 + "\n", "more than 100 digits", 2),
        ("a: 1\nexpires: 2024-02-30\n", "cannot read the value: day is out of range", 2),
    ],
    ids=["recursive-alias", "deep", "long-int", "impossible-date"],
)
def test_hostile_yaml_is_a_problem_at_its_line(text: str, words: str, line: int) -> None:
    with pytest.raises(InputError) as err:
        load_text(text, "spec.yaml")
    (problem,) = err.value.problems
    assert words in problem.message and problem.line == line


def test_alias_bombs_are_refused_without_expanding() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(InputError) as err:
        load_text("\n".join(lines) + "\n", "bomb.yaml")
    assert "once YAML aliases are expanded" in str(err.value)


def test_small_aliases_still_work() -> None:
    data, _ = load_text("base: &b {x: 1}\nuse: *b\n", "ok.yaml")
    assert data == {"base": {"x": 1}, "use": {"x": 1}}
