"""`.terraform.lock.hcl`: the provider versions `terraform init` installed for a root (a
`required_providers` entry only constrains them)."""

from __future__ import annotations

import re

from engine.core.redact import strip_userinfo
from engine.estate.extract.hcl_parse import (
    attributes,
    block_head,
    blocks_of,
    body_of,
    parse_hcl,
    unquote,
)
from engine.estate.extract.terraform import TerraformBlock


def extract_lock(text: str) -> tuple[list[TerraformBlock], list[tuple[int, str]]]:
    """The provider versions a `.terraform.lock.hcl` records (`locked_provider` blocks: type,
    source and the locked version); hashes are not read."""
    body, problems = parse_hcl(text)
    if problems:
        return [], problems
    out = []
    for block in blocks_of(body):
        kind, labels = block_head(block)
        attrs = attributes(text, body_of(block))
        raw = attrs["version"][0].strip() if "version" in attrs else ""
        if kind != "provider" or not labels or not _LOCKED.match(raw):
            continue
        source = unquote(labels[0]).removeprefix("registry.terraform.io/")
        out.append(
            TerraformBlock(
                line=block.meta.line,
                block="locked_provider",
                type=source.rsplit("/", 1)[-1],
                source=strip_userinfo(source),
                version=unquote(raw),
            )
        )
    return out, []


_LOCKED = re.compile(r'^"[0-9][0-9A-Za-z.+-]*"$')
