"""The compiled knowledge base, cached: `check` runs on every commit, and loading 80 YAML files
with their line numbers and cross-checking them costs more than everything else it does.

The cache can never be stale: its key is a digest of every file under the knowledge and rules
folders (with their paths, which name sources in messages), of every module of the engine (its
size, inode and times: engine_code in engine/core/picklefile.py), of the Python and tool
versions and of the INFRAPLAN_MAX_* limits in effect. Only a knowledge base that loaded without
error is cached, so errors are always reported from the files themselves.

It holds knowledge and rules only (and the table sentences are read with, built from the
knowledge: engine/spec/text.py), never a spec, a repository or a secret. It is a pickle, read
and written by engine/core/picklefile.py: only from a regular file the current user owns that
nobody else may write, only when its checksum holds (a damaged or foreign file is a miss:
loaded again and rewritten).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from engine.core.picklefile import add_files, engine_code, read_pickle, write_pickle
from engine.core.plainmodel import refuse
from engine.core.resources import bundled
from engine.knowledge.model import Knowledge

if TYPE_CHECKING:  # the rules' code loads only where rules are used (not for facts)
    from engine.decide.base import KnowledgeBase


def _tree(digest: hashlib._Hash, root: Path) -> bool:
    """Add a folder's files (paths and contents) to the digest; False when it is no folder."""
    if not root.is_dir():
        return False
    # as given and resolved: both can show in the names of sources
    digest.update(f"dir\0{root}\0{root.resolve()}\0".encode())
    add_files(digest, root)
    return True


def cache_key(rules_dirs: list[Path] | None, knowledge_dirs: list[Path]) -> str | None:
    """The digest of everything a loaded knowledge base depends on; None when not cacheable."""
    from engine.core import limits

    digest = hashlib.sha256(f"{engine_code()}\0{limits.current()!r}\0".encode())
    for label, dirs in (("knowledge", knowledge_dirs), ("rules", rules_dirs)):
        digest.update(label.encode() + (b"\0" if dirs is not None else b"-none\0"))
        if dirs is None:  # the knowledge alone
            continue
        for root in [bundled(label), *dirs]:
            if not _tree(digest, root):
                return None  # a missing folder is an error, reported by the loader
    return digest.hexdigest()


def cached_knowledge_base(
    rules_dirs: list[Path], knowledge_dirs: list[Path], cache_dir: Path | None
) -> KnowledgeBase:
    """The knowledge base, from the cache when every input is unchanged, else loaded (and cached)."""
    from engine.decide.base import KnowledgeBase, load_knowledge_base

    key = cache_key(rules_dirs, knowledge_dirs) if cache_dir is not None else None
    if cache_dir is None or key is None:
        refuse("the knowledge base is not cached")
        return load_knowledge_base(rules_dirs, knowledge_dirs)
    from engine.spec import terms

    path = cache_dir / f"knowledge-{key[:32]}.pickle"
    entry = read_pickle(path, key)
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], KnowledgeBase):
        kb, tables = entry
        terms.remember_tables(tables)
        return kb
    refuse("the knowledge base is not cached yet")  # a plain run never writes the cache
    kb = load_knowledge_base(rules_dirs, knowledge_dirs)
    # with what is built from it for every request: the table sentences are read with
    write_pickle(path, key, (kb, terms.reading_tables(kb.knowledge)))
    return kb


def cached_knowledge(knowledge_dirs: list[Path], cache_dir: Path | None) -> Knowledge:
    """The knowledge alone (for `brief`, `schema`, `knowledge` and `rules`), cached the same way."""
    key = cache_key(None, knowledge_dirs) if cache_dir is not None else None
    if cache_dir is None or key is None:
        from engine.knowledge.load import load_knowledge

        return load_knowledge([bundled("knowledge"), *knowledge_dirs])
    path = cache_dir / f"knowledge-only-{key[:32]}.pickle"
    knowledge = read_pickle(path, key)
    if not isinstance(knowledge, Knowledge):
        from engine.knowledge.load import load_knowledge

        knowledge = load_knowledge([bundled("knowledge"), *knowledge_dirs])
        write_pickle(path, key, knowledge)
    return knowledge
