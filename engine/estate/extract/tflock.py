"""`.terraform.lock.hcl`: the provider versions `terraform init` installed for a root (a
`required_providers` entry only constrains them)."""

from __future__ import annotations

import re

from engine.core.redact import strip_userinfo
from engine.estate.extract.hcl_parse import parse_hcl
from engine.estate.extract.terraform import (
    TerraformBlock,
    _attributes,
    _block_head,
    _blocks,
    _body,
    _unquote,
)


def extract_lock(text: str) -> tuple[list[TerraformBlock], list[tuple[int, str]]]:
    """The provider versions a `.terraform.lock.hcl` records (`locked_provider` blocks: type,
    source and the locked version); hashes are not read."""
    body, problems = parse_hcl(text)
    if problems:
        return [], problems
    out = []
    for block in _blocks(body):
        kind, labels = _block_head(block)
        attrs = _attributes(text, _body(block))
        raw = attrs["version"][0].strip() if "version" in attrs else ""
        if kind != "provider" or not labels or not _LOCKED.match(raw):
            continue
        source = _unquote(labels[0]).removeprefix("registry.terraform.io/")
        out.append(
            TerraformBlock(
                line=block.meta.line,
                block="locked_provider",
                type=source.rsplit("/", 1)[-1],
                source=strip_userinfo(source),
                version=_unquote(raw),
            )
        )
    return out, []


_LOCKED = re.compile(r'^"[0-9][0-9A-Za-z.+-]*"$')
