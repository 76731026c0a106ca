"""A strict checker for the Mermaid subset infraplan emits (flowchart, gantt and pie).

Mermaid's own parser needs a browser; this checks the grammar of what we write, line by line,
including the traps: quotes inside labels, colons in gantt task names, undefined node or task
references, durations and start times.
"""

from __future__ import annotations

import re

_NODE = re.compile(r'^  (n\d+)\["([^"\n]*)"\]$')
_EDGE = re.compile(r"^  (n\d+) -->\|([A-Za-z0-9 _-]+)\| (n\d+)$")
_CLASSDEF = re.compile(r"^  classDef [a-z]+ [a-z-]+:[#a-z0-9]+(,[a-z-]+:[#a-z0-9]+)*$")
_CLASS = re.compile(r"^  class (n\d+(,n\d+)*) [a-z]+$")
_SLICE = re.compile(r'^  "([^"\n]+)" : (\d+)$')
_TASK = re.compile(r"^  ([^:#\n]+) :([a-z]\d+), (\d\d:\d\d|after [a-z]\d+), (\d+)m$")


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", markdown, re.S)


def check(block: str) -> list[str]:
    lines = block.rstrip("\n").split("\n")
    if lines[0] in {"flowchart LR", "flowchart TD"}:
        return _flowchart(lines[1:])
    if lines[0] == "gantt":
        return _gantt(lines[1:])
    if lines[0] == "pie showData":
        return _pie(lines[1:])
    return [f"unknown diagram type: {lines[0]!r}"]


def _flowchart(lines: list[str]) -> list[str]:
    errors, nodes = [], set()
    for line in lines:
        if m := _NODE.match(line):
            nodes.add(m.group(1))
        elif m := _EDGE.match(line):
            errors.extend(
                f"edge to undefined node {n}: {line!r}"
                for n in (m.group(1), m.group(3))
                if n not in nodes
            )
        elif _CLASSDEF.match(line):
            continue
        elif m := _CLASS.match(line):
            errors.extend(
                f"class of undefined node {n}" for n in m.group(1).split(",") if n not in nodes
            )
        else:
            errors.append(f"not a flowchart statement: {line!r}")
    return errors


def _gantt(lines: list[str]) -> list[str]:
    errors, tasks = [], set()
    for line in lines:
        if line.startswith("  title ") or line in {"  dateFormat HH:mm", "  axisFormat %H:%M"}:
            continue
        if line.startswith("  section "):
            if ":" in line or "#" in line:
                errors.append(f"section names may not hold ':' or '#': {line!r}")
            continue
        m = _TASK.match(line)
        if not m:
            errors.append(f"not a gantt task: {line!r}")
            continue
        start = m.group(3)
        if start.startswith("after ") and start[6:] not in tasks:
            errors.append(f"task after an undefined task: {line!r}")
        if m.group(2) in tasks:
            errors.append(f"duplicate task id: {line!r}")
        tasks.add(m.group(2))
    return errors


def _pie(lines: list[str]) -> list[str]:
    errors = [] if lines and lines[0].startswith("  title ") else ["a pie starts with its title"]
    slices = [line for line in lines[1:] if _SLICE.match(line)]
    errors += [f"not a pie slice: {line!r}" for line in lines[1:] if not _SLICE.match(line)]
    return errors + ([] if slices else ["a pie without slices"])
