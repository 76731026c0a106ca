"""Repository paths: one way to resolve a path one file names relative to another."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def join(base: str, ref: str) -> str:
    """`ref` (as written in a file in folder `base`) as a path from the repository root.

    `..` never climbs above the root; a leading `/` means the root itself.
    """
    parts: list[str] = []
    segments = (
        ref.split("/") if ref.startswith("/") or not base else [*base.split("/"), *ref.split("/")]
    )
    for part in segments:
        if part in {".", ""}:
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def folder_of(path: str) -> str:
    """The folder of a repository path ("" at the root)."""
    return path.rsplit("/", 1)[0] if "/" in path else ""
