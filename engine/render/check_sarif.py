"""Check results as SARIF 2.1.0, for code scanning."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import engine
from engine.audit.check import INVALID_SPEC_RULE, CheckResults, located, ordered

_LEVEL = {"error": "error", "warning": "warning"}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def render(results: CheckResults) -> str:
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
        for v in ordered(r):
            file, line = located(v, r.path)
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
