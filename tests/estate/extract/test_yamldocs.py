"""Defensive multi-document YAML."""

from __future__ import annotations

from engine.estate.extract.yamldocs import MAX_EXPANDED_NODES, load_documents


def test_documents_with_lines() -> None:
    docs, problems = load_documents("---\na: 1\n---\n# c\nb: 2\n")
    assert docs == [(2, {"a": 1}), (5, {"b": 2})] and problems == []


def test_custom_tags_read_as_plain_values() -> None:
    docs, problems = load_documents("a: !env_var HOME\nb: !!python/name:os.system ''\nc: =\n")
    assert docs[0][1]["a"] == "HOME"
    assert any("custom YAML tag !env_var" in reason for _, reason in problems)


def test_alias_bomb_is_refused_before_anything_walks_it() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    docs, problems = load_documents("\n".join(lines) + "\n---\nok: 1\n")
    assert docs == [(10, {"ok": 1})] or docs == [(9, {"ok": 1})]
    assert any(str(MAX_EXPANDED_NODES) in reason for _, reason in problems)


def test_duplicate_anchors_are_allowed_as_in_yaml_1_2() -> None:
    docs, problems = load_documents("a: &x 1\nb: &x 2\nc: *x\n")
    assert docs == [(1, {"a": 1, "b": 2, "c": 2})] and problems == []


def test_broken_document_keeps_earlier_ones() -> None:
    docs, problems = load_documents("a: 1\n---\nb: [\n")
    assert docs == [(1, {"a": 1})]
    assert problems and problems[0][1].startswith("not valid YAML")


def test_template_syntax_is_a_problem() -> None:
    docs, problems = load_documents("name: {{ .Values.name }}\n")
    assert docs == [] and problems
