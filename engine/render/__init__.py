"""Render: one module per output format of every command, each a `render(result) -> str`.
The registries below name them; a format's module is imported only when it is used."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


class Registry(dict[str, Callable[[Any], str]]):
    """Format name → renderer, importing `engine.render.<module>` on first use."""

    def __init__(self, modules: dict[str, str]) -> None:
        super().__init__()
        self.modules = modules

    def __missing__(self, fmt: str) -> Callable[[Any], str]:
        module = importlib.import_module(f"engine.render.{self.modules[fmt]}")
        render: Callable[[Any], str] = module.render
        self[fmt] = render
        return render

    def formats(self) -> list[str]:
        return list(self.modules)


PLAN_RENDERERS = Registry({"markdown": "plan_markdown", "json": "plan_json"})
CHECK_RENDERERS = Registry(
    {"text": "check_text", "json": "check_json", "sarif": "check_sarif", "junit": "check_junit"}
)
GRAPH_RENDERERS = Registry({"mermaid": "graph_mermaid", "dot": "graph_dot", "json": "graph_json"})
FACTS_RENDERERS = Registry({"table": "facts_table", "json": "facts_json", "jsonl": "facts_jsonl"})
REPORT_RENDERERS = Registry({"markdown": "report_markdown", "json": "report_json"})
