"""Check results as text: `file:line: rule-id: message` per finding (the form editors, CI
problem matchers and pre-commit read), then, when several specs were checked, one row per spec
sized to its content, then a count line."""

from __future__ import annotations

from engine.audit.check import CheckResults, SpecResult, located, ordered
from engine.render.text_table import columns


def _counts(r: SpecResult) -> tuple[int, int, int]:
    """(errors, warnings, waived) of one spec."""
    return (
        sum(v.severity == "error" and v.waived_by is None for v in r.violations),
        sum(v.severity == "warning" and v.waived_by is None for v in r.violations),
        sum(v.waived_by is not None for v in r.violations),
    )


def _status(r: SpecResult) -> str:
    return "invalid" if r.problems else "fails" if _counts(r)[0] else "passes"


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
    counts = [_counts(r) for r in results.results]
    if len(results.results) > 1:
        rows = [["spec", "errors", "warnings", "waived", "result"]]
        for r, (errors, warnings, waived) in zip(results.results, counts, strict=True):
            numbers = ["—"] * 3 if r.problems else [str(errors), str(warnings), str(waived)]
            rows.append([r.path, *numbers, _status(r)])
        if lines:
            lines.append("")
        lines += columns(rows, right={1, 2, 3})
    errors, warnings, waived = (sum(c[i] for c in counts) for i in range(3))
    invalid = sum(bool(r.problems) for r in results.results)
    lines.append(
        f"{len(results.results)} spec(s) checked: {errors} error(s), {warnings} warning(s), {waived} waived, {invalid} invalid"
    )
    return "\n".join(lines) + "\n"
