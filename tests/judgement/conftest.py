"""Print the judgement agreement per dimension after the run (of the case files whose tests ran
in this process: all of them with `pytest -n 0`)."""

from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.judgement.harness import agreement_report, judged_so_far

    outcomes, judged = judged_so_far()
    if outcomes:  # only when judgement tests ran here
        terminalreporter.write_line(agreement_report(outcomes, judged))
