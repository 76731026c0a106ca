"""Glob matching for patterns written in repositories (.gitignore, CODEOWNERS), in linear time.

A pattern comes from a repository, so it may be hostile: `*a*a*a*a*a*a*a*a*b` turned into a
backtracking regular expression takes exponential time on a long name. Here a pattern is split
into path segments (`**` or one component's glob); a component's glob becomes a regular
expression that cannot backtrack: the literal runs between stars are matched at their leftmost
place inside atomic groups, which is exact for globs. Segments are matched against a path's
components by a small state set, so `**` costs no backtracking either.

The semantics are pathspec's GitIgnoreSpec (git's): a pattern without a slash matches at any
depth, a trailing slash matches folders only, a match on a folder covers what is inside it, the
last matching pattern decides, and a pattern that matches a file itself outranks one that only
matches a folder holding it.

CODEOWNERS has thousands of rules in large organisations; `OwnerIndex` finds the last matching
rule by looking only at rules that share a literal word (a whole component, its start or its
end) with the path, so 50,000 rules over 2,000 files take seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

_GLOB_CHARS = set("*?[\\")
MAX_PATTERN = 4096  # PATH_MAX: no longer path exists to match


def _bracket_end(glob: str, start: int) -> int:
    """The index of the `]` closing the bracket expression opened at `start`, or -1."""
    j, end = start + 1, len(glob)
    if j < end and glob[j] in "!^":
        j += 1
    if j < end and glob[j] == "]":
        j += 1
    return glob.find("]", j) if j < end else -1


def _translate_chunk(chunk: str) -> str | None:
    """A star-free glob run as a regex of fixed-width atoms; None for an unclosed bracket (git
    ignores such a pattern)."""
    if not _GLOB_CHARS.intersection(chunk):
        return re.escape(chunk)
    out, i, end = [], 0, len(chunk)
    while i < end:
        c = chunk[i]
        i += 1
        if c == "\\":
            if i < end:
                out.append(re.escape(chunk[i]))
                i += 1
            else:
                return None  # a trailing backslash escapes nothing: an invalid pattern
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = _bracket_end(chunk, i - 1)
            if j == -1:
                return None
            inner = chunk[i:j]
            negate = inner[:1] in {"!", "^"}
            if negate:
                inner = inner[1:]
            out.append("[" + ("^" if negate else "") + inner.replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(c))
    return "".join(out)


def _split_stars(glob: str) -> list[str]:
    """The runs of a glob between unescaped stars outside brackets (as pathspec reads them)."""
    runs, current, i, end = [], [], 0, len(glob)
    while i < end:
        c = glob[i]
        if c == "\\" and i + 1 < end:
            current.append(glob[i : i + 2])
            i += 2
            continue
        if c == "[" and (j := _bracket_end(glob, i)) != -1:
            current.append(glob[i : j + 1])
            i = j + 1
            continue
        if c == "*":
            runs.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    runs.append("".join(current))
    return runs


def component_source(glob: str) -> str | None:
    """The regex of one path component's glob, without backtracking between stars:
    `a*b*c` → `a(?>[^/]*?b)[^/]*c`. None for a glob git ignores (a bad bracket)."""
    parts = [_translate_chunk(r) for r in _split_stars(glob)]
    if any(p is None for p in parts):
        return None
    regex = parts[0] or ""
    if len(parts) > 1:
        regex += "".join(f"(?>[^/]*?{p})" for p in parts[1:-1] if p) + "[^/]*" + (parts[-1] or "")
    return regex


def _compile(source: str | None) -> re.Pattern[str] | None:
    if source is None:
        return None
    try:
        return re.compile(source)
    except re.error:  # a bracket no regex accepts (`[z-a]`): the segment matches nothing
        return re.compile(r"(?!)")


@dataclass(frozen=True)
class GlobPattern:
    """One gitignore-style line, parsed: its segments, and what it means."""

    text: str
    segments: tuple[str, ...]  # "**" or one component's glob
    include: bool  # False for a `!negated` pattern
    dir_only: bool  # a trailing slash
    kind: str = "segments"  # or "any" (matches every path), "nested" (any path with a slash)
    # one component regex per segment (None for `**` and `*`), compiled on first use
    sources: tuple[str | None, ...] = ()

    @cached_property
    def regexes(self) -> tuple[re.Pattern[str] | None, ...]:
        """None for `**`, `*` and a literal segment (compared as it is)."""
        return tuple(_compile(source) for source in self.sources)

    def match(self, path: str) -> int:
        """0: no match; 1: matches a folder holding the path; 2: matches the path itself.

        A folder is given with a trailing slash (`docs/`)."""
        return _match(self, path)


def parse(line: str) -> GlobPattern | None:
    """A pattern line, or None for a blank line, a comment, a pattern git ignores, or one longer
    than any path (MAX_PATTERN: it can match nothing, and compiling it would cost seconds)."""
    text = line if line.endswith("\\ ") else line.rstrip()
    if not text or text.startswith("#") or text == "/" or len(text) > MAX_PATTERN:
        return None
    include = not text.startswith("!")
    body = text if include else text[1:]
    segs = body.split("/")
    dir_only = not segs[-1]
    if not segs[0]:
        del segs[0]
    elif (len(segs) == 1 or (len(segs) == 2 and not segs[1])) and segs[0] != "**":
        segs.insert(0, "**")  # no slash inside: matches at any depth
    if not segs:
        return None
    if not segs[-1]:
        segs[-1] = "**"
    collapsed = [s for i, s in enumerate(segs) if not (s == "**" and i > 0 and segs[i - 1] == "**")]
    if collapsed in (["**"], ["**", "*"]):
        kind = "nested" if collapsed == ["**"] and dir_only else "any"
        return GlobPattern(text, tuple(collapsed), include, dir_only, kind)
    if collapsed == ["**", "*", "**"]:
        return GlobPattern(text, tuple(collapsed), include, dir_only, "nested")
    sources = tuple(
        None if s in {"**", "*"} or not _GLOB_CHARS.intersection(s) else component_source(s)
        for s in collapsed
    )
    if any(
        r is None and s not in {"**", "*"} and _GLOB_CHARS.intersection(s)
        for r, s in zip(sources, collapsed, strict=True)
    ):
        return None
    return GlobPattern(text, tuple(collapsed), include, dir_only, sources=sources)


def _match(p: GlobPattern, path: str) -> int:
    if p.kind == "any":
        return 2 if path else 0
    if p.kind == "nested":
        return (1 if p.dir_only else 2) if "/" in path else 0
    # a folder's trailing slash leaves an empty last component, which only a segment glob that
    # matches nothing (`***`) can take (as pathspec's regular expressions do)
    parts = path.split("/")
    n, segs = len(parts), p.segments
    last = len(segs) - 1
    states = {0}
    best = 0
    for k in range(n + 1):
        frontier = set(states)
        for i in states:  # a leading or inner `**` may match no component
            j = i
            while j < last and segs[j] == "**":
                frontier.add(j + 1)
                j += 1
        for i in frontier:
            if i == last + 1:  # every segment matched components 0..k-1
                best = max(best, 2 if k == n else 1)
            elif i == last and segs[i] == "**" and last > 0 and k < n:  # a trailing `**`
                best = max(best, 1 if p.dir_only else 2)
        if best == 2 or k == n:
            break
        part, following = parts[k], set()
        for i in frontier:
            if i > last:
                continue
            seg = segs[i]
            if seg == "**":
                if i < last and part:
                    following.add(i)  # consumes this component and stays
            elif (
                bool(part)
                if seg == "*"
                else seg == part
                if (regex := p.regexes[i]) is None
                else regex.fullmatch(part) is not None
            ):
                following.add(i + 1)
        states = following
        if not states:
            break
    return best


class _Index:
    """Patterns indexed by a literal word of one of their segments — a whole component, the
    start of one or its end — so that a path is tested only against patterns that can match it.
    A pattern repeated later hides its earlier copies (the later one would decide anyway)."""

    def __init__(self, patterns: list[GlobPattern]) -> None:
        latest = {p.text: i for i, p in enumerate(patterns)}
        keys = {i: _keys(patterns[i]) for i in sorted(latest.values())}
        counts: dict[tuple[str, str], int] = {}
        for options in keys.values():
            for key in options:
                counts[key] = counts.get(key, 0) + 1
        self.exact: dict[str, list[int]] = {}
        self.prefix: dict[str, list[int]] = {}
        self.suffix: dict[str, list[int]] = {}
        self.rest: list[int] = []
        for i, options in keys.items():
            if not options:
                self.rest.append(i)
                continue
            kind, word = min(options, key=lambda k: (counts[k], k))  # the rarest word
            getattr(self, kind).setdefault(word, []).append(i)
        self.longest = max((len(w) for w in [*self.prefix, *self.suffix]), default=0)

    def candidates(self, path: str) -> list[int]:
        """The patterns that may match a path, last first."""
        found = set(self.rest)
        for part in path.split("/"):
            found.update(self.exact.get(part, ()))
            for n in range(1, min(len(part), self.longest) + 1):
                found.update(self.prefix.get(part[:n], ()))
                found.update(self.suffix.get(part[-n:], ()))
        return sorted(found, reverse=True)


class IgnoreRules:
    """The patterns of one `.gitignore`, with git's precedence (indexed like CODEOWNERS: a
    generated .gitignore may be long)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.patterns = [p for p in (parse(line) for line in lines) if p is not None]
        self.index = _Index(self.patterns)

    def check(self, path: str) -> bool | None:
        """True when ignored, False when re-included, None when no pattern speaks."""
        out: bool | None = None
        for i in self.index.candidates(path):
            p = self.patterns[i]
            rank = p.match(path)
            if rank == 2:
                return p.include  # the last pattern matching the path itself decides
            if rank == 1 and out is None:
                out = p.include  # else the last pattern matching a folder holding it
        return out


class OwnerIndex:
    """CODEOWNERS: the owners of a path are those of the last rule matching it (as on GitHub),
    looked for among the rules that share a literal word with the path."""

    def __init__(self, rules: Iterable[tuple[str, list[str]]]) -> None:
        self.rules: list[tuple[GlobPattern, list[str]]] = []
        for pattern_text, owners in rules:
            p = parse(pattern_text)
            if p is not None and p.include:  # GitHub has no negation: such a line matches nothing
                self.rules.append((p, owners))
        self.index = _Index([p for p, _ in self.rules])

    def owners(self, path: str) -> list[str]:
        for i in self.index.candidates(path):
            pattern, owners = self.rules[i]
            if pattern.match(path):
                return list(owners)
        return []


def _keys(p: GlobPattern) -> set[tuple[str, str]]:
    """Literal words a path must contain as (part of) a component for the pattern to match."""
    if p.kind != "segments":
        return set()
    keys: set[tuple[str, str]] = set()
    for seg in p.segments:
        if seg == "**":
            continue
        if not _GLOB_CHARS & set(seg):
            keys.add(("exact", seg))
            continue
        head = re.match(r"[^*?\[\\]+", seg)
        tail = re.search(r"[^*?\]\\]+$", seg)
        if head:
            keys.add(("prefix", head.group(0)))
        elif tail and "[" not in seg[tail.start() - 1 : tail.start()]:
            keys.add(("suffix", tail.group(0)))
    return keys


def matches_template(parts: list[str], text: str) -> bool:
    """Whether text is the literal parts joined by one or more characters each (a name with
    `${...}` interpolations); greedy leftmost matching, linear in the text."""
    if len(parts) == 1:
        return text == parts[0]
    first, last = parts[0], parts[-1]
    if not text.startswith(first) or len(text) < len(first) + len(last) + len(parts) - 1:
        return False
    end = len(text) - len(last)
    if not text.endswith(last):
        return False
    at = len(first)
    for middle in parts[1:-1]:
        found = text.find(middle, at + 1, end - 1)
        if found == -1:
            return False
        at = found + len(middle)
    return at + 1 <= end
