"""The estate summary as a table for a terminal (`infraplan facts`), every column as wide as
its content (a long repository name widens its column instead of pushing the others out)."""

from __future__ import annotations

from typing import Any

from engine.core.digest import short
from engine.render.text_table import columns


def render(summary: dict[str, Any]) -> str:
    lines = columns(
        [
            ["repository", "role", "files", "digest"],
            *(
                [r["name"], r["role"], str(r["files"]), short(r["digest"])]
                for r in summary["repos"]
            ),
        ],
        right={2},
    )
    counts = summary["counts"]
    for title, table in (
        ("kind", counts["kinds"]),
        ("terraform resource", counts["terraform_resources"]),
    ):
        if table:
            lines.append("")
            lines += columns(
                [[title, "count"], *([k, str(v)] for k, v in table.items())], right={1}
            )
    lines.append("")
    roles = ", ".join(f"{k} {v}" for k, v in counts["roles"].items())
    labelled = [
        ["environments:", ", ".join(summary["environments"]) or "—"],
        ["clusters:", ", ".join(summary["clusters"]) or "—"],
        ["owners:", ", ".join(summary["owners"]) or "—"],
        [
            "objects:",
            f"{roles or '—'}; modules {counts['terraform_modules']}, charts {counts['charts']}, workflows {counts['workflows']}",
        ],
    ]
    if counts["skipped"]:
        labelled.append(["skipped:", ", ".join(f"{k} {v}" for k, v in counts["skipped"].items())])
    diags = summary["diagnostics"]
    labelled.append(["diagnostics:", str(len(diags))])
    lines += columns(labelled, gap=1)
    for d in diags:
        where = f"{d['repo']}/{d['path']}" + (f":{d['line']}" if d["line"] else "")
        lines.append(f"  {where}: {d['reason']}")
    return "\n".join(lines) + "\n"
