"""`infraplan verify`: recompute a plan from its recorded inputs and say what changed.

An auditor (or CI) re-runs the plan with the same spec (or request), repositories, rules and
knowledge, from any directory:

- identical plan: exit 0, "verified";
- identical apart from input digests (a comment-only edit of the spec, a file the plan does not
  depend on): exit 0, "reproducible", naming those inputs;
- anything else: exit 1, naming the inputs whose digests changed (spec, each repository, each
  rule and knowledge file, the tool version, the day waivers were checked against) and the
  decisions and sections that changed.

The plan names its spec relative to its work tree and, when it was written to a file, relative
to that file; verify looks for the spec only inside the plan's work tree and the current one
(never an absolute path or `..` out of them) unless `--allow-outside`. Model-drafted prose is
not recomputed, but the prompt it was drafted from is: a draft whose prompt no longer matches
the recomputed plan is a change, and every template section is compared as usual.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from engine.core.digest import digest_files, short
from engine.core.errors import InputError, Problem
from engine.core.models import Out
from engine.decide.base import KnowledgeBase
from engine.estate.model import Estate
from engine.plan.build import build_plan
from engine.plan.model import Plan
from engine.spec.intake import spec_from_request
from engine.spec.load import load_spec

# what is compared outside the plan's content: the inputs' digests and the tool
_INPUT_KEYS = {"inputs", "tool"}


class VerifyResult(Out):
    identical: bool  # byte for byte, input digests included
    reproducible: bool  # identical apart from input digests
    changed_inputs: list[str]
    changed_decisions: list[str]
    changed_sections: list[str]
    evaluated_on: str = ""


def work_tree(path: Path) -> Path:
    """The git work tree holding a path, else its folder."""
    folder = path if path.is_dir() else path.parent
    return next((p for p in [folder, *folder.parents] if (p / ".git").exists()), folder)


def find_spec(plan: Plan, plan_path: Path, allow_outside: bool = False) -> Path:
    """The spec file a plan names, looked for relative to the plan file, the plan's work tree
    and the current work tree; InputError when it is not there or lies outside them."""
    recorded = plan.inputs.spec
    here = Path.cwd().resolve()
    plan_dir = plan_path.resolve().parent
    roots = [work_tree(plan_dir), work_tree(here)]
    candidates: list[Path] = []
    if recorded.relative_to_plan:
        candidates.append(plan_dir / recorded.relative_to_plan)
    candidates += [root / recorded.path for root in roots] + [plan_dir / recorded.path]
    outside = None
    for candidate in candidates:
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if not resolved.is_file():
            continue
        if allow_outside or any(resolved.is_relative_to(r) for r in roots):
            return resolved
        outside = outside or resolved
    if outside is not None:
        raise InputError(
            [
                Problem(
                    recorded.path,
                    0,
                    0,
                    f"the plan's spec resolves to {outside}, outside the plan's and the current "
                    "work tree; not read (pass --allow-outside to read it)",
                )
            ]
        )
    raise InputError(
        [
            Problem(
                recorded.path,
                0,
                0,
                "the plan's spec file is not next to the plan, in the plan's work tree or in the "
                "current one",
            )
        ]
    )


def _input_changes(old: Plan, new: Plan) -> list[str]:
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
        elif (before.digest, before.files, before.role) != (after.digest, after.files, after.role):
            changes.append(
                f"repository {name}: {short(before.digest)} ({before.files} files) → {short(after.digest)} ({after.files} files)"
            )
    old_bundles = {b.repository: b.digest for b in old.inputs.bundles}
    new_bundles = {b.repository: b.digest for b in new.inputs.bundles}
    for name in sorted(old_bundles.keys() | new_bundles.keys()):
        then, later = old_bundles.get(name), new_bundles.get(name)
        if then != later:
            shown = [short(d) if d else "not given" for d in (then, later)]
            changes.append(f"facts bundle of {name}: {shown[0]} → {shown[1]}")
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
        was = {f.path: f.sha256 for f in old_files}
        now = {f.path: f.sha256 for f in new_files}
        names = sorted(p for p in was.keys() | now.keys() if was.get(p) != now.get(p))
        if old_digest == new_digest and not names:
            continue
        detail = ", ".join(
            f"{p} ({'added' if p not in was else 'removed' if p not in now else 'changed'})"
            for p in names
        )
        changes.append(
            f"{label}: {short(old_digest)} → {short(new_digest)}"
            + (f": {detail}" if detail else "")
        )
    return changes


def _decision_changes(old: Plan, new: Plan) -> list[str]:
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
    return decisions


def _comparable(plan: Plan, drafted: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The plan as JSON for comparison: model diagnostics dropped (they depend on the model's
    run), drafted sections replaced by what was accepted for them."""
    data = plan.model_dump(mode="json")
    data["diagnostics"] = [d for d in data["diagnostics"] if not d["reason"].startswith("llm:")]
    sections = data["prose"]["sections"]
    data["prose"]["sections"] = [drafted.get(s["id"], s) for s in sections]
    return data


def _drafts(old: Plan, new: Plan) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Drafted sections of the old plan whose prompt the recomputed plan gives again (these
    stand in for the template text), and the sections whose prompt does not."""
    from engine.plan.llm import prompt_digests

    digests = prompt_digests(new)
    accepted: dict[str, dict[str, Any]] = {}
    stale: list[str] = []
    for section in old.prose.sections:
        if section.drafted_by is None:
            continue
        if digests.get(section.id) == section.drafted_by.prompt_sha256:
            accepted[section.id] = section.model_dump(mode="json")
        else:
            stale.append(f"prose {section.id} (drafted from a prompt the plan no longer gives)")
    return accepted, stale


def _inconsistent(plan: Plan) -> list[str]:
    """Recorded digests that disagree with each other: the plan was edited after it was made."""
    out = []
    if digest_files(plan.inputs.rule_files) != plan.inputs.rules:
        out.append("inputs.rule_files (they do not give inputs.rules: edited by hand?)")
    if digest_files(plan.inputs.knowledge_files) != plan.inputs.knowledge:
        out.append("inputs.knowledge_files (they do not give inputs.knowledge: edited by hand?)")
    return out


def compare(old: Plan, new: Plan) -> VerifyResult:
    changes = _input_changes(old, new)
    accepted, stale = _drafts(old, new)
    stale += _inconsistent(old)
    old_json, new_json = _comparable(old, accepted), _comparable(new, accepted)
    sections = [
        key
        for key in old_json.keys() | new_json.keys()
        if old_json.get(key) != new_json.get(key) and key not in {*_INPUT_KEYS, "decisions"}
    ]
    same_content = all(
        old_json.get(k) == new_json.get(k)
        for k in old_json.keys() | new_json.keys()
        if k not in _INPUT_KEYS
    ) and _input_identity(old) == _input_identity(new)
    identical = json.dumps(old_json, sort_keys=True) == json.dumps(new_json, sort_keys=True)
    return VerifyResult(
        identical=identical and not stale,
        reproducible=same_content and not stale,
        changed_inputs=changes,
        changed_decisions=_decision_changes(old, new),
        changed_sections=sorted(sections) + stale,
        evaluated_on=old.inputs.evaluated_on,
    )


def _input_identity(plan: Plan) -> tuple[str, str, str]:
    """What the inputs are, apart from their digests: a change here is a different plan."""
    return plan.inputs.request, plan.inputs.evaluated_on, plan.inputs.spec.path


def _text(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def render(result: VerifyResult, plan_path: str) -> str:
    if result.identical:
        return f"{plan_path}: verified — recomputing it from its inputs gives the identical plan\n"
    if result.reproducible:
        lines = [
            f"{plan_path}: reproducible; these inputs changed without affecting the plan:",
            *(f"  - {c}" for c in result.changed_inputs),
        ]
        return "\n".join(lines) + "\n"
    lines = [f"{plan_path}: NOT reproducible — recomputing it gives a different plan"]
    if result.changed_inputs:
        lines.append("inputs that changed:")
        lines.extend(f"  - {c}" for c in result.changed_inputs)
    else:
        lines.append(
            "no recorded input changed (a different infraplan build, overlays that were not given "
            "again, or a plan edited by hand?)"
        )
    if result.evaluated_on:
        lines.append(
            f"waivers were checked against {result.evaluated_on} (inputs.evaluated_on), as recorded"
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


def recompute(
    old: Plan,
    kb: KnowledgeBase,
    estate: Estate | None,
    plan_path: Path,
    allow_outside: bool = False,
) -> Plan:
    """The plan again, from the inputs it records: its request or spec file, and its day."""
    if old.inputs.request:
        loaded = spec_from_request(
            old.inputs.request, kb.knowledge, [r.name for r in old.inputs.repositories]
        )
    else:
        spec_path = find_spec(old, plan_path, allow_outside)
        loaded = load_spec(spec_path, kb.knowledge, name_in_plan=old.inputs.spec.path)
    day = date.fromisoformat(old.inputs.evaluated_on) if old.inputs.evaluated_on else None
    new = build_plan(loaded, kb, estate, day)
    # where the spec lies is not its content: the recomputed plan names it as the old one did
    spec = new.inputs.spec.model_copy(update={"relative_to_plan": old.inputs.spec.relative_to_plan})
    return new.model_copy(update={"inputs": new.inputs.model_copy(update={"spec": spec})})
