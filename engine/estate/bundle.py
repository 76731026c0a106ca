"""Facts bundles: one repository's facts as read, in one file, so that each repository's own CI
job reads it and one planning job plans from all of them without checking any out.

    infraplan facts REPO --bundle -o repo.facts.json     # in the repository's CI
    infraplan plan SPEC --facts a.facts.json --facts b.facts.json [--repo ...]

A bundle is `RepoFacts` (engine/estate/read.py: exactly what the rest of the scan takes from a
repository) with who made it: the tool and extractor versions, and the repository's commit when
it is a git work tree. Every file is named with its content digest. It is written as canonical
JSON, so the same repository read by the same infraplan gives the same bytes, and a plan
records each bundle by the sha256 of those bytes (content-addressed). It holds extracted facts
only, which never include secret values (see docs/facts.md).

A bundle from another bundle format, tool version or extractor code is refused (exit 2) rather
than read differently from a fresh scan.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import ValidationError

from engine.core.errors import InputError, Problem
from engine.core.files import read_bytes
from engine.core.models import Out
from engine.estate.cache import extractor_code
from engine.estate.discover import plain_name, plain_text
from engine.estate.extract import EXTRACTOR_VERSION
from engine.estate.gitls import git_commit
from engine.estate.read import RepoFacts, repository_digest

BUNDLE_FORMAT = "infraplan-facts-bundle"  # the `format` of every bundle
BUNDLE_VERSION = 1
MAX_BUNDLE_BYTES = 2_000_000_000


class Bundle(Out):
    """One repository's facts as read, and what read them (`infraplan facts REPO --bundle`)."""

    format: Literal["infraplan-facts-bundle"] = "infraplan-facts-bundle"
    bundle_version: int = BUNDLE_VERSION
    tool_version: str
    extractor_version: str
    extractor_code: str  # a digest of the extractors' source: facts depend on it
    repository: str
    commit: str | None = None  # HEAD of the repository's git work tree, when it is one
    repository_digest: str  # the repository's digest in plans (paths and content digests)
    repo: RepoFacts


class LoadedBundle(Out):
    """A bundle read from a file, with the digest of its bytes."""

    path: str
    digest: str
    bundle: Bundle


def _versions() -> tuple[str, str, str]:
    from engine import __version__

    return __version__, EXTRACTOR_VERSION, extractor_code()


def make_bundle(repo: RepoFacts, root: Path) -> str:
    """The bundle of a repository as read, as canonical JSON text."""
    tool, version, code = _versions()
    bundle = Bundle(
        tool_version=tool,
        extractor_version=version,
        extractor_code=code,
        repository=repo.name,
        commit=git_commit(root),
        repository_digest=repository_digest(repo),
        repo=repo,
    )
    return json.dumps(bundle.model_dump(mode="json"), sort_keys=True, separators=(",", ":")) + "\n"


def _refuse(path: str, message: str) -> InputError:
    return InputError([Problem(path, 0, 0, message)])


def _unusable(bundle: Bundle) -> str:
    """Why a bundle's repository name or a file path cannot be used as one, else ""."""
    repo = bundle.repository
    if not plain_name(repo):
        return f"repository name {repo!r} (as --repo takes one: no '=', no control characters)"
    for f in bundle.repo.files:
        parts = PurePosixPath(f.path).parts
        if not f.path or not plain_text(f.path) or f.path.startswith("/") or ".." in parts:
            return f"file path {f.path!r} (relative to the repository, inside it, one line)"
    return ""


def load_bundle(path: Path) -> LoadedBundle:
    """A bundle, checked: its format, the tool and extractors that made it, its content."""
    name = str(path)
    data = read_bytes(path, MAX_BUNDLE_BYTES)
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError):
        raise _refuse(name, "not an infraplan facts bundle (not JSON)") from None
    if not isinstance(raw, dict) or raw.get("format") != BUNDLE_FORMAT:
        raise _refuse(name, "not an infraplan facts bundle (`infraplan facts REPO --bundle`)")
    tool, version, code = _versions()
    made = (raw.get("bundle_version"), raw.get("tool_version"))
    made_with = (raw.get("extractor_version"), raw.get("extractor_code"))
    if made != (BUNDLE_VERSION, tool) or made_with != (version, code):
        raise _refuse(
            name,
            f"a bundle of infraplan {raw.get('tool_version')} (bundle format "
            f"{raw.get('bundle_version')}, extractors {made_with[0]}-{made_with[1]}); this is "
            f"infraplan {tool} (bundle format {BUNDLE_VERSION}, extractors {version}-{code}): "
            "make it again with this version (infraplan facts REPO --bundle -o FILE)",
        )
    try:
        bundle = Bundle.model_validate(raw)
    except (ValidationError, RecursionError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else {"loc": (), "msg": ""}
        where = ".".join(str(p) for p in first["loc"])
        raise _refuse(name, f"malformed facts bundle: {where}: {first['msg']}") from None
    unusable = _unusable(bundle)
    if unusable:
        raise _refuse(name, f"malformed facts bundle: {unusable}")
    if bundle.repo.name != bundle.repository or repository_digest(bundle.repo) != (
        bundle.repository_digest
    ):
        raise _refuse(name, "malformed facts bundle: its digest does not match its files")
    digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
    return LoadedBundle(path=name, digest=digest, bundle=bundle)
