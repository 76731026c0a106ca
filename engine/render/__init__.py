"""Renderers: one per output format, all fed the same Plan."""

from __future__ import annotations

from collections.abc import Callable

from engine.plan import Plan


def _json(plan: Plan) -> str:
    from engine.render.json_plan import render

    return render(plan)


def _markdown(plan: Plan) -> str:
    from engine.render.markdown import render

    return render(plan)


RENDERERS: dict[str, Callable[[Plan], str]] = {"json": _json, "markdown": _markdown}
