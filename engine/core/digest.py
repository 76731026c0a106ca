"""Content digests: how inputs are named in plans, caches and bundles."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from engine.core.models import Out

# Digests are shown shortened to one length everywhere (sha256: and 12 hex digits).
SHORT_HEX = 12


class SourceFile(Out):
    """A rule or knowledge file and the digest of its content."""

    path: str
    sha256: str


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_files(files: Sequence[SourceFile]) -> str:
    """One digest over a set of files, independent of their order."""
    h = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.path):
        h.update(f"{f.path}\0{f.sha256}\n".encode())
    return "sha256:" + h.hexdigest()


def short(digest: str) -> str:
    """`sha256:0123456789ab` for a digest with or without its `sha256:` prefix."""
    hexpart = digest.removeprefix("sha256:")
    return f"sha256:{hexpart[:SHORT_HEX]}"
