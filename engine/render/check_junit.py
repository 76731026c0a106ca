"""Check results as JUnit XML, for CI test reports: a suite per spec, a case per policy rule."""

from __future__ import annotations

from engine.audit.check import INVALID_SPEC_RULE, CheckResults, ordered
from engine.decide.results import Violation


def render(results: CheckResults) -> str:
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
            for v in ordered(r):
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
