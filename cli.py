"""infraplan's command line: parse arguments, call the engine, print, exit.

Exit codes: 0 success (check: no error-level violation), 1 check found violations,
2 unreadable or invalid input (spec, rules, knowledge, flags).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from engine.errors import InputError

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT = 0, 1, 2


def _fail(exc: InputError) -> None:
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(EXIT_INPUT)


def _dirs(values: tuple[str, ...]) -> list[Path]:
    return [Path(v) for v in values]


def _llm_options(
    model: str | None,
    base_url: str | None,
    timeout: float | None,
    cache_only: bool,
    cache_dir: str | None,
    no_cache: bool,
) -> Any:
    """LLM settings: flags, then INFRAPLAN_LLM_* variables, then .infraplan.yaml; None when no model."""
    import os

    from engine.cache import default_cache_dir
    from engine.config import read_llm_config
    from engine.prose import LLMOptions

    config = read_llm_config(_config_roots()[0])
    model = model or os.environ.get("INFRAPLAN_LLM_MODEL") or config.model
    if not model:
        return None
    base_url = base_url or os.environ.get("INFRAPLAN_LLM_BASE_URL") or config.base_url
    timeout = timeout or float(os.environ.get("INFRAPLAN_LLM_TIMEOUT") or config.timeout)
    folder = None if no_cache else Path(cache_dir) if cache_dir else default_cache_dir()
    return LLMOptions(
        model=model, base_url=base_url, timeout=timeout, cache_dir=folder, cache_only=cache_only
    )


def _draft_prose(plan: Any, options: Any) -> Any:
    from engine.discover import Diagnostic
    from engine.prose import draft

    prose, problems = draft(plan, options)
    return plan.model_copy(
        update={
            "prose": prose,
            "diagnostics": [
                *plan.diagnostics,
                *(Diagnostic(repo="", path="", reason=p) for p in problems),
            ],
        }
    )


def split_repo_arg(value: str) -> tuple[str, Path]:
    """`NAME=PATH` → (NAME, PATH) (engine/discover.py; imported on use to keep start-up light)."""
    from engine.discover import split_repo_arg as split

    return split(value)


def _config_roots(repos: tuple[str, ...] = ()) -> list[Path]:
    """Where .infraplan.yaml files are read: this repository (its git root, else the working
    directory), then each --repo."""
    here = Path.cwd().resolve()
    root = next((p for p in [here, *here.parents] if (p / ".git").exists()), here)
    roots = [root]
    for value in repos:
        candidate = split_repo_arg(value)[1].resolve()
        if candidate not in roots:
            roots.append(candidate)
    return roots


def _overlays(
    rules_dirs: tuple[str, ...], knowledge_dirs: tuple[str, ...], repos: tuple[str, ...] = ()
) -> tuple[list[Path], list[Path]]:
    """Overlay folders: those .infraplan.yaml files name, then the command line's."""
    from engine.config import read_overlay_dirs

    config_rules, config_knowledge = read_overlay_dirs(_config_roots(repos))
    rules = config_rules + [d for d in _dirs(rules_dirs) if d.resolve() not in config_rules]
    knowledge = config_knowledge + [
        d for d in _dirs(knowledge_dirs) if d.resolve() not in config_knowledge
    ]
    return rules, knowledge


_overlay_options = [
    click.option(
        "--rules-dir",
        "rules_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Add a folder of rules (repeatable).",
    ),
    click.option(
        "--knowledge-dir",
        "knowledge_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Add a knowledge folder (repeatable).",
    ),
]


def overlays(func: Any) -> Any:
    for option in reversed(_overlay_options):
        func = option(func)
    return func


_estate_options = [
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        help="Where extracted facts are cached (default: the user cache folder).",
    ),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache."),
    click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=0),
        default=0,
        show_default="one per CPU",
        help="Parallel extraction processes.",
    ),
    click.option(
        "--max-file-bytes",
        type=click.IntRange(min=1),
        default=5_000_000,
        show_default=True,
        help="Larger files are skipped with a diagnostic.",
    ),
]


def estate_options(func: Any) -> Any:
    for option in reversed(_estate_options):
        func = option(func)
    return func


def _progress() -> Any:
    """A progress line on stderr for long runs on a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        if total >= 500:
            click.echo(f"\rreading files {done}/{total}", err=True, nl=done >= total)

    return report


def _scan(
    repo_args: list[str],
    knowledge: Any,
    cache_dir: str | None,
    no_cache: bool,
    jobs: int,
    max_file_bytes: int,
) -> Any:
    from engine.cache import default_cache_dir
    from engine.discover import parse_repo_args
    from engine.estate import ScanOptions, scan_estate

    repos = parse_repo_args(repo_args)
    folder = None if no_cache else Path(cache_dir) if cache_dir else default_cache_dir()
    options = ScanOptions(
        cache_dir=folder, jobs=jobs, max_file_bytes=max_file_bytes, progress=_progress()
    )
    return scan_estate(repos, knowledge, options)


def _today(value: str | None) -> Any:
    """--today YYYY-MM-DD: the day waivers' expiry is checked against (default: today, UTC)."""
    from datetime import date

    from engine.errors import Problem

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            [Problem("--today", 0, 0, f'expected a date YYYY-MM-DD, got "{value}"')]
        ) from None


_today_option = click.option(
    "--today", metavar="YYYY-MM-DD", help="Check waiver expiry against this day instead of today."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__import__("engine").__version__, prog_name="infraplan")
def main() -> None:
    """Plan infrastructure enhancements with deterministic, explained decisions."""


def _spec_from_sentence(sentence: str, knowledge: Any, repo_names: list[str]) -> Any:
    """The spec a sentence becomes (engine/intake.py), remembering the sentence for the plan."""
    from dataclasses import replace

    from engine.errors import Problem
    from engine.intake import NoMatch, spec_text
    from engine.spec import parse_spec

    try:
        text, _ = spec_text(sentence, knowledge, repo_names)
    except NoMatch as exc:
        raise InputError([Problem("request", 0, 0, str(exc))]) from None
    return replace(parse_spec(text, knowledge, "request"), request=" ".join(sentence.split()))


def _load_request(spec: str, knowledge: Any, repos: tuple[str, ...]) -> Any:
    """A spec file, or a sentence describing the enhancement (turned into a spec)."""
    from engine.errors import Problem
    from engine.spec import load_spec, stable_display

    path = Path(spec)
    if path.is_file():
        return load_spec(path, knowledge, name_in_plan=stable_display(path))
    if path.suffix in {".yaml", ".yml"} or (
        path.parent != Path(".") and "/" in spec and " " not in spec
    ):
        raise InputError(
            [Problem(spec, 0, 0, "no such spec file (to plan from a sentence, quote it)")]
        )
    names = [split_repo_arg(r)[0] for r in repos]
    return _spec_from_sentence(spec, knowledge, names)


@main.command()
@click.argument("spec", metavar="SPEC|TEXT")
@click.option(
    "--repo",
    "repos",
    multiple=True,
    metavar="[NAME=]PATH",
    help="A repository of the estate (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the plan to a file instead of stdout.",
)
@click.option(
    "--llm",
    "llm_model",
    metavar="MODEL",
    help="Draft the prose with this litellm model (e.g. openai/llama3.1); env INFRAPLAN_LLM_MODEL.",
)
@click.option(
    "--llm-base-url",
    metavar="URL",
    help="The model server, e.g. http://127.0.0.1:11434/v1; env INFRAPLAN_LLM_BASE_URL.",
)
@click.option(
    "--llm-timeout",
    type=click.FloatRange(min=1),
    help="Seconds to wait for each draft (default 60); env INFRAPLAN_LLM_TIMEOUT.",
)
@click.option(
    "--llm-cache-only", is_flag=True, help="Use cached drafts only; never call the model."
)
@_today_option
@overlays
@estate_options
def plan(
    spec: str,
    llm_model: str | None,
    llm_base_url: str | None,
    llm_timeout: float | None,
    llm_cache_only: bool,
    today: str | None,
    repos: tuple[str, ...],
    fmt: str,
    output: str | None,
    rules_dirs: tuple[str, ...],
    knowledge_dirs: tuple[str, ...],
    cache_dir: str | None,
    no_cache: bool,
    jobs: int,
    max_file_bytes: int,
) -> None:
    """Plan an enhancement: SPEC is a spec file, or TEXT a sentence ("add RDS rotation ...")."""
    from engine.plan import build_plan, load_base
    from engine.render import RENDERERS

    try:
        base = load_base(*_overlays(rules_dirs, knowledge_dirs, repos))
        loaded = _load_request(spec, base.knowledge, repos)
        estate = (
            _scan(list(repos), base.knowledge, cache_dir, no_cache, jobs, max_file_bytes)
            if repos
            else None
        )
        result = build_plan(loaded, base, estate, _today(today))
        llm = _llm_options(
            llm_model, llm_base_url, llm_timeout, llm_cache_only, cache_dir, no_cache
        )
        if llm is not None:
            result = _draft_prose(result, llm)
        text = RENDERERS[fmt](result)
    except InputError as exc:
        _fail(exc)
        return
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("text")
@click.option(
    "--repo",
    "repos",
    multiple=True,
    metavar="[NAME=]PATH",
    help="Repositories the spec names (repeatable).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the spec to a file instead of stdout.",
)
@click.option(
    "--knowledge-dir",
    "knowledge_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Add a knowledge folder (repeatable).",
)
def new(
    text: str, repos: tuple[str, ...], output: str | None, knowledge_dirs: tuple[str, ...]
) -> None:
    """Write the spec infraplan infers from a sentence, for a person to edit."""
    from engine.errors import Problem
    from engine.intake import NoMatch, spec_text
    from engine.knowledge import load_knowledge
    from engine.resources import bundled

    try:
        knowledge = load_knowledge([bundled("knowledge"), *_overlays((), knowledge_dirs, repos)[1]])
        names = [split_repo_arg(r)[0] for r in repos]
        spec, _ = spec_text(text, knowledge, names)
    except NoMatch as exc:
        _fail(InputError([Problem("request", 0, 0, str(exc))]))
        return
    except InputError as exc:
        _fail(exc)
        return
    if output:
        Path(output).write_text(spec, encoding="utf-8")
    else:
        click.echo(spec, nl=False)


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "junit"]),
    default="text",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the report to a file instead of stdout.",
)
@_today_option
@overlays
def check(
    specs: tuple[str, ...],
    fmt: str,
    output: str | None,
    today: str | None,
    rules_dirs: tuple[str, ...],
    knowledge_dirs: tuple[str, ...],
) -> None:
    """Check enhancement specs against the spec policy rules.

    Text output: one `file:line: rule-id: message` per finding. Exit 0 when clean (warnings and
    waived findings allowed), 1 when an unwaived rule reports an error, 2 when a spec cannot be
    read or is invalid.
    """
    from engine.check import RENDERERS as CHECK_RENDERERS
    from engine.check import check_specs

    try:
        results = check_specs(
            [Path(s) for s in specs], *_overlays(rules_dirs, knowledge_dirs), _today(today)
        )
    except InputError as exc:
        _fail(exc)
        return
    text = CHECK_RENDERERS[fmt](results)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        if fmt != "text":
            click.echo(CHECK_RENDERERS["text"](results).splitlines()[-1], err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(results.exit_code)


@main.command()
@click.argument("paths", nargs=-1, metavar="[NAME=]PATH...")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--knowledge-dir",
    "knowledge_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Add a knowledge folder (repeatable).",
)
@estate_options
def facts(
    paths: tuple[str, ...],
    fmt: str,
    knowledge_dirs: tuple[str, ...],
    cache_dir: str | None,
    no_cache: bool,
    jobs: int,
    max_file_bytes: int,
) -> None:
    """What infraplan reads in the repositories (default: the current directory).

    Counts by kind and Terraform resource type, environments, clusters, owners, diagnostics.
    Unreadable files are diagnostics, never errors: the exit code is 0 unless an argument is wrong.
    """
    from engine.facts_report import facts_summary, render_json, render_table
    from engine.knowledge import load_knowledge
    from engine.resources import bundled

    try:
        knowledge = load_knowledge([bundled("knowledge"), *_overlays((), knowledge_dirs, paths)[1]])
        estate = _scan(list(paths) or ["."], knowledge, cache_dir, no_cache, jobs, max_file_bytes)
    except InputError as exc:
        _fail(exc)
        return
    summary = facts_summary(estate, knowledge)
    click.echo(render_json(summary) if fmt == "json" else render_table(summary), nl=False)


@main.command()
@click.argument("paths", nargs=-1, metavar="[NAME=]PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot", "json"]),
    default="mermaid",
    show_default=True,
)
@click.option(
    "--focus",
    help="Show only what is near this node: an id (repo/path:line), Kind/name, a Terraform address or a name.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="How many edges away from --focus to show.",
)
@click.option(
    "--knowledge-dir",
    "knowledge_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Add a knowledge folder (repeatable).",
)
@estate_options
def graph(
    paths: tuple[str, ...],
    fmt: str,
    focus: str | None,
    depth: int,
    knowledge_dirs: tuple[str, ...],
    cache_dir: str | None,
    no_cache: bool,
    jobs: int,
    max_file_bytes: int,
) -> None:
    """The dependency graph of the repositories (default: the current directory).

    Edges point from a dependency to what depends on it: Terraform references and module calls,
    Flux dependsOn, sourceRef and applied folders, Helm charts, External Secrets ↔ Terraform
    secrets, Argo CD app-of-apps.
    """
    import json

    from engine import graph as estate_graph
    from engine.knowledge import load_knowledge
    from engine.resources import bundled

    try:
        knowledge = load_knowledge([bundled("knowledge"), *_overlays((), knowledge_dirs, paths)[1]])
        estate = _scan(list(paths) or ["."], knowledge, cache_dir, no_cache, jobs, max_file_bytes)
    except InputError as exc:
        _fail(exc)
        return
    g = estate_graph.build_graph(estate, knowledge)
    if focus:
        nodes = estate_graph.find_nodes(g, focus)
        if not nodes:
            click.echo(
                f'error: --focus "{focus}" matches no node; try an id (repo/path:line), Kind/name or a name',
                err=True,
            )
            sys.exit(EXIT_INPUT)
        g = estate_graph.focus(g, nodes, depth)
    if fmt == "json":
        click.echo(json.dumps(estate_graph.to_json(g), indent=2, ensure_ascii=False))
    elif fmt == "dot":
        click.echo(estate_graph.to_dot(g), nl=False)
    else:
        click.echo(estate_graph.to_mermaid(g), nl=False)


@main.command("explain")
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False))
@click.argument("dimension", required=False)
@click.option(
    "--why-not",
    "why_not",
    metavar="DIMENSION=VALUE",
    help="Which rules could have decided VALUE, and the first condition each failed.",
)
@overlays
def explain_command(
    plan_file: str,
    dimension: str | None,
    why_not: str | None,
    rules_dirs: tuple[str, ...],
    knowledge_dirs: tuple[str, ...],
) -> None:
    """Explain a plan's decisions: the rules, the facts they matched (file:line), the reasons."""
    from engine.errors import Problem
    from engine.explain import explain, load_plan
    from engine.explain import why_not as why_not_text

    try:
        plan = load_plan(Path(plan_file))
        if why_not:
            dim, sep, value = why_not.partition("=")
            if not sep or not dim or not value:
                raise InputError(
                    [
                        Problem(
                            "--why-not",
                            0,
                            0,
                            f'expected DIMENSION=VALUE (e.g. risk=high), got "{why_not}"',
                        )
                    ]
                )
            from engine.plan import load_base

            text = why_not_text(
                plan,
                load_base(*_overlays(rules_dirs, knowledge_dirs)),
                dim.strip(),
                value.strip(),
            )
        else:
            text = explain(plan, dimension)
    except InputError as exc:
        _fail(exc)
        return
    click.echo(text, nl=False)


@main.command("verify")
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False))
@click.option(
    "--repo",
    "repos",
    multiple=True,
    metavar="[NAME=]PATH",
    help="The repositories the plan read, again (repeatable).",
)
@overlays
@estate_options
def verify_command(
    plan_file: str,
    repos: tuple[str, ...],
    rules_dirs: tuple[str, ...],
    knowledge_dirs: tuple[str, ...],
    cache_dir: str | None,
    no_cache: bool,
    jobs: int,
    max_file_bytes: int,
) -> None:
    """Recompute a plan from its recorded inputs; exit 0 if identical, 1 naming what changed."""

    from engine.errors import Problem
    from engine.explain import load_plan
    from engine.plan import build_plan, load_base
    from engine.spec import load_spec, stable_display
    from engine.verify import compare, find_spec, missing_repositories, render

    try:
        old = load_plan(Path(plan_file))
        missing = missing_repositories(old, list(repos))
        if missing is not None:
            raise missing
        base = load_base(*_overlays(rules_dirs, knowledge_dirs, repos))
        if old.inputs.request:
            loaded = _spec_from_sentence(
                old.inputs.request, base.knowledge, [r.name for r in old.inputs.repositories]
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
            loaded = load_spec(spec_path, base.knowledge, name_in_plan=stable_display(spec_path))
        estate = (
            _scan(list(repos), base.knowledge, cache_dir, no_cache, jobs, max_file_bytes)
            if repos
            else None
        )
        from datetime import date

        day = date.fromisoformat(old.inputs.evaluated_on) if old.inputs.evaluated_on else None
        new = build_plan(loaded, base, estate, day)
    except InputError as exc:
        _fail(exc)
        return
    result = compare(old, new)
    click.echo(render(result, plan_file), nl=False)
    sys.exit(EXIT_OK if result.identical else EXIT_VIOLATIONS)


@main.command("docs")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Only check that the generated documents are current (exit 1 when stale).",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="The project folder holding docs/.",
)
def docs_command(check_only: bool, root: str) -> None:
    """Regenerate the reference docs from rule and pattern metadata (and the plan's JSON Schema)."""
    from engine import docgen
    from engine.plan import load_base

    try:
        base = load_base()
    except InputError as exc:
        _fail(exc)
        return
    if check_only:
        stale = docgen.stale(base, Path(root))
        for rel in stale:
            click.echo(f"stale: {rel} (run `infraplan docs`)", err=True)
        sys.exit(EXIT_VIOLATIONS if stale else EXIT_OK)
    for rel in docgen.write(base, Path(root)):
        click.echo(f"wrote {rel}")


@main.group()
def knowledge() -> None:
    """Browse the knowledge base: patterns, categories, experts."""


@knowledge.command("list")
@click.option(
    "--knowledge-dir",
    "knowledge_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Add a knowledge folder (repeatable).",
)
def knowledge_list(knowledge_dirs: tuple[str, ...]) -> None:
    """Patterns (with triggers), categories (with keywords) and experts."""
    from engine.knowledge import load_knowledge
    from engine.resources import bundled

    try:
        k = load_knowledge([bundled("knowledge"), *_overlays((), knowledge_dirs)[1]])
    except InputError as exc:
        _fail(exc)
        return
    lines = ["patterns:"]
    lines += [
        f"  {p.id:<30} {p.category:<22} {'; '.join(p.triggers)}"
        for p in sorted(k.patterns, key=lambda p: p.id)
    ]
    lines += ["", "categories:"]
    lines += [f"  {c.id:<30} keywords: {', '.join(c.keywords) or '—'}" for c in k.categories]
    lines += ["", "experts:"]
    lines += [f"  {e.id:<30} {', '.join(e.covers)}" for e in k.experts]
    click.echo("\n".join(lines))


@knowledge.command("show")
@click.argument("entry_id", metavar="ID")
@click.option(
    "--knowledge-dir",
    "knowledge_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Add a knowledge folder (repeatable).",
)
def knowledge_show(entry_id: str, knowledge_dirs: tuple[str, ...]) -> None:
    """One pattern, category, expert, probe or scope, in full (YAML)."""
    import yaml

    from engine.errors import Problem, did_you_mean
    from engine.knowledge import load_knowledge
    from engine.resources import bundled

    try:
        k = load_knowledge([bundled("knowledge"), *_overlays((), knowledge_dirs)[1]])
        entries = {
            **{e.id: ("expert", e) for e in k.experts},
            **{s.id: ("scope", s) for s in k.scopes},
            **{p.name: ("probe", p) for p in k.probes},
            **{c.id: ("category", c) for c in k.categories},
            **{p.id: ("pattern", p) for p in k.patterns},
        }
        if entry_id not in entries:
            raise InputError(
                [
                    Problem(
                        "ID",
                        0,
                        0,
                        f'no pattern, category, expert, probe or scope "{entry_id}"{did_you_mean(entry_id, list(entries))}',
                    )
                ]
            )
    except InputError as exc:
        _fail(exc)
        return
    kind, entry = entries[entry_id]
    click.echo(f"# {kind} {entry_id}")
    click.echo(
        yaml.safe_dump(
            entry.model_dump(mode="json", exclude_defaults=True),
            sort_keys=False,
            allow_unicode=True,
            width=100,
        ),
        nl=False,
    )


@main.group()
def rules() -> None:
    """Work on rules: lint them, run their tests."""


@rules.command("lint")
@overlays
def rules_lint(rules_dirs: tuple[str, ...], knowledge_dirs: tuple[str, ...]) -> None:
    """Lint the rules (bundled and overlays): schema, unknown facts and values, duplicates,
    rules that can never fire, contradictions, subsumed rules, cycles, undefined references,
    indistinguishable pattern triggers. Exit 1 on errors, 0 on warnings only."""
    from engine.knowledge import load_knowledge
    from engine.lint import lint, render
    from engine.resources import bundled

    try:
        rules, knowledge_overlays = _overlays(rules_dirs, knowledge_dirs)
        knowledge = load_knowledge([bundled("knowledge"), *knowledge_overlays])
        findings = lint([bundled("rules"), *rules], knowledge)
    except InputError as exc:
        _fail(exc)
        return
    click.echo(render(findings), nl=False)
    sys.exit(EXIT_VIOLATIONS if any(f.severity == "error" for f in findings) else EXIT_OK)


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@overlays
def rules_test(
    paths: tuple[str, ...],
    verbose: bool,
    rules_dirs: tuple[str, ...],
    knowledge_dirs: tuple[str, ...],
) -> None:
    """Run rule test cases (YAML) and report rule coverage.

    Without PATH: the bundled cases (rules/tests). Exit 0 when every case passes, 1 when one
    fails, 2 when a case file or rule is invalid.
    """
    from engine.plan import load_base
    from engine.resources import bundled
    from engine.ruletest import render_report, run_tests

    try:
        base = load_base(*_overlays(rules_dirs, knowledge_dirs))
        report = run_tests([Path(p) for p in paths] or [bundled("rules") / "tests"], base)
    except InputError as exc:
        _fail(exc)
        return
    click.echo(render_report(report, verbose), nl=False)
    sys.exit(EXIT_VIOLATIONS if any(r.failures for r in report.results) else EXIT_OK)


if __name__ == "__main__":
    main()
