"""Aligned columns for a terminal, each as wide as its widest cell (headers included)."""

from __future__ import annotations

from collections.abc import Collection, Sequence


def columns(
    rows: Sequence[Sequence[str]], right: Collection[int] = (), indent: str = "", gap: int = 2
) -> list[str]:
    """One line per row; columns in `right` are right-aligned (counts). The last column is not
    padded, and no line ends in blanks, so a long last cell (a message, a list) never widens
    the others."""
    if not rows:
        return []
    count = max(len(r) for r in rows)
    widths = [max((len(r[i]) for r in rows if i < len(r)), default=0) for i in range(count)]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            last = i == len(row) - 1
            if i in right:
                cells.append(cell.rjust(widths[i]))
            else:
                cells.append(cell if last else cell.ljust(widths[i]))
        lines.append((indent + (" " * gap).join(cells)).rstrip())
    return lines
