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


def _ask(opening: str, text: str, close: str = "") -> str:
    """`opening` before a request that opens with what to do; a request that opens with how
    things are ("Line 2 at Gyor is stopped, ... put back the rule") is left as it is: "We need
    to line 2 at Gyor is stopped" is no rewrite of it."""
    if re.match(r"[^,.;:!?]*?\b(?:is|are|was|were|keeps?|has|have)\b", text):
        return text
    return opening + (_lower_first(text).rstrip(".") + close if close else _lower_first(text))


def _sub(pattern: str, replacement: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, replacement, text, count=1)


REWRITES: dict[str, Callable[[str], str]] = {
    "please": lambda t: _ask("Please ", t),
    "could-we": lambda t: _ask("Could we ", t, "?"),
    "would-it-be-possible": lambda t: _ask("Would it be possible to ", t, "?"),
    "we-need-to": lambda t: _ask("We need to ", t),
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
    "i-would-like": lambda t: _ask("I'd like to ", t),
    "can-you": lambda t: _ask("Can you ", t, "?"),
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
    try:
        base = harness.plan_case(case)
    except Exception:  # a case infraplan refuses has no decisions to keep (it is a recorded miss)
        return ""
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
