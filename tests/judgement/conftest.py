"""Print the judgement agreement per dimension after the run."""

from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.judgement.harness import agreement_report, all_outcomes

    if all_outcomes.cache_info().currsize:  # only when the judgement tests ran
        terminalreporter.write_line(agreement_report(all_outcomes()))
