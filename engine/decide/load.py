"""Loading rule folders: the bundled rules first, organisation overlays after.

An overlay may add rules, replace one explicitly (`replaces: true`) or remove one
(`{disable: ID, reason: ...}`); it never redefines a rule silently. Errors are reported all at
once, each at file:line:column.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.core.digest import SourceFile, sha256_hex
from engine.core.errors import InputError, Problem, did_you_mean
from engine.core.files import read_input
from engine.core.overlays import overlay_labels
from engine.core.resources import bundled
from engine.core.validation import validate
from engine.core.yamlsrc import load_file
from engine.decide.compile import compile_rule
from engine.decide.rulebook import Disable, Rule, Rulebook
from engine.knowledge.model import Knowledge

# durable-rules 2.0.28 hangs compiling a ruleset of more than 512 rules (measured)
MAX_RULES = 512


def load_rules(dirs: Sequence[Path], knowledge: Knowledge) -> Rulebook:
    """Load every `*.yaml` rule file under the folders, validated against facts and knowledge."""
    rulebook, problems = load_rules_lenient(dirs, knowledge)
    if problems:
        raise InputError(problems)
    return rulebook


def load_rules_lenient(
    dirs: Sequence[Path], knowledge: Knowledge
) -> tuple[Rulebook, list[Problem]]:
    """Load what loads; return the problems of the rest (for `rules lint`).

    A later folder (an overlay) may not redefine a rule silently: it replaces one only with
    `replaces: true`, and removes one with `{disable: ID, reason: ...}`.
    """
    rules: dict[str, Rule] = {}
    files: list[SourceFile] = []
    problems: list[Problem] = []
    labels = overlay_labels(dirs, bundled("rules"), "rules")
    for label, root in zip(labels, dirs, strict=True):
        if not root.is_dir():
            problems.append(Problem(str(root), 0, 0, "rules folder not found"))
            continue
        for path in sorted(
            p for p in root.rglob("*.yaml") if "tests" not in p.relative_to(root).parts
        ):
            display = f"{label}/{path.relative_to(root).as_posix()}"
            try:
                files.append(SourceFile(path=display, sha256=sha256_hex(read_input(path, display))))
                data, smap = load_file(path, display)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            if data is None:
                continue
            if not isinstance(data, list):
                problems.append(smap.problem((), "expected a list of rules"))
                continue
            for i, item in enumerate(data):
                if isinstance(item, dict) and "disable" in item:
                    try:
                        off = validate(Disable, item, smap, (i,))
                    except InputError as exc:
                        problems.extend(exc.problems)
                        continue
                    if off.disable not in rules:
                        problems.append(
                            smap.problem(
                                (i, "disable"),
                                f'cannot disable unknown rule "{off.disable}"{did_you_mean(off.disable, list(rules))}',
                            )
                        )
                    else:
                        del rules[off.disable]
                    continue
                replaces = isinstance(item, dict) and item.get("replaces") is True
                if isinstance(item, dict) and "replaces" in item:
                    item = {k: v for k, v in item.items() if k != "replaces"}
                try:
                    rule = compile_rule(item, smap, (i,), knowledge)
                except InputError as exc:
                    problems.extend(exc.problems)
                    continue
                if rule.id in rules and not replaces:
                    problems.append(
                        smap.problem(
                            (i, "id"),
                            f'duplicate rule id "{rule.id}" (defined at {rules[rule.id].source}); an overlay replaces a rule only with `replaces: true`',
                        )
                    )
                    continue
                if replaces and rule.id not in rules:
                    problems.append(
                        smap.problem(
                            (i, "id"),
                            f'replaces unknown rule "{rule.id}"{did_you_mean(rule.id, list(rules))}',
                        )
                    )
                    continue
                rules[rule.id] = rule
    book = Rulebook(rules=list(rules.values()), files=sorted(files, key=lambda f: f.path))
    for kind, group in (("decision", book.decision_rules), ("policy", book.policy_rules)):
        if len(group) > MAX_RULES:
            last = group[-1].source
            problems.append(
                Problem(
                    last.rpartition(":")[0] or "rules",
                    0,
                    0,
                    f"{len(group)} {kind} rules: the rules engine (durable_rules) evaluates at "
                    f"most {MAX_RULES} at once (more hang it); merge rules that differ only in a "
                    "value (`$in`)",
                )
            )
    return book, problems
