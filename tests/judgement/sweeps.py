"""Metamorphic sweeps over every request case of every set: rewrites that must not move risk or
strategy (politeness, ticket labels, questions, verb synonyms, environment spellings, chat
shorthand: lower case, no full stop, "&").

    python -m tests.judgement.sweeps        # every rewrite of every case (a few minutes)

tests/judgement/test_sweeps.py runs one rewrite per case (rotating through them), so each kind
of rewrite is exercised on every run without planning every case many times."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from tests.conftest import ROOT
from tests.judgement import harness

STABLE = ("risk", "implementation_strategy", "deployment_strategy")


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:]


def _sub(pattern: str, replacement: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, replacement, text, count=1)


REWRITES: dict[str, Callable[[str], str]] = {
    "please": lambda t: "Please " + _lower_first(t),
    "could-we": lambda t: "Could we " + _lower_first(t).rstrip(".") + "?",
    "would-it-be-possible": lambda t: (
        "Would it be possible to " + _lower_first(t).rstrip(".") + "?"
    ),
    "we-need-to": lambda t: "We need to " + _lower_first(t),
    "ticket-label": lambda t: "[INFRA] " + t,
    "ticket-key": lambda t: "OPS-4711: " + t,
    "thanks": lambda t: t.rstrip(".") + ". Thanks!",
    "prod-spelled-out": _sub(r"\bprod\b", "production"),
    "production-shortened": _sub(r"\bproduction\b", "prod"),
    "upgrade-bump": _sub(r"^Upgrade\b", "Bump"),
    "remove-delete": _sub(r"^Remove\b", "Delete"),
    "migrate-move": _sub(r"^Migrate\b", "Move"),
    "enable-turn-on": _sub(r"^Enable\b", "Turn on"),
    "add-set-up": _sub(r"^Add\b", "Set up"),
    "staging-stage-env": _sub(r"\bstaging\b", "stage env"),
    "lowercase": str.lower,
    "no-full-stop": lambda t: t.rstrip(".!"),
    "i-would-like": lambda t: "I'd like to " + _lower_first(t),
    "can-you": lambda t: "Can you " + _lower_first(t).rstrip(".") + "?",
    "hey-team": lambda t: "Hey team, " + _lower_first(t),
    "todo": lambda t: "TODO: " + t,
    "ampersand": _sub(r" and ", " & "),
}


def request_cases() -> list[dict[str, Any]]:
    """Every request case of every set that plans (refusals have nothing to keep stable)."""
    return [c for c in harness.cases() if "request" in c and not c.get("expect", {}).get("refuse")]


def moved(case: dict[str, Any], name: str) -> str:
    """How the rewrite `name` of the case moved risk or strategy ("" when it did not, or when
    the rewrite does not apply to the case's wording)."""
    text = REWRITES[name](case["request"])
    if text == case["request"]:
        return ""
    base = harness.plan_case(case)
    try:
        plan = harness.plan_case(case, text)
    except Exception as error:  # a rewrite that is refused moved everything
        return f"{text!r}: {type(error).__name__}"
    before = tuple(base.decisions[d].value for d in STABLE)
    after = tuple(plan.decisions[d].value for d in STABLE)
    return "" if before == after else f"{text!r}: {before} -> {after}"


if __name__ == "__main__":  # python -m tests.judgement.sweeps: every rewrite of every case
    os.chdir(ROOT)
    total = failures = 0
    for case in request_cases():
        for name in REWRITES:
            if REWRITES[name](case["request"]) == case["request"]:
                continue  # the rewrite does not apply to this wording
            total += 1
            why = moved(case, name)
            if why:
                failures += 1
                print(f"{case['id']} [{name}] {why}")
    print(f"{total - failures}/{total} rewrites kept risk and strategy")
