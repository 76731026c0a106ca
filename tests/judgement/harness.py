"""Judgement cases: plan each case (and its metamorphic variants) once, compare with the
expected decision sets written before any run (tests/judgement/cases.yaml, README.md)."""

from __future__ import annotations

import copy
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

HERE = Path(__file__).parent
# cases.yaml (the first set) and the held-out sets, each written before any run
CASE_FILES = sorted(HERE.glob("cases*.yaml"))
DISAGREEMENTS_FILE = HERE / "disagreements.yaml"
ORDERED = ("category", "risk", "implementation_strategy", "deployment_strategy")
REFUSAL = "refusal"  # a request case whose writer expects no plan (`expect: {refuse: true}`)
SETS = ("assessment", "design", "testing", "reviews", "development")
STABLE = ("risk", "implementation_strategy", "deployment_strategy")


def cases(case_file: str | None = None) -> list[dict[str, Any]]:
    """Every case, or those of one case file (by name), each with the file it is in."""
    return [
        {**case, "file": path.name}
        for path in CASE_FILES
        if case_file is None or path.name == case_file
        for case in _load(path)
    ]


@cache
def _load(path: Path) -> tuple[dict[str, Any], ...]:
    return tuple(yaml.safe_load(path.read_text(encoding="utf-8")))


def known_disagreements() -> list[dict[str, str]]:
    """Where infraplan knowingly differs from an expectation: {case, about, why}; `about` is
    the start of the disagreement ("risk", "design", "variant 'Take the ...")."""
    return yaml.safe_load(DISAGREEMENTS_FILE.read_text(encoding="utf-8")) or []


@dataclass
class Outcome:
    case: str
    decisions: dict[str, Any]
    disagreements: list[str] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)
    agreed: Counter[str] = field(default_factory=Counter)
    unstable: list[str] = field(default_factory=list)
    error: str = ""


def _spec_yaml(spec: dict[str, Any], patch: dict[str, Any] | None = None) -> str:
    spec = copy.deepcopy(spec)
    for key, value in (patch or {}).items():
        if key == "why":
            continue
        if key in {"summary", "scope", "clusters"}:
            spec["enhancement"][key] = value
        elif key == "phases_reversed":
            spec["implementation_phases"] = list(reversed(spec.get("implementation_phases", [])))
        elif key == "phases_keep":
            spec["implementation_phases"] = spec.get("implementation_phases", [])[:value]
        else:
            raise ValueError(f"unknown variant patch {key}")
    return yaml.safe_dump(spec, sort_keys=False)


@cache
def _kb() -> Any:
    from engine.decide.base import load_knowledge_base

    return load_knowledge_base()


@cache
def _estate() -> Any:
    from engine.estate.discover import RepoSpec
    from engine.estate.scan import ScanOptions, scan_estate

    base = ROOT / "examples" / "estate"
    repos = [RepoSpec(n, base / n) for n in ("infra-tf", "infra-flux", "deployments")]
    return scan_estate(repos, _kb().knowledge, ScanOptions(cache_dir=None))


def plan_case(case: dict[str, Any], variant: Any = None) -> Any:
    from engine.plan.build import build_plan
    from engine.spec.intake import spec_from_request
    from engine.spec.load import parse_spec

    kb = _kb()
    estate = _estate() if case["estate"] == "example" else None
    repos = ["deployments", "infra-flux", "infra-tf"] if estate is not None else []
    if "request" in case:
        loaded = spec_from_request(variant or case["request"], kb.knowledge, repos)
    else:
        loaded = parse_spec(_spec_yaml(case["spec"], variant), kb.knowledge, f"{case['id']}.yaml")
    return build_plan(loaded, kb, estate)


def _value(plan: Any, dim: str) -> Any:
    return plan.decisions[dim].value


# The categories the seed names. A writer who knew only these (`seed_categories_only: true`)
# cannot judge a plan that chose a finer category of the knowledge base (networking for a
# security group, ci-cd for a pipeline); such a choice is not counted either way.
SEED_CATEGORIES = frozenset(
    {
        "secret-management",
        "cost-optimization",
        "observability",
        "security",
        "developer-experience",
        "backup-and-recovery",
    }
)


def _judged_category(case: dict[str, Any], chosen: Any) -> bool:
    return not case.get("seed_categories_only") or chosen in SEED_CATEGORIES


def _refused(case: dict[str, Any], variant: Any = None) -> str:
    """ "" when the request is refused (nothing to plan), else what was planned instead."""
    from engine.spec.intake import NoMatch

    try:
        plan = plan_case(case, variant)
    except NoMatch:
        return ""
    return f"planned as {_value(plan, 'category')} ({_value(plan, 'risk')} risk)"


def _judge_refusal(case: dict[str, Any]) -> Outcome:
    """A question, a meeting or a task outside infrastructure: the request and each of its
    rewordings are refused."""
    out = Outcome(case=case["id"], decisions={REFUSAL: True})
    out.checked[REFUSAL] += 1
    planned = _refused(case)
    if planned:
        out.decisions[REFUSAL] = False
        out.disagreements.append(f"{REFUSAL}: {planned}, expected a refusal")
    else:
        out.agreed[REFUSAL] += 1
    for variant in case.get("variants") or []:
        if (_refused(case, variant) == "") != out.decisions[REFUSAL]:
            out.unstable.append(f"variant {variant!r} moved refusal")
    return out


def judge(case: dict[str, Any]) -> Outcome:
    if case["expect"].get("refuse"):
        return _judge_refusal(case)
    out = Outcome(case=case["id"], decisions={})
    try:
        plan = plan_case(case)
    except Exception as exc:  # a case that cannot be planned disagrees on everything
        out.error = f"{type(exc).__name__}: {exc}"
        for dim in (*ORDERED, *SETS):
            if dim in case["expect"]:
                out.checked[dim] += 1
        # nothing to compare the variants with: none of them counts as stable
        out.unstable = [
            f"variant {v!r}: the case itself failed" for v in case.get("variants") or []
        ]
        return out
    expect = case["expect"]
    out.decisions = {d: _value(plan, d) for d in (*ORDERED, *SETS)}
    for dim in ORDERED:
        if dim == "category" and not _judged_category(case, out.decisions[dim]):
            continue
        if dim in expect:
            out.checked[dim] += 1
            if out.decisions[dim] in expect[dim]:
                out.agreed[dim] += 1
            else:
                out.disagreements.append(
                    f"{dim} = {out.decisions[dim]}, expected one of {expect[dim]}"
                )
    for dim in SETS:
        wanted = expect.get(dim) or {}
        if not (wanted.get("includes") or wanted.get("excludes")):
            continue
        out.checked[dim] += 1
        got = set(out.decisions[dim] or [])
        missing = set(wanted.get("includes") or []) - got
        extra = set(wanted.get("excludes") or []) & got
        if missing or extra:
            out.disagreements.append(
                f"{dim} = {sorted(got)}: missing {sorted(missing)}, must not have {sorted(extra)}"
            )
        else:
            out.agreed[dim] += 1
    for variant in case.get("variants") or []:
        try:
            other = plan_case(case, variant)
        except Exception as exc:
            out.unstable.append(f"variant {variant!r}: {type(exc).__name__}: {exc}")
            continue
        moved = [
            f"{d}: {out.decisions[d]} → {_value(other, d)}"
            for d in STABLE
            if _value(other, d) != out.decisions[d]
        ]
        if moved:
            out.unstable.append(f"variant {variant!r} moved " + "; ".join(moved))
    return out


# the outcomes of each case file, planned once per process (each file's tests run in one worker)
_OUTCOMES: dict[str, tuple[Outcome, ...]] = {}


def outcomes_of(case_file: str) -> tuple[Outcome, ...]:
    """The outcome of every case of one file, in file order."""
    if case_file not in _OUTCOMES:
        _OUTCOMES[case_file] = tuple(judge(c) for c in cases(case_file))
    return _OUTCOMES[case_file]


def all_outcomes() -> tuple[Outcome, ...]:
    return tuple(o for path in CASE_FILES for o in outcomes_of(path.name))


def judged_so_far() -> tuple[tuple[Outcome, ...], list[dict[str, Any]]]:
    """The outcomes this process planned (the files whose tests ran here), with their cases."""
    done = [p.name for p in CASE_FILES if p.name in _OUTCOMES]
    return tuple(o for f in done for o in _OUTCOMES[f]), [c for f in done for c in cases(f)]


def agreement_report(outcomes: tuple[Outcome, ...], judged: list[dict[str, Any]]) -> str:
    checked: Counter[str] = Counter()
    agreed: Counter[str] = Counter()
    for o in outcomes:
        checked.update(o.checked)
        agreed.update(o.agreed)
    lines = ["judgement agreement per dimension (decisions within the expected sets):"]
    for dim in (*ORDERED, *SETS, REFUSAL):
        if checked[dim]:
            lines.append(
                f"  {dim:<24} {agreed[dim]:>3}/{checked[dim]:<3} {100 * agreed[dim] / checked[dim]:5.1f}%"
            )
    total_c, total_a = sum(checked.values()), sum(agreed.values())
    by_file: dict[str, list[int]] = {}
    for c, o in zip(judged, outcomes, strict=True):
        tally = by_file.setdefault(c["file"], [0, 0])
        tally[0] += sum(o.agreed.values())
        tally[1] += sum(o.checked.values())
    variants = sum(len(c.get("variants") or []) for c in judged)
    unstable = sum(len(o.unstable) for o in outcomes)
    lines.append(f"  {'all':<24} {total_a:>3}/{total_c:<3} {100 * total_a / max(total_c, 1):5.1f}%")
    lines.append(f"  metamorphic variants: {variants - unstable}/{variants} stable")
    for name, (a, c) in sorted(by_file.items()):
        lines.append(f"  {name:<24} {a:>3}/{c:<3} {100 * a / max(c, 1):5.1f}%")
    lines.append(f"  known disagreements: {len(known_disagreements())} (disagreements.yaml)")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m tests.judgement.harness: the report and every disagreement
    os.chdir(ROOT)
    outcomes = all_outcomes()
    for o in outcomes:
        for d in ([o.error] if o.error else []) + o.disagreements + o.unstable:
            print(f"{o.case}: {d}")
    print(agreement_report(outcomes, cases()))
