"""What several commands do the same way: load the knowledge base, read the estate, read a
request, write an output."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from engine.commands.console import echo
from engine.commands.recording import unrecorded, wrote
from engine.core.errors import InputError, Problem
from engine.core.files import is_regular_file, write_atomic

if TYPE_CHECKING:  # imported where used: each command loads only what it needs
    from engine.commands.settings import Settings
    from engine.decide.base import KnowledgeBase
    from engine.estate.bundle import LoadedBundle
    from engine.estate.discover import RepoSpec
    from engine.estate.model import Estate
    from engine.knowledge.model import Knowledge
    from engine.knowledge.reading import EstateKnowledge, ReadsEstate
    from engine.spec.model import LoadedSpec


PROGRESS_FROM_FILES = 500  # smaller estates are read before anyone would look


def knowledge_base(settings: Settings) -> KnowledgeBase:
    """The knowledge and the rules, from the compiled cache when nothing changed."""
    from engine.decide.kbcache import cached_knowledge_base

    return cached_knowledge_base(settings.rules_dirs, settings.knowledge_dirs, settings.cache_dir)


def knowledge_only(settings: Settings) -> Knowledge:
    from engine.decide.kbcache import cached_knowledge

    return cached_knowledge(settings.knowledge_dirs, settings.cache_dir)


def estate_knowledge(settings: Settings) -> EstateKnowledge:
    """What reading an estate uses of the knowledge (environments.yaml, estate.yaml), loaded
    alone: `facts` and `graph` need no patterns, vocabulary or rules."""
    from engine.core.resources import bundled
    from engine.knowledge.load import load_estate_knowledge

    return load_estate_knowledge([bundled("knowledge"), *settings.knowledge_dirs])


def show_progress(done: int, total: int, hits: int) -> None:
    """One line on stderr (a terminal: see Settings.progress), rewritten in place; never part
    of a recorded output (engine/commands/recording.py)."""
    if total >= PROGRESS_FROM_FILES:
        with unrecorded():
            echo(
                f"\rreading files {done}/{total} ({hits} from the cache)",
                err=True,
                nl=done >= total,
            )


def _notice(message: str) -> None:
    echo(f"warning: {message}", err=True)


def read_bundles(settings: Settings) -> list[LoadedBundle]:
    """The facts bundles given with --facts, each checked; no two repositories named alike."""
    from engine.estate.bundle import load_bundle

    bundles = [load_bundle(path) for path in settings.bundles]
    names = [r.name for r in settings.repos]
    for b in bundles:
        if b.bundle.repository in names:
            message = f'two repositories are named "{b.bundle.repository}" (a --repo or a bundle)'
            raise InputError([Problem(b.path, 0, 0, message)])
        names.append(b.bundle.repository)
    return bundles


def read_estate(
    settings: Settings,
    knowledge: ReadsEstate,
    repos: list[RepoSpec] | None = None,
    bundles: list[LoadedBundle] | None = None,
) -> Estate:
    """The estate of the repositories (read, or from the cache) and of the facts bundles."""
    from engine.estate import observed
    from engine.estate.estatecache import cached_estate
    from engine.estate.read import ScanOptions, list_repositories, nothing_cached
    from engine.estate.workers import Extraction

    options = ScanOptions(
        cache_dir=settings.cache_dir,
        jobs=settings.jobs,
        max_file_bytes=settings.max_file_bytes,
        progress=show_progress if settings.progress else None,
        notice=_notice,
    )
    repos = settings.repos if repos is None else repos
    # nothing cached: extraction starts while the repositories are listed (engine/estate/workers.py)
    with Extraction(options.jobs, eager=nothing_cached(repos, options)) as extraction:
        listed = list_repositories(repos, knowledge, options, extraction)
        more = [b.bundle.repo for b in bundles or []]
        estate = cached_estate(listed, knowledge, options, more, extraction)
    # the digests of the files as read, for the facts output cache's key (engine/estate/observed.py)
    observed.read((x.repo.name, e.path, sha) for x in listed for e, sha, _ in x.entries)
    return estate


def read_request(request: str, knowledge: Knowledge, repo_names: list[str]) -> LoadedSpec:
    """A spec file, or a sentence describing the enhancement (turned into a spec).

    The request is a path only when it names an existing regular file or ends in .yaml/.yml;
    anything else is a sentence (a long sentence is never tried as a file name).
    """
    from engine.spec.intake import spec_from_request
    from engine.spec.load import load_spec, stable_display

    if is_regular_file(request) or request.lower().endswith((".yaml", ".yml")):
        path = Path(request)
        if not os.path.lexists(path):
            raise InputError(
                [Problem(request, 0, 0, "no such spec file (to plan from a sentence, quote it)")]
            )
        return load_spec(path, knowledge, name_in_plan=stable_display(path))
    return spec_from_request(request, knowledge, repo_names)


# control characters (an escape sequence in a file name), lone surrogates (a name that is not
# UTF-8) and bidirectional overrides, shown as \uXXXX: valid inside JSON strings, inert in a terminal
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def safe_text(text: str) -> str:
    """Output that cannot drive a terminal or break an encoder, whatever names it quotes."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _command_inputs() -> list[object]:
    """The values of the running click command's parameters, except its output."""
    click = sys.modules.get("click")
    ctx = click.get_current_context(silent=True) if click is not None else None
    values: list[object] = []
    for name, value in ctx.params.items() if ctx is not None else ():
        if name != "output":
            values += list(value) if isinstance(value, (list, tuple)) else [value]
    return values


def _not_an_input(output: Path, inputs: list[object] | None) -> None:
    """Refuse an output file that is one of the command's own input files (`attest P --key K
    -o K` would replace the key): nothing is written, the input stays. The inputs are the
    click command's parameters unless given (check without click)."""
    if not output.is_file():
        return
    values = _command_inputs() if inputs is None else inputs
    target = output.resolve()
    for value in values:
        if (
            isinstance(value, str)
            and value
            and Path(value).is_file()
            and (Path(value).resolve() == target)
        ):
            raise InputError(
                [Problem(str(output), 0, 0, "is an input of this command: write elsewhere")]
            )


def emit(text: str, output: str | None, inputs: list[object] | None = None) -> None:
    """Write to the output file when one is named (atomically: all or nothing), else to stdout."""
    text = safe_text(text)
    if output:
        _not_an_input(Path(output), inputs)
        write_atomic(Path(output), text)
        wrote(output, text)  # for the output cache (engine/commands/recording.py)
        return
    try:
        echo(text, nl=False)
    except OSError as exc:
        exc.filename = "standard output"
        raise
