"""`.infraplan.yaml`: a repository's own settings for infraplan.

environments:          # extra environment aliases: folder or label name → environment
  prd-eu: prod
  qa1: test
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from engine.errors import InputError, Problem
from engine.knowledge import Knowledge
from engine.models import Strict
from engine.validation import validate
from engine.yamlsrc import load_file

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


def read_llm_config(root: Path) -> LLMConfig:
    from engine.yamlsrc import load_file

    path = root / CONFIG_NAME
    if not path.is_file():
        return LLMConfig()
    data, smap = load_file(path, str(path))
    return validate(RepoConfig, data or {}, smap).llm


def read_overlay_dirs(roots: list[Path]) -> tuple[list[Path], list[Path]]:
    """Rule and knowledge overlay folders named by the .infraplan.yaml of each root, in order.

    Only the folder names are read here (the knowledge they point to is not loaded yet); a
    missing folder is an error naming the config file.
    """
    from engine.yamlsrc import load_file

    rules: list[Path] = []
    knowledge: list[Path] = []
    problems: list[Problem] = []
    for root in roots:
        path = root / CONFIG_NAME
        if not path.is_file():
            continue
        data, smap = load_file(path, str(path))
        config = validate(RepoConfig, data or {}, smap)
        for key, target in (("rules_dirs", rules), ("knowledge_dirs", knowledge)):
            for i, rel in enumerate(getattr(config, key)):
                folder = (root / rel).resolve()
                if not folder.is_dir():
                    problems.append(
                        smap.problem(
                            (key, i), f'folder "{rel}" not found (relative to {CONFIG_NAME})'
                        )
                    )
                elif folder not in target:
                    target.append(folder)
    if problems:
        raise InputError(problems)
    return rules, knowledge


def load_repo_config(root: Path, knowledge: Knowledge) -> RepoConfig:
    """The repository's .infraplan.yaml, or defaults when it has none."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return RepoConfig()
    data, smap = load_file(path, str(path))
    config = validate(RepoConfig, data or {}, smap)
    known = {e.id for e in knowledge.environments}
    problems = [
        smap.problem(
            ("environments", alias),
            f'"{env}" is not an environment; expected one of {", ".join(sorted(known))}',
        )
        for alias, env in config.environments.items()
        if env not in known
    ]
    if problems:
        raise InputError(problems)
    return config


__all__ = ["CONFIG_NAME", "Problem", "RepoConfig", "load_repo_config"]
