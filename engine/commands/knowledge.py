"""`infraplan knowledge list|show`: browse the knowledge base."""

from __future__ import annotations

from engine.commands.common import emit, knowledge_only
from engine.commands.settings import Settings
from engine.core.errors import InputError, Problem, did_you_mean


def run_list(settings: Settings) -> int:
    k = knowledge_only(settings)
    patterns = sorted(k.patterns, key=lambda p: p.id)
    width = max(
        [len(p.id) for p in patterns]
        + [len(c.id) for c in k.categories]
        + [len(e.id) for e in k.experts]
    )
    category_width = max(len(p.category) for p in patterns)
    lines = ["patterns:"]
    lines += [
        f"  {p.id:<{width}} {p.category:<{category_width}} {'; '.join(p.triggers)}"
        for p in patterns
    ]
    lines += ["", "categories:"]
    lines += [f"  {c.id:<{width}} keywords: {', '.join(c.keywords) or '—'}" for c in k.categories]
    lines += ["", "experts:"]
    lines += [f"  {e.id:<{width}} {', '.join(e.covers)}" for e in k.experts]
    emit("\n".join(lines) + "\n", None)
    return 0


def run_show(settings: Settings, entry_id: str) -> int:
    import yaml

    k = knowledge_only(settings)
    entries = {
        **{e.id: ("expert", e) for e in k.experts},
        **{s.id: ("scope", s) for s in k.scopes},
        **{p.name: ("probe", p) for p in k.probes},
        **{c.id: ("category", c) for c in k.categories},
        **{p.id: ("pattern", p) for p in k.patterns},
    }
    if entry_id not in entries:
        raise InputError(
            [
                Problem(
                    "ID",
                    0,
                    0,
                    f'no pattern, category, expert, probe or scope "{entry_id}"{did_you_mean(entry_id, list(entries))}',
                )
            ]
        )
    kind, entry = entries[entry_id]
    body = yaml.safe_dump(
        entry.model_dump(mode="json", exclude_defaults=True),
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    emit(f"# {kind} {entry_id}\n{body}", None)
    return 0
