"""`.infraplan.yaml`: a repository's own settings for infraplan, read in one place.

    role: gitops                    # terraform | gitops | charts | mixed; detected when absent
    environments:                   # extra environment aliases: folder or label name → environment
      prd-eu: prod
    rules_dirs: [policy/rules]      # overlay folders, relative to this file
    knowledge_dirs: [policy/knowledge]
    llm: {model: openai/llama3.1, base_url: "http://127.0.0.1:11434/v1", timeout: 60, deadline: 300}

The working tree's file configures a run (overlays, model); each repository's file describes
that repository (role, environment aliases).
"""

# no `from __future__ import annotations`: pydantic would compile every field annotation
# from a string at each start-up (docs/performance.md, `check` start-up)

from pathlib import Path
from typing import Literal

from engine.core.errors import InputError, Problem
from engine.core.modelbase import Field
from engine.core.models import Strict
from engine.core.validation import validate
from engine.core.yamlsrc import SourceMap, load_file
from engine.knowledge.reading import ReadsEstate

CONFIG_NAME = ".infraplan.yaml"


class LLMConfig(Strict):
    """Optional prose drafting (docs/llm.md). Rules decide; a model only words."""

    model: str = ""
    base_url: str = ""
    timeout: float = Field(default=60.0, ge=1, le=3600)  # seconds for one draft
    deadline: float = Field(default=300.0, ge=1, le=86400)  # seconds for all drafts of a plan


class RepoConfig(Strict):
    llm: LLMConfig = Field(default_factory=LLMConfig)
    role: Literal["", "terraform", "gitops", "charts", "mixed"] = (
        ""  # detected from content when empty
    )
    rules_dirs: list[str] = Field(default_factory=list)
    knowledge_dirs: list[str] = Field(default_factory=list)
    environments: dict[str, str] = Field(default_factory=dict)
    exclude: list[str] = Field(
        default_factory=list,
        description="Gitignore-style globs of files infraplan leaves out of this repository "
        "(on top of .gitignore): generated or rendered manifests, vendored modules.",
    )


def read_config(root: Path, confined: bool = False) -> tuple[RepoConfig, SourceMap | None]:
    """The `.infraplan.yaml` of a folder (defaults when it has none); InputError when invalid.

    `confined` (a repository's own file): a symlink out of the folder is not followed, and
    problems never quote the file's values (a repository may hold anything).
    """
    path = root / CONFIG_NAME
    display = CONFIG_NAME if confined else str(path)
    if not path.is_symlink() and not path.exists():
        return RepoConfig(), None
    if confined:
        try:
            target, base = path.resolve(strict=True), root.resolve(strict=True)
        except (OSError, RuntimeError):
            raise InputError(
                [Problem(display, 0, 0, "dangling or looping symlink: not read")]
            ) from None
        if not target.is_relative_to(base):
            raise InputError(
                [Problem(display, 0, 0, "symlink points outside the repository: not read")]
            )
    data, smap = load_file(path, display)
    return validate(RepoConfig, data or {}, smap, echo=not confined), smap


def _folders(
    root: Path, config: RepoConfig, smap: SourceMap | None, confined: bool
) -> tuple[dict[str, list[Path]], list[Problem]]:
    found: dict[str, list[Path]] = {"rules_dirs": [], "knowledge_dirs": []}
    problems: list[Problem] = []
    base = root.resolve()
    for key, target in found.items():
        for i, rel in enumerate(getattr(config, key)):
            folder = (root / rel).resolve()
            assert smap is not None
            if confined and not folder.is_relative_to(base):
                problems.append(smap.problem((key, i), "folder outside the repository: not used"))
            elif not folder.is_dir():
                where = "not found" if confined else f'"{rel}" not found'
                problems.append(
                    smap.problem((key, i), f"folder {where} (relative to {CONFIG_NAME})")
                )
            elif folder not in target:
                target.append(folder)
    return found, problems


def overlay_dirs(root: Path, confined: bool = False) -> tuple[list[Path], list[Path]]:
    """The rule and knowledge overlay folders a config names, resolved against its folder.

    A folder that does not exist is an error naming the config file. A repository's own config
    (`confined`) never fails the run: its problems are that repository's diagnostics (see
    `repository_config`), and only its valid folders inside the repository are used.
    """
    try:
        config, smap = read_config(root, confined)
    except InputError:
        if confined:
            return [], []
        raise
    found, problems = _folders(root, config, smap, confined)
    if problems and not confined:
        raise InputError(problems)
    return found["rules_dirs"], found["knowledge_dirs"]


def repository_config(root: Path, knowledge: ReadsEstate) -> RepoConfig:
    """A repository's config with its environment aliases checked against the knowledge.

    Problems name `.infraplan.yaml` and never quote its values.
    """
    config, smap = read_config(root, confined=True)
    known = {e.id for e in knowledge.environments}
    problems = [
        smap.problem(
            ("environments", alias),
            f"not an environment; expected one of {', '.join(sorted(known))}",
        )
        for alias, env in config.environments.items()
        if env not in known and smap is not None
    ]
    problems += _folders(root, config, smap, confined=True)[1]
    if problems:
        raise InputError(problems)
    return config
