"""`infraplan knowledge list|show`: browse the knowledge base."""

from __future__ import annotations

from engine.commands.common import emit, knowledge_only
from engine.commands.settings import Settings
from engine.core.errors import InputError, Problem, did_you_mean


def run_list(settings: Settings) -> int:
    from engine.render.text_table import columns

    k = knowledge_only(settings)
    patterns = sorted(k.patterns, key=lambda p: p.id)
    lines = ["patterns:"]
    lines += columns(
        [
            ["id", "category", "triggers"],
            *([p.id, p.category, "; ".join(p.triggers)] for p in patterns),
        ],
        indent="  ",
    )
    lines += ["", "categories:"]
    lines += columns(
        [["id", "keywords"], *([c.id, ", ".join(c.keywords) or "—"] for c in k.categories)],
        indent="  ",
    )
    lines += ["", "experts:"]
    lines += columns(
        [["id", "covers"], *([e.id, ", ".join(e.covers)] for e in k.experts)], indent="  "
    )
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
