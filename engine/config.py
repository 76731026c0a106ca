"""`.infraplan.yaml`: a repository's own settings for infraplan.

environments:          # extra environment aliases: folder or label name → environment
  prd-eu: prod
  qa1: test
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from engine.errors import InputError, Problem
from engine.knowledge import Knowledge
from engine.models import Strict
from engine.validation import validate
from engine.yamlsrc import load_file

CONFIG_NAME = ".infraplan.yaml"


class RepoConfig(Strict):
    environments: dict[str, str] = Field(default_factory=dict)


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
