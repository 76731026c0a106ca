"""Check results as text: `file:line: rule-id: message`, then a count line."""

from __future__ import annotations

from engine.audit.check import CheckResults, located, ordered


def render(results: CheckResults) -> str:
    lines: list[str] = []
    for r in results.results:
        lines.extend(f"{p}" for p in r.problems)
        for v in ordered(r):
            file, line = located(v, r.path)
            if v.waived_by is not None:
                w = v.waived_by
                until = f" until {w.expires}" if w.expires else ""
                lines.append(
                    f"{file}:{line}: {v.rule}: waived by {w.owner}{until} ({w.reason}): {v.message}"
                )
                continue
            severity = "" if v.severity == "error" else f"{v.severity}: "
            lines.append(f"{file}:{line}: {v.rule}: {severity}{v.message}")
    errors = sum(
        v.severity == "error" and v.waived_by is None for r in results.results for v in r.violations
    )
    warnings = sum(
        v.severity == "warning" and v.waived_by is None
        for r in results.results
        for v in r.violations
    )
    waived = sum(v.waived_by is not None for r in results.results for v in r.violations)
    invalid = sum(bool(r.problems) for r in results.results)
    lines.append(
        f"{len(results.results)} spec(s) checked: {errors} error(s), {warnings} warning(s), {waived} waived, {invalid} invalid"
    )
    return "\n".join(lines) + "\n"
