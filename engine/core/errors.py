"""Errors a user can act on: every problem names file:line:column and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one input file."""

    file: str
    line: int
    column: int
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class InputError(Exception):
    """A user's input (spec, rule, knowledge file, flag) is unreadable or invalid.

    Carries every problem found, so the user fixes them all in one go. The command line
    prints them and exits 2; it never shows a traceback for this.
    """

    def __init__(self, problems: list[Problem], omitted: int = 0) -> None:
        self.problems = sorted(set(problems))
        self.omitted = omitted  # further problems found but not described (too many)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, choices: list[str] | set[str] | tuple[str, ...]) -> str:
    """A ' (did you mean "x"?)' suffix for the closest known word, or ''."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""
