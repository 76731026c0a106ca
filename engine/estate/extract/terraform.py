"""Terraform/OpenTofu `.tf` and `.tfvars` with python-hcl2.

We walk hcl2's raw lark tree (`hcl2.parses_to_tree`) instead of `hcl2.load`: it is about twice
as fast and the only way to get line numbers. Attribute values are read only where they are
names, sources or versions; variable defaults and tfvars values are never read.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from pydantic import Field

from engine.core.models import Out
from engine.core.redact import strip_userinfo
from engine.estate.extract.hcl_parse import attributes as _attributes
from engine.estate.extract.hcl_parse import block_head as _block_head
from engine.estate.extract.hcl_parse import blocks_of as _blocks
from engine.estate.extract.hcl_parse import body_of as _body
from engine.estate.extract.hcl_parse import node_text as _text
from engine.estate.extract.hcl_parse import parse_hcl
from engine.estate.extract.hcl_parse import unquote as _unquote
from engine.estate.extract.hcl_values import (
    bare_reference,
    embedded_objects,
    file_references,
    literal,
    provider_choices,
    readable,
)
from engine.estate.extract.kinds import KubeDoc


class TerraformBlock(Out):
    line: int
    block: str  # resource, data, module, variable, output, provider, backend, required_provider, terraform
    type: str = ""
    name: str = ""
    source: str = ""
    version: str = ""
    sensitive: bool = False
    meta: list[str] = Field(default_factory=list)  # count, for_each, dynamic
    references: list[str] = Field(default_factory=list)
    names: list[str] = Field(
        default_factory=list
    )  # literal name-like attributes, for linking across repos
    # switches, names, charts and versions: literal values, and bare references (never secrets)
    inputs: dict[str, str] = Field(default_factory=dict)
    input_refs: dict[str, str] = Field(default_factory=dict)
    # the line of each read input (literal or reference): a value's citation is its own line
    input_lines: dict[str, int] = Field(default_factory=dict)
    providers: dict[str, str] = Field(default_factory=dict)  # provider type → configuration used
    embedded: list[KubeDoc] = Field(default_factory=list)  # objects a manifest resource holds
    files: list[str] = Field(default_factory=list)  # files read through file("${path.module}/…")


NAME_ATTRIBUTES = (
    "name",
    "name_prefix",
    "identifier",
    "secret_id",
    "function_name",
    "cluster_name",
    "bucket",
)
_INTERPOLATION = re.compile(r"\$\{([^}]*)\}")
# left to right, so a `#` or `/*` inside a string is no comment and a `"` inside a comment no string
_SKIPPED = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'
    r"|<<-?[ \t]*(?P<tag>[A-Za-z_][\w-]*)[ \t]*\r?\n"
    r"|/\*"
    r"|(?:#|//)[^\n]*"
)
_REF = re.compile(
    r"(?<![\w.\-])(?:(?P<kw>var|local|module)\.(?P<kwname>[A-Za-z_][\w-]*)"
    r"|data\.(?P<dtype>[A-Za-z_]\w*)\.(?P<dname>[A-Za-z_][\w-]*)"
    r"|(?P<rtype>[a-z][a-z0-9]*_[a-z0-9_]+)\.(?P<rname>[A-Za-z_][\w-]*))"
)


def _code_only(code: str) -> str:
    """Code without strings, heredocs and comments, keeping only the `${...}` interpolations of
    strings and heredocs: the text of a heredoc or a comment is never mined for references (it
    may hold anything, secrets included). One pass, with each heredoc's closing line looked up
    in an index of lines, so that no input makes it quadratic."""
    lines: dict[str, list[int]] = {}  # a line's text without blanks → where each such line ends
    offset = 0
    for line in code.splitlines(keepends=True):
        offset += len(line)
        lines.setdefault(line.strip(), []).append(offset)
    out: list[str] = []
    pos = 0
    while (m := _SKIPPED.search(code, pos)) is not None:
        out.append(code[pos : m.start()])
        text, pos = m.group(0), m.end()
        if text.startswith('"'):
            out.append(" " + " ".join(_INTERPOLATION.findall(text)) + " ")
        elif m.group("tag"):
            ends = lines.get(m.group("tag"), [])
            after = bisect.bisect_right(ends, m.end())  # the closing line ends after the opening
            if after == len(ends):
                out.append(" ")  # never closed: not HCL; read on as code
                continue
            closing = ends[after]
            out.append(" " + " ".join(_INTERPOLATION.findall(code[m.end() : closing])) + " ")
            pos = closing
        elif text == "/*":
            close = code.find("*/", pos)
            pos = len(code) if close == -1 else close + 2
            out.append(" ")
        else:  # a line comment
            out.append(" ")
    out.append(code[pos:])
    return "".join(out)


def references(code: str) -> list[str]:
    """Addresses an expression refers to: `aws_iam_role.x`, `module.m`, `var.v`, `data.t.n`, `local.l`."""
    code = _code_only(code)
    found = set()
    for m in _REF.finditer(code):
        if m.group("kw"):
            found.add(f"{m.group('kw')}.{m.group('kwname')}")
        elif m.group("dtype"):
            found.add(f"data.{m.group('dtype')}.{m.group('dname')}")
        else:
            found.add(f"{m.group('rtype')}.{m.group('rname')}")
    return sorted(found)


def _meta(src: str, body: Any) -> list[str]:
    attrs = _attributes(src, body)
    meta: list[str] = [m for m in ("count", "for_each") if m in attrs]
    if any(_block_head(b)[0] == "dynamic" for b in _blocks(body)):
        meta.append("dynamic")
    return meta


def _values(attrs: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    """`inputs` and `input_refs` of the readable attributes of a body (and literal booleans of
    any attribute), and provider choices."""
    raw = {name: value for name, (value, _) in attrs.items()}
    inputs: dict[str, str] = {}
    refs: dict[str, str] = {}
    for name, value in raw.items():
        if not readable(name):
            # a literal boolean only says whether something is on, never a secret: read it
            # whatever the attribute is called (`manage_master_user_password_rotation = true`)
            if value.strip() in {"true", "false"}:
                inputs[name] = value.strip()
            continue
        found = literal(value)
        if found is not None:
            inputs[name] = found
        elif bare_reference(value):
            refs[name] = bare_reference(value)
    lines = {
        name: node.meta.line for name, (_, node) in attrs.items() if name in inputs or name in refs
    }
    return {
        "inputs": inputs,
        "input_refs": refs,
        "input_lines": lines,
        "providers": provider_choices(raw),
    }


def extract_terraform(text: str) -> tuple[list[TerraformBlock], list[tuple[int, str]]]:
    """Blocks of one `.tf` file, and problems as (line, reason)."""
    body, problems = parse_hcl(text)
    if problems:
        return [], problems
    blocks: list[TerraformBlock] = []
    for block in _blocks(body):
        kind, labels = _block_head(block)
        line = block.meta.line
        inner = _body(block)
        code = _text(text, inner) if inner is not None else ""
        attrs = _attributes(text, inner)

        def literal(name: str, attrs: dict[str, tuple[str, Any]] = attrs) -> str:
            """A string attribute's text; "" for anything else (a heredoc is never read)."""
            raw = attrs[name][0].strip() if name in attrs else ""
            return _unquote(raw) if len(raw) >= 2 and raw[0] == raw[-1] == '"' else ""

        if kind in {"resource", "data"} and len(labels) >= 2:
            names = [
                literal(a)
                for a in NAME_ATTRIBUTES
                if literal(a) and attrs[a][0].strip().startswith('"')
            ]
            embedded = (
                embedded_objects(
                    labels[0], {k: (v, node.meta.line) for k, (v, node) in attrs.items()}
                )
                if kind == "resource"
                else []
            )
            blocks.append(
                TerraformBlock(
                    line=line,
                    block=kind,
                    type=labels[0],
                    name=labels[1],
                    meta=_meta(text, inner),
                    references=references(code),
                    names=names,
                    embedded=embedded,
                    files=file_references(code),
                    **_values(attrs),
                )
            )
        elif kind == "module" and labels:
            blocks.append(
                TerraformBlock(
                    line=line,
                    block="module",
                    name=labels[0],
                    source=strip_userinfo(literal("source")),
                    version=literal("version"),
                    meta=_meta(text, inner),
                    references=references(code),
                    **_values(attrs),
                )
            )
        elif kind == "variable" and labels:
            sensitive = attrs.get("sensitive", ("", None))[0].strip() == "true"
            default = _literal_value(attrs["default"][0]) if "default" in attrs else None
            blocks.append(
                TerraformBlock(
                    line=line,
                    block="variable",
                    name=labels[0],
                    sensitive=sensitive,
                    # a default is read only for a variable that names a version or switch
                    inputs={"default": default}
                    if default is not None and readable(labels[0]) and not sensitive
                    else {},
                )
            )
        elif kind == "output" and labels:
            blocks.append(
                TerraformBlock(
                    line=line, block="output", name=labels[0], references=references(code)
                )
            )
        elif kind == "provider" and labels:
            blocks.append(
                TerraformBlock(
                    line=line,
                    block="provider",
                    type=labels[0],
                    name=literal("alias"),
                    references=references(code),
                    inputs={"config_context": c} if (c := _context(code)) else {},
                )
            )
        elif kind == "terraform":
            version = literal("required_version")
            blocks.append(TerraformBlock(line=line, block="terraform", version=version))
            for sub in _blocks(inner):
                sub_kind, sub_labels = _block_head(sub)
                if sub_kind in {"backend", "cloud"}:
                    blocks.append(
                        TerraformBlock(
                            line=sub.meta.line,
                            block="backend",
                            type=sub_labels[0] if sub_labels else sub_kind,
                        )
                    )
                elif sub_kind == "required_providers":
                    for pname, (raw, node) in sorted(_attributes(text, _body(sub)).items()):
                        source_match = re.search(r'source\s*=\s*"([^"]*)"', raw)
                        version_match = re.search(r'version\s*=\s*"([^"]*)"', raw)
                        blocks.append(
                            TerraformBlock(
                                line=node.meta.line,
                                block="required_provider",
                                type=pname,
                                source=strip_userinfo(source_match.group(1))
                                if source_match
                                else "",
                                version=version_match.group(1)
                                if version_match
                                else _unquote(raw)
                                if raw.strip().startswith('"')
                                else "",
                            )
                        )
        elif kind == "locals":
            for lname, (raw, node) in sorted(_attributes(text, inner).items()):
                value = _literal_value(raw) if readable(lname) else None
                blocks.append(
                    TerraformBlock(
                        line=node.meta.line,
                        block="local",
                        name=lname,
                        references=references(raw),
                        inputs={"value": value} if value is not None else {},
                        input_refs={"value": bare_reference(raw)}
                        if readable(lname) and bare_reference(raw)
                        else {},
                    )
                )
    return blocks, []


def _literal_value(raw: str) -> str | None:
    found = literal(raw)
    return None if found == "empty" else found


_CONTEXT = re.compile(r'config_context\s*=\s*"([^"$]+)"')


def _context(code: str) -> str:
    found = _CONTEXT.search(code)
    return found.group(1) if found else ""


def extract_tfvars(
    text: str,
) -> tuple[list[str], dict[str, str], dict[str, int], list[tuple[int, str]]]:
    """The variable names a tfvars file sets, the values of those that name a version, a
    switch or an environment (no other value is read), and the line each value is set on."""
    body, problems = parse_hcl(text)
    if problems:
        return [], {}, {}, problems
    attrs = _attributes(text, body)
    values = {
        name: value
        for name, (raw, _) in attrs.items()
        if readable(name) and (value := _literal_value(raw)) is not None
    }
    lines = {name: attrs[name][1].meta.line for name in values}
    return sorted(attrs), dict(sorted(values.items())), dict(sorted(lines.items())), []
