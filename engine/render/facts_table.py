"""The estate summary as a table for a terminal (`infraplan facts`)."""

from __future__ import annotations

from typing import Any

from engine.core.digest import short


def render(summary: dict[str, Any]) -> str:
    lines: list[str] = []
    lines.append("repository                     role       files  digest")
    for r in summary["repos"]:
        lines.append(f"{r['name']:<30} {r['role']:<10} {r['files']:>5}  {short(r['digest'])}")
    counts = summary["counts"]
    for title, table in (
        ("kind", counts["kinds"]),
        ("terraform resource", counts["terraform_resources"]),
    ):
        if table:
            lines.append("")
            width = max(len(title), *(len(k) for k in table))
            lines.append(f"{title:<{width}}  count")
            lines.extend(f"{k:<{width}}  {v:>5}" for k, v in table.items())
    lines.append("")
    lines.append(f"environments: {', '.join(summary['environments']) or '—'}")
    lines.append(f"clusters:     {', '.join(summary['clusters']) or '—'}")
    lines.append(f"owners:       {', '.join(summary['owners']) or '—'}")
    roles = ", ".join(f"{k} {v}" for k, v in counts["roles"].items())
    lines.append(
        f"objects:      {roles or '—'}; modules {counts['terraform_modules']}, charts {counts['charts']}, workflows {counts['workflows']}"
    )
    if counts["skipped"]:
        lines.append("skipped:      " + ", ".join(f"{k} {v}" for k, v in counts["skipped"].items()))
    diags = summary["diagnostics"]
    lines.append(f"diagnostics:  {len(diags)}")
    for d in diags:
        where = f"{d['repo']}/{d['path']}" + (f":{d['line']}" if d["line"] else "")
        lines.append(f"  {where}: {d['reason']}")
    return "\n".join(lines) + "\n"
