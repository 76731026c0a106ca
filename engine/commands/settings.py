"""Settings: command-line flags, `INFRAPLAN_*` environment variables and `.infraplan.yaml`,
resolved once (in that order of precedence) into one frozen object every command reads.

`.infraplan.yaml` files configure a run from the working tree's root (its git work tree, else
the working directory) and from each repository given with `--repo`: overlay folders of all of
them are used, in that order; the model settings come from the working tree's file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engine.core import limits
from engine.core.errors import InputError, Problem
from engine.core.files import working_root
from engine.core.limits import DEFAULT_MAX_FILE_BYTES
from engine.spec.config import overlay_dirs, read_config

if TYPE_CHECKING:  # imported where used: `check` starts without the estate or the model code
    from engine.estate.discover import RepoSpec
    from engine.plan.llm import LLMOptions


@dataclass(frozen=True)
class Flags:
    """What the command line said (None or empty: not given)."""

    repos: tuple[str, ...] = ()
    rules_dirs: tuple[str, ...] = ()
    knowledge_dirs: tuple[str, ...] = ()
    cache_dir: str | None = None
    no_cache: bool = False
    jobs: int = 0
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    today: str | None = None
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_timeout: float | None = None
    llm_cache_only: bool = False
    quiet: bool = False
    bundles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    rules_dirs: list[Path] = field(default_factory=list)
    knowledge_dirs: list[Path] = field(default_factory=list)
    repos: list[RepoSpec] = field(default_factory=list)
    bundles: list[Path] = field(default_factory=list)  # facts bundles read instead of repositories
    cache_dir: Path | None = None
    jobs: int = 0
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    today: date | None = None
    llm: LLMOptions | None = None
    progress: bool = False  # report progress on stderr (a terminal)


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("infraplan", appauthor=False))


def _today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            [Problem("--today", 0, 0, f'expected a date YYYY-MM-DD, got "{value}"')]
        ) from None


def _number(value: str, where: str, low: float, high: float, what: str = "seconds") -> float:
    try:
        number = float(value)
    except ValueError:
        raise InputError([Problem(where, 0, 0, f'expected {what}, got "{value[:40]}"')]) from None
    if not low <= number <= high:
        raise InputError(
            [Problem(where, 0, 0, f"expected {low:g} to {high:g} {what}, got {value[:40]}")]
        )
    return number


def _from_env(env: Mapping[str, str], name: str, default: float, high: float, what: str) -> float:
    raw = env.get(name, "").strip()
    return _number(raw, name, 1, high, what) if raw else default


def resolve(
    flags: Flags, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Settings:
    env = os.environ if environ is None else environ
    limits.configure(env)
    repos: list[RepoSpec] = []
    if flags.repos:
        from engine.estate.discover import parse_repo_args

        repos = parse_repo_args(list(flags.repos))
    root = working_root(cwd)
    roots = [root, *(r.root.resolve() for r in repos if r.root.resolve() != root)]
    rules: list[Path] = []
    knowledge: list[Path] = []
    for config_root in roots:
        more_rules, more_knowledge = overlay_dirs(config_root, confined=config_root != root)
        rules += [d for d in more_rules if d not in rules]
        knowledge += [d for d in more_knowledge if d not in knowledge]
    rules += [Path(d) for d in flags.rules_dirs if Path(d).resolve() not in rules]
    knowledge += [Path(d) for d in flags.knowledge_dirs if Path(d).resolve() not in knowledge]
    cache = None if flags.no_cache else Path(flags.cache_dir) if flags.cache_dir else None
    llm = None
    config, _ = read_config(root)
    model = flags.llm_model or env.get("INFRAPLAN_LLM_MODEL") or config.llm.model
    # read (and checked) with or without a model: a bad value is an error either way
    timeout = flags.llm_timeout or _from_env(
        env, "INFRAPLAN_LLM_TIMEOUT", config.llm.timeout, 3600, "seconds"
    )
    deadline = _from_env(env, "INFRAPLAN_LLM_DEADLINE", config.llm.deadline, 86400, "seconds")
    max_tokens = int(_from_env(env, "INFRAPLAN_LLM_MAX_TOKENS", 1024, 100_000, "tokens"))
    max_bytes = int(_from_env(env, "INFRAPLAN_LLM_MAX_BYTES", 200_000, 100_000_000, "bytes"))
    if model:
        from engine.plan.llm import LLMOptions

        llm = LLMOptions(
            model=model,
            base_url=flags.llm_base_url or env.get("INFRAPLAN_LLM_BASE_URL") or config.llm.base_url,
            timeout=timeout,
            deadline=deadline,
            max_tokens=max_tokens,
            max_bytes=max_bytes,
            cache_dir=None if flags.no_cache else cache or default_cache_dir(),
            cache_only=flags.llm_cache_only,
        )
    return Settings(
        rules_dirs=rules,
        knowledge_dirs=knowledge,
        repos=repos,
        bundles=[Path(b) for b in flags.bundles],
        cache_dir=None if flags.no_cache else cache or default_cache_dir(),
        # more workers than four per CPU only costs memory (a worker process each)
        jobs=min(flags.jobs, 4 * (os.cpu_count() or 1)),
        max_file_bytes=flags.max_file_bytes,
        today=_today(flags.today),
        llm=llm,
        progress=sys.stderr.isatty() and not flags.quiet,
    )
