"""`infraplan check`: the spec policy rules over one or more specs, in several formats.

Formats: text (`file:line: rule-id: message`), JSON, SARIF 2.1.0 (code scanning) and JUnit XML
(CI test reports). Exit codes: 0 clean (warnings and waived findings allowed), 1 an unwaived
error-level violation, 2 a spec that cannot be read or is invalid.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from pydantic import Field

import engine
from engine.decide import Violation
from engine.errors import InputError, Problem
from engine.models import Out


class SpecResult(Out):
    path: str
    violations: list[Violation] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)


class RuleInfo(Out):
    id: str
    severity: str
    expert: str
    because: str
    source: str


class CheckResults(Out):
    results: list[SpecResult]
    rules: list[RuleInfo]

    @property
    def exit_code(self) -> int:
        if any(r.problems for r in self.results):
            return 2
        if any(
            v.severity == "error" and v.waived_by is None
            for r in self.results
            for v in r.violations
        ):
            return 1
        return 0


def check_specs(
    paths: list[Path], rules_dirs: list[Path], knowledge_dirs: list[Path], today: date | None = None
) -> CheckResults:
    """Plan each spec's decisions and collect the policy violations; one bad spec does not stop the rest."""
    from engine.plan import build_plan, load_base
    from engine.spec import load_spec

    base = load_base(rules_dirs, knowledge_dirs)
    results = []
    for path in paths:
        try:
            loaded = load_spec(path, base.knowledge)
            plan = build_plan(loaded, base, today=today)
        except InputError as exc:
            results.append(SpecResult(path=str(path), problems=exc.problems))
            continue
        results.append(SpecResult(path=str(path), violations=plan.violations))
    rules = [
        RuleInfo(id=r.id, severity=r.severity, expert=r.expert, because=r.because, source=r.source)
        for r in base.rulebook.policy_rules
    ]
    return CheckResults(results=results, rules=rules)


def _where(v: Violation, path: str) -> tuple[str, int]:
    file, _, line = (v.at or f"{path}:1").rpartition(":")
    return (file, int(line)) if line.isdigit() else (v.at, 0)


def _ordered(r: SpecResult) -> list[Violation]:
    return sorted(r.violations, key=lambda v: (_where(v, r.path), v.rule))


def render_text(results: CheckResults) -> str:
    lines: list[str] = []
    for r in results.results:
        lines.extend(f"{p}" for p in r.problems)
        for v in _ordered(r):
            file, line = _where(v, r.path)
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


def render_json(results: CheckResults) -> str:
    data = results.model_dump(mode="json")
    data["exit_code"] = results.exit_code
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


INVALID_SPEC_RULE = "infraplan.invalid-spec"
_LEVEL = {"error": "error", "warning": "warning"}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def render_sarif(results: CheckResults) -> str:
    """SARIF 2.1.0: one run, the policy rules as reporting descriptors, one result per finding."""
    rules = [
        {
            "id": r.id,
            "name": r.id.replace(".", "-"),
            "shortDescription": {"text": r.because},
            "fullDescription": {
                "text": f"{r.because} (speaks for {r.expert}; defined at {r.source})"
            },
            "defaultConfiguration": {"level": _LEVEL.get(r.severity, "warning")},
            "properties": {"expert": r.expert, "source": r.source},
        }
        for r in results.rules
    ]
    rules.append(
        {
            "id": INVALID_SPEC_RULE,
            "name": "invalid-spec",
            "shortDescription": {"text": "The spec cannot be read or is invalid."},
            "fullDescription": {"text": "The spec cannot be read or is invalid (docs/spec.md)."},
            "defaultConfiguration": {"level": "error"},
            "properties": {},
        }
    )
    index = {r["id"]: i for i, r in enumerate(rules)}
    sarif_results = []
    for r in results.results:
        for p in r.problems:
            region = {
                "startLine": max(p.line, 1),
                **({"startColumn": p.column} if p.column else {}),
            }
            sarif_results.append(
                {
                    "ruleId": INVALID_SPEC_RULE,
                    "ruleIndex": index[INVALID_SPEC_RULE],
                    "level": "error",
                    "message": {"text": f"{p.field + ': ' if p.field else ''}{p.message}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": Path(p.file).as_posix()},
                                "region": region,
                            }
                        }
                    ],
                    "partialFingerprints": {
                        "infraplan/v1": _fingerprint(INVALID_SPEC_RULE, p.file, p.field, p.message)
                    },
                }
            )
        for v in _ordered(r):
            file, line = _where(v, r.path)
            result: dict[str, object] = {
                "ruleId": v.rule,
                "ruleIndex": index.get(v.rule, index[INVALID_SPEC_RULE]),
                "level": _LEVEL.get(v.severity, "warning"),
                "message": {"text": v.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": Path(file).as_posix()},
                            "region": {"startLine": max(line, 1)},
                        }
                    }
                ],
                "partialFingerprints": {
                    "infraplan/v1": _fingerprint(v.rule, Path(file).as_posix(), v.message)
                },
            }
            if v.waived_by is not None:
                result["suppressions"] = [
                    {
                        "kind": "inSource",
                        "justification": f"{v.waived_by.reason} ({v.waived_by.owner}{', until ' + v.waived_by.expires if v.waived_by.expires else ''})",
                    }
                ]
            sarif_results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "infraplan",
                        "version": engine.__version__,
                        "informationUri": "https://github.com/infraplan/infraplan",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def render_junit(results: CheckResults) -> str:
    """JUnit XML: a test suite per spec, a test case per policy rule (failed, skipped if waived)."""
    from xml.etree import ElementTree as ET

    suites = ET.Element("testsuites", name="infraplan check")
    total = failures = errors = skipped = 0
    for r in results.results:
        suite = ET.SubElement(suites, "testsuite", name=r.path)
        cases = fails = errs = skips = 0
        if r.problems:
            case = ET.SubElement(suite, "testcase", classname=r.path, name=INVALID_SPEC_RULE)
            error = ET.SubElement(case, "error", message="invalid spec", type=INVALID_SPEC_RULE)
            error.text = "\n".join(str(p) for p in r.problems)
            cases, errs = 1, 1
        else:
            by_rule: dict[str, list[Violation]] = {}
            for v in _ordered(r):
                by_rule.setdefault(v.rule, []).append(v)
            for rule in results.rules:
                case = ET.SubElement(suite, "testcase", classname=r.path, name=rule.id)
                cases += 1
                found = by_rule.get(rule.id, [])
                active = [v for v in found if v.waived_by is None]
                if active and any(v.severity == "error" for v in active):
                    failure = ET.SubElement(
                        case, "failure", message=active[0].message, type=rule.id
                    )
                    failure.text = "\n".join(f"{v.at}: {v.message}" for v in active)
                    fails += 1
                elif found and not active:
                    ET.SubElement(
                        case,
                        "skipped",
                        message="waived: "
                        + "; ".join(
                            f"{v.waived_by.reason} ({v.waived_by.owner})"
                            for v in found
                            if v.waived_by
                        ),
                    )
                    skips += 1
                elif active:
                    out = ET.SubElement(case, "system-out")
                    out.text = "\n".join(f"warning: {v.at}: {v.message}" for v in active)
        suite.set("tests", str(cases))
        suite.set("failures", str(fails))
        suite.set("errors", str(errs))
        suite.set("skipped", str(skips))
        total, failures, errors, skipped = (
            total + cases,
            failures + fails,
            errors + errs,
            skipped + skips,
        )
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", str(errors))
    suites.set("skipped", str(skipped))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


RENDERERS = {"text": render_text, "json": render_json, "sarif": render_sarif, "junit": render_junit}
