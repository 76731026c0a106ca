"""Overlay folders: how traces name the bundled folder and each organisation overlay."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def overlay_labels(dirs: Sequence[Path], bundled_dir: Path, kind: str) -> list[str]:
    """How traces name each folder: `rules` or `knowledge` for the bundled one, an overlay by its
    folder name (never its absolute path, so plans stay the same wherever they are made)."""
    labels: list[str] = []
    for root in dirs:
        if root.resolve() == bundled_dir.resolve():
            labels.append(kind)
            continue
        name = root.resolve().name or "overlay"
        label, n = name, 2
        while label in labels or label in {"rules", "knowledge"}:
            label, n = f"{name}-{n}", n + 1
        labels.append(label)
    return labels
