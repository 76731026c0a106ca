"""`infraplan verify`: recompute a plan from its recorded inputs and say what changed.

An auditor (or CI) re-runs the plan with the same spec (or request), repositories, rules and
knowledge. Identical output: exit 0. Otherwise exit 1 with the inputs whose digests changed
(spec, each repository, rule and knowledge files, tool version) and a diff of the decisions.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from engine.core.digest import short
from engine.core.errors import InputError, Problem
from engine.core.models import Out
from engine.decide.base import KnowledgeBase
from engine.estate.model import Estate
from engine.plan.build import build_plan
from engine.plan.model import Plan
from engine.spec.intake import spec_from_request
from engine.spec.load import load_spec, stable_display


class VerifyResult(Out):
    identical: bool
    changed_inputs: list[str]
    changed_decisions: list[str]
    changed_sections: list[str]


def find_spec(recorded: str) -> Path | None:
    """The spec file a plan names: relative to the working directory or to its git work tree."""
    candidate = Path(recorded)
    if candidate.is_file():
        return candidate
    here = Path.cwd().resolve()
    for parent in [here, *here.parents]:
        if (parent / ".git").exists() and (parent / recorded).is_file():
            return parent / recorded
    return None


def compare(old: Plan, new: Plan) -> VerifyResult:
    changes: list[str] = []
    if old.tool.version != new.tool.version:
        changes.append(f"tool version: {old.tool.version} → {new.tool.version}")
    if old.inputs.spec.sha256 != new.inputs.spec.sha256:
        changes.append(
            f"spec {old.inputs.spec.path}: {short(old.inputs.spec.sha256)} → {short(new.inputs.spec.sha256)}"
        )
    old_repos = {r.name: r for r in old.inputs.repositories}
    new_repos = {r.name: r for r in new.inputs.repositories}
    for name in sorted(old_repos.keys() | new_repos.keys()):
        before, after = old_repos.get(name), new_repos.get(name)
        if before is None or after is None:
            changes.append(f"repository {name}: {'added' if before is None else 'missing'}")
        elif before.digest != after.digest:
            changes.append(
                f"repository {name}: {short(before.digest)} ({before.files} files) → {short(after.digest)} ({after.files} files)"
            )
    for label, old_files, new_files, old_digest, new_digest in (
        ("rules", old.inputs.rule_files, new.inputs.rule_files, old.inputs.rules, new.inputs.rules),
        (
            "knowledge",
            old.inputs.knowledge_files,
            new.inputs.knowledge_files,
            old.inputs.knowledge,
            new.inputs.knowledge,
        ),
    ):
        if old_digest == new_digest:
            continue
        was = {f.path: f.sha256 for f in old_files}
        now = {f.path: f.sha256 for f in new_files}
        names = sorted(p for p in was.keys() | now.keys() if was.get(p) != now.get(p))
        detail = ", ".join(
            f"{p} ({'added' if p not in was else 'removed' if p not in now else 'changed'})"
            for p in names
        )
        changes.append(
            f"{label}: {short(old_digest)} → {short(new_digest)}"
            + (f": {detail}" if detail else "")
        )
    decisions: list[str] = []
    for dim in sorted(old.decisions.keys() | new.decisions.keys()):
        a, b = old.decisions.get(dim), new.decisions.get(dim)
        va = a.value if a else None
        vb = b.value if b else None
        if va != vb:
            rules = ", ".join(sorted({t.rule for t in b.trace})) if b else ""
            decisions.append(
                f"{dim}: {_text(va)} → {_text(vb)}" + (f" (now from {rules})" if rules else "")
            )
        elif a and b and [t.rule for t in a.trace] != [t.rule for t in b.trace]:
            decisions.append(
                f"{dim}: still {_text(va)}, for other reasons: {', '.join(t.rule for t in b.trace)}"
            )
    old_json, new_json = old.model_dump(mode="json"), new.model_dump(mode="json")
    # model-drafted prose is not recomputed (no model is called); compare everything the rules made
    if any(s.drafted_by is not None for s in old.prose.sections):
        old_json.pop("prose"), new_json.pop("prose")
        for data in (old_json, new_json):
            data["diagnostics"] = [
                d for d in data["diagnostics"] if not d["reason"].startswith("llm:")
            ]
    sections = [
        key
        for key in old_json
        if old_json.get(key) != new_json.get(key) and key not in {"inputs", "decisions"}
    ]
    identical = json.dumps(old_json, sort_keys=True) == json.dumps(new_json, sort_keys=True)
    return VerifyResult(
        identical=identical,
        changed_inputs=changes,
        changed_decisions=decisions,
        changed_sections=sections,
    )


def _text(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def render(result: VerifyResult, plan_path: str) -> str:
    if result.identical:
        return f"{plan_path}: verified — recomputing it from its inputs gives the identical plan\n"
    lines = [f"{plan_path}: NOT reproducible — recomputing it gives a different plan"]
    if result.changed_inputs:
        lines.append("inputs that changed:")
        lines.extend(f"  - {c}" for c in result.changed_inputs)
    else:
        lines.append(
            "no recorded input changed (a different infraplan build, or overlays that were not given again?)"
        )
    if result.changed_decisions:
        lines.append("decisions that changed:")
        lines.extend(f"  - {c}" for c in result.changed_decisions)
    if result.changed_sections:
        lines.append("other sections that changed: " + ", ".join(result.changed_sections))
    return "\n".join(lines) + "\n"


def missing_repositories(plan: Plan, given: list[str]) -> InputError | None:
    """An error naming the repositories a plan read that were not given again."""
    names = {r.name for r in plan.inputs.repositories}
    if names - set(given):
        wanted = " ".join(f"--repo {n}=PATH" for n in sorted(names - set(given)))
        return InputError(
            [
                Problem(
                    "verify",
                    0,
                    0,
                    f"the plan read repositories {', '.join(sorted(names))}; give them again: {wanted}",
                )
            ]
        )
    return None


def recompute(old: Plan, kb: KnowledgeBase, estate: Estate | None) -> Plan:
    """The plan again, from the inputs it records: its request or spec file, and its day."""
    if old.inputs.request:
        loaded = spec_from_request(
            old.inputs.request, kb.knowledge, [r.name for r in old.inputs.repositories]
        )
    else:
        spec_path = find_spec(old.inputs.spec.path)
        if spec_path is None:
            raise InputError(
                [
                    Problem(
                        old.inputs.spec.path,
                        0,
                        0,
                        "the plan's spec file is not here (run verify from the repository holding it)",
                    )
                ]
            )
        loaded = load_spec(spec_path, kb.knowledge, name_in_plan=stable_display(spec_path))
    day = date.fromisoformat(old.inputs.evaluated_on) if old.inputs.evaluated_on else None
    return build_plan(loaded, kb, estate, day)
