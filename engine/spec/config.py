"""`.infraplan.yaml`: a repository's own settings for infraplan, read in one place.

    role: gitops                    # terraform | gitops | charts | mixed; detected when absent
    environments:                   # extra environment aliases: folder or label name → environment
      prd-eu: prod
    rules_dirs: [policy/rules]      # overlay folders, relative to this file
    knowledge_dirs: [policy/knowledge]
    llm: {model: openai/llama3.1, base_url: "http://127.0.0.1:11434/v1", timeout: 60}

The working tree's file configures a run (overlays, model); each repository's file describes
that repository (role, environment aliases).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from engine.core.errors import InputError, Problem
from engine.core.models import Strict
from engine.core.validation import validate
from engine.core.yamlsrc import SourceMap, load_file
from engine.knowledge.model import Knowledge

CONFIG_NAME = ".infraplan.yaml"


class LLMConfig(Strict):
    """Optional prose drafting (docs/llm.md). Rules decide; a model only words."""

    model: str = ""
    base_url: str = ""
    timeout: float = 60.0


class RepoConfig(Strict):
    llm: LLMConfig = Field(default_factory=LLMConfig)
    role: Literal["", "terraform", "gitops", "charts", "mixed"] = (
        ""  # detected from content when empty
    )
    rules_dirs: list[str] = Field(default_factory=list)
    knowledge_dirs: list[str] = Field(default_factory=list)
    environments: dict[str, str] = Field(default_factory=dict)


def read_config(root: Path) -> tuple[RepoConfig, SourceMap | None]:
    """The `.infraplan.yaml` of a folder (defaults when it has none); InputError when invalid."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return RepoConfig(), None
    data, smap = load_file(path, str(path))
    return validate(RepoConfig, data or {}, smap), smap


def overlay_dirs(root: Path) -> tuple[list[Path], list[Path]]:
    """The rule and knowledge overlay folders a config names, resolved against its folder.

    A folder that does not exist is an error naming the config file.
    """
    config, smap = read_config(root)
    found: dict[str, list[Path]] = {"rules_dirs": [], "knowledge_dirs": []}
    problems: list[Problem] = []
    for key, target in found.items():
        for i, rel in enumerate(getattr(config, key)):
            folder = (root / rel).resolve()
            if not folder.is_dir():
                assert smap is not None
                problems.append(
                    smap.problem((key, i), f'folder "{rel}" not found (relative to {CONFIG_NAME})')
                )
            elif folder not in target:
                target.append(folder)
    if problems:
        raise InputError(problems)
    return found["rules_dirs"], found["knowledge_dirs"]


def repository_config(root: Path, knowledge: Knowledge) -> RepoConfig:
    """A repository's config with its environment aliases checked against the knowledge."""
    config, smap = read_config(root)
    known = {e.id for e in knowledge.environments}
    problems = [
        smap.problem(
            ("environments", alias),
            f'"{env}" is not an environment; expected one of {", ".join(sorted(known))}',
        )
        for alias, env in config.environments.items()
        if env not in known and smap is not None
    ]
    if problems:
        raise InputError(problems)
    return config
