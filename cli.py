"""infraplan's command line: options only. Each command resolves its settings once and hands
them to its module in engine/commands/, which returns the exit code.

Exit codes: 0 success, 1 findings (check: an error-level violation; verify: not reproducible
or not the attested plan; rules: a failing case or lint error), 2 unreadable or invalid input
(spec, rules, knowledge, flags, a request nothing matches, a file that cannot be written, a key
or attestation infraplan cannot use), 3 an internal error (a bug).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from engine.commands.evidence_options import register, verify_options
from engine.commands.options import bundle, bundles, options

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class Group(click.Group):
    """Every command runs inside one error boundary (engine/commands/boundary.py): input and
    system errors print `error: file:line:col: ...` lines and exit 2, a bug exits 3."""

    def invoke(self, ctx: click.Context) -> Any:
        from engine.commands.boundary import run_guarded

        return run_guarded(lambda: super(Group, self).invoke(ctx))


def run(command: str, function: str = "run", **flags: Any) -> Callable[..., int]:
    """Resolve the settings from the flags, then call engine.commands.<command>.<function>."""
    import importlib

    from engine.commands.settings import Flags, resolve

    known = {k: v for k, v in flags.items() if k in Flags.__dataclass_fields__}
    settings = resolve(Flags(**known))
    target = getattr(importlib.import_module(f"engine.commands.{command}"), function)
    return lambda *args, **kwargs: target(settings, *args, **kwargs)


def _repos(help_text: str) -> Decorator:
    return click.option("--repo", "repos", multiple=True, metavar="[NAME=]PATH", help=help_text)


def _output(what: str) -> Decorator:
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False), help=f"Write {what} to a file."
    )


def _format(choices: list[str], default: str | None = None) -> Decorator:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=None if default else choices[0],
        show_default=default or True,
    )


knowledge_dir = click.option(
    "--knowledge-dir",
    "knowledge_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Add a knowledge folder (repeatable).",
)
overlays = options(
    click.option(
        "--rules-dir",
        "rules_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Add a folder of rules (repeatable).",
    ),
    knowledge_dir,
)
estate = options(
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
    click.option(
        "--quiet", "-q", is_flag=True, help="No progress on stderr (shown on a terminal)."
    ),
)
today = click.option(
    "--today", metavar="YYYY-MM-DD", help="Check waiver expiry against this day instead of today."
)
llm = options(
    click.option(
        "--llm",
        "llm_model",
        metavar="MODEL",
        help="Draft the prose with this litellm model (e.g. openai/llama3.1); env INFRAPLAN_LLM_MODEL.",
    ),
    click.option(
        "--llm-base-url",
        metavar="URL",
        help="The model server, e.g. http://127.0.0.1:11434/v1; env INFRAPLAN_LLM_BASE_URL.",
    ),
    click.option(
        "--llm-timeout",
        type=click.FloatRange(min=1),
        help="Seconds to wait for each draft (default 60); env INFRAPLAN_LLM_TIMEOUT.",
    ),
    click.option(
        "--llm-cache-only", is_flag=True, help="Use cached drafts only; never call the model."
    ),
)


def _exit(code: int) -> None:
    sys.exit(code)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__import__("engine").__version__, prog_name="infraplan")
def main() -> None:
    """Plan infrastructure enhancements with deterministic, explained decisions."""


@main.command()
@click.argument("spec", metavar="SPEC|TEXT")
@_repos("A repository of the estate (repeatable).")
@bundles
@_format(["markdown", "json"], "json for -o *.json, else markdown")
@_output("the plan, and print a short summary")
@llm
@today
@overlays
@estate
def plan(spec: str, fmt: str, output: str | None, **flags: Any) -> None:
    """Plan an enhancement: SPEC is a spec file, or TEXT a sentence ("add RDS rotation ...")."""
    _exit(run("plan", **flags)(spec, fmt, output))


@main.command()
@click.argument("text")
@_repos("Repositories the spec names (repeatable).")
@_output("the spec")
@knowledge_dir
def new(text: str, output: str | None, **flags: Any) -> None:
    """Write the spec infraplan infers from a sentence, for a person to edit."""
    _exit(run("new", **flags)(text, output))


@main.command()
@click.argument("specs", nargs=-1, required=True)
@_format(["text", "json", "sarif", "junit"])
@_output("the report")
@today
@overlays
def check(specs: tuple[str, ...], fmt: str, output: str | None, **flags: Any) -> None:
    """Check enhancement specs against the spec policy rules.

    Text output: one `file:line: rule-id: message` per finding. Exit 0 when clean (warnings and
    waived findings allowed), 1 when an unwaived rule reports an error, 2 when a spec cannot be
    read or is invalid.
    """
    _exit(run("check", **flags)(list(specs), fmt, output))


@main.command()
@click.argument("paths", nargs=-1, metavar="[NAME=]PATH...")
@_format(["table", "json", "jsonl"])
@bundle
@_output("the facts")
@knowledge_dir
@estate
def facts(paths: tuple[str, ...], fmt: str, bundle: bool, output: str | None, **flags: Any) -> None:
    """What infraplan reads in the repositories (default: the current directory).

    Counts by kind and Terraform resource type, environments, clusters, owners, diagnostics;
    `--format jsonl`: one line per object (live, where, delivered by, version, why).
    Unreadable files are diagnostics, never errors: the exit code is 0 unless an argument is wrong.
    """
    _exit(run("facts", **flags)(list(paths), fmt, bundle, output))


@main.command()
@click.argument("paths", nargs=-1, metavar="[NAME=]PATH...")
@_format(["mermaid", "dot", "json"])
@click.option(
    "--focus",
    help="Show only what is near this node: an id (repo/path:line), Kind/name, a Terraform address or a name.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0, max=1000),
    default=2,
    show_default=True,
    help="How many edges away from --focus to show.",
)
@knowledge_dir
@estate
def graph(paths: tuple[str, ...], fmt: str, focus: str | None, depth: int, **flags: Any) -> None:
    """The dependency graph of the repositories (default: the current directory).

    Edges point from a dependency to what depends on it: Terraform references and module calls,
    Flux dependsOn, sourceRef and applied folders, Helm charts, External Secrets ↔ Terraform
    secrets, Argo CD app-of-apps.
    """
    _exit(run("graph", **flags)(list(paths), fmt, focus, depth))


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
    plan_file: str, dimension: str | None, why_not: str | None, **flags: Any
) -> None:
    """Explain a plan's decisions: the rules, the facts they matched (file:line), the reasons."""
    _exit(run("explain", **flags)(plan_file, dimension, why_not))


@main.command("verify")
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False))
@_repos("The repositories the plan read, again (repeatable).")
@bundles
@click.option(
    "--allow-outside",
    is_flag=True,
    help="Read the plan's spec even where it lies outside the plan's and the current work tree.",
)
@options(*verify_options)
@overlays
@estate
def verify_command(plan_file: str, allow_outside: bool, **flags: Any) -> None:
    """Recompute a plan from its recorded inputs; exit 0 if reproducible, 1 naming what changed
    (with --attestation: also a signature or plan digest that does not verify)."""
    evidence = (flags.pop("attestation", None), flags.pop("public_key", None))
    _exit(run("verify", **flags)(plan_file, allow_outside, *evidence))


@main.command("schema")
@click.argument("which", type=click.Choice(["spec", "config", "plan", "facts", "bundle"]))
@_output("the schema")
@knowledge_dir
def schema_command(which: str, output: str | None, **flags: Any) -> None:
    """A JSON Schema: the spec or .infraplan.yaml (for the knowledge in effect), the plan, or
    one line of `facts --format jsonl`, or a facts bundle (`facts --bundle`)."""
    _exit(run("schema", **flags)(which, output))


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
    _exit(run("docs")(main, check_only, root))


@main.group()
def knowledge() -> None:
    """Browse the knowledge base: patterns, categories, experts."""


@knowledge.command("list")
@knowledge_dir
def knowledge_list(**flags: Any) -> None:
    """Patterns (with triggers), categories (with keywords) and experts."""
    _exit(run("knowledge", "run_list", **flags)())


@knowledge.command("show")
@click.argument("entry_id", metavar="ID")
@knowledge_dir
def knowledge_show(entry_id: str, **flags: Any) -> None:
    """One pattern, category, expert, probe or scope, in full (YAML)."""
    _exit(run("knowledge", "run_show", **flags)(entry_id))


@main.group()
def rules() -> None:
    """Work on rules: lint them, run their tests."""


@rules.command("lint")
@overlays
def rules_lint(**flags: Any) -> None:
    """Lint the rules (bundled and overlays): schema, unknown facts and values, duplicates,
    rules that can never fire, contradictions, subsumed rules, cycles, undefined references,
    indistinguishable pattern triggers. Exit 1 on errors, 0 on warnings only."""
    _exit(run("rules", "run_lint", **flags)())


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@overlays
def rules_test(paths: tuple[str, ...], verbose: bool, **flags: Any) -> None:
    """Run rule test cases (YAML) and report rule coverage.

    Without PATH: the bundled cases (rules/tests). Exit 0 when every case passes, 1 when one
    fails, 2 when a case file or rule is invalid.
    """
    _exit(run("rules", "run_test", **flags)(list(paths), verbose))


register(main, run, knowledge_dir, overlays, estate)

if __name__ == "__main__":
    main()
