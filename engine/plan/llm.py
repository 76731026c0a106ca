"""Drafting prose with a language model (optional, `--llm MODEL`).

A model may redraft the template prose's sections: the prompt holds the decisions, the pattern
and the names and paths of the integration points — never file contents, and every value that
looks like a secret is redacted. Drafts are marked (model and prompt digest), cached by prompt
digest so a re-render is byte-identical, and any failure (timeout, error, empty or refused
answer) falls back to the template with a diagnostic. Nothing is ever parsed back out of model
text.

litellm is imported only when a model is asked for, after `LITELLM_LOCAL_MODEL_COST_MAP=True`
(otherwise importing it downloads a price list) and with its telemetry off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.core.redact import redact
from engine.plan.prose import Drafted, Prose, template_prose, value_text


@dataclass(frozen=True)
class LLMOptions:
    model: str
    base_url: str = ""
    timeout: float = 60.0
    cache_dir: Path | None = None
    cache_only: bool = False
    api_key: str = ""


SYSTEM = (
    "You write short, precise prose for an infrastructure change plan. The decisions are final: "
    "restate them, never change or add decisions, values, files or steps. Plain sentences, no "
    "headings, no lists unless asked, no more than 120 words."
)


def _facts_for_prompt(plan: Any) -> str:
    """What a model may see: decisions with reasons, the pattern, integration point names/paths."""
    lines = [
        f"Enhancement: {plan.enhancement.name} ({plan.enhancement.category}, scope {plan.enhancement.scope})"
    ]
    if plan.enhancement.summary:
        lines.append(f"Request: {plan.enhancement.summary}")
    if plan.pattern:
        lines.append(f"Pattern: {plan.pattern.title} — {plan.pattern.id}")
    for dim, decision in plan.decisions.items():
        reasons = "; ".join(sorted({t.because for t in decision.trace}))[:400]
        lines.append(f"Decision {dim} = {value_text(plan, dim)} (because: {reasons})")
    for point in plan.integration_points[:30]:
        lines.append(f"Integration point: {point.id} — {point.what}")
    for finding in plan.findings[:10]:
        lines.append(f"Finding: {finding.message}")
    return "\n".join(lines)


def prompts(plan: Any) -> dict[str, str]:
    base = _facts_for_prompt(plan)
    out = {
        "summary": f"{base}\n\nWrite the executive summary of this plan for an engineering manager (3-5 sentences)."
    }
    for stage in plan.stages:
        tasks = "; ".join([*stage.specific, *(t for g in stage.groups for t in g.tasks)][:12])
        out[f"stage:{stage.id}"] = (
            f"{base}\n\nStage {stage.number}: {stage.title} ({stage.timebox}), agents {', '.join(stage.agents)}. Tasks: {tasks}\n\nWrite a short narrative of this stage for the engineers doing it."
        )
    steps = "\n".join(
        f"{s.order}. [{s.stage}] {s.action} | validate: {s.validation} | rollback: {s.rollback}"
        for s in plan.rollout_steps
    )
    out["runbook:rollout"] = (
        f"{base}\n\nRollout steps:\n{steps}\n\nRewrite these steps as runbook wording for the on-call engineer, keeping their order and numbers."
    )
    back = "\n".join(f"{s.order}. {s.rollback}" for s in plan.rollback_steps)
    out["runbook:rollback"] = (
        f"{base}\n\nRollback steps, in order:\n{back}\n\nRewrite these as rollback runbook wording, keeping their order and numbers."
    )
    return {key: redact(text) for key, text in out.items()}


_REFUSAL = re.compile(r"^\s*(i('m| am)? (sorry|unable|not able)|i can(no|')t|as an ai)", re.I)


class DraftFailed(Exception):
    pass


def _cache_path(options: LLMOptions, digest: str) -> Path | None:
    if options.cache_dir is None:
        return None
    return (
        options.cache_dir
        / "llm"
        / f"{hashlib.sha256((options.model + chr(0) + digest).encode()).hexdigest()}.json"
    )


def _call(options: LLMOptions, prompt: str) -> str:
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # before the import: no price list download
    os.environ.setdefault("LITELLM_TELEMETRY", "False")
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    litellm.drop_params = True
    try:
        response = litellm.completion(
            model=options.model,
            api_base=options.base_url or None,
            api_key=options.api_key or os.environ.get("INFRAPLAN_LLM_API_KEY") or "not-needed",
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}],
            temperature=0,
            timeout=options.timeout,
            num_retries=0,
        )
    except Exception as exc:  # litellm raises many types; every one is a fallback, never fatal
        raise DraftFailed(
            f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        ) from None
    try:
        text = response.choices[0].message.content or ""
    except (AttributeError, IndexError, KeyError, TypeError):
        raise DraftFailed("the answer has no text") from None
    text = text.strip()
    if not text:
        raise DraftFailed("the answer was empty")
    if _REFUSAL.match(text):
        raise DraftFailed("the model refused")
    return text


def draft(plan: Any, options: LLMOptions) -> tuple[Prose, list[str]]:
    """Template prose with the sections a model drafted swapped in; diagnostics for the rest."""
    prose = template_prose(plan)
    diagnostics: list[str] = []
    asked = prompts(plan)
    sections = []
    for section in prose.sections:
        prompt = asked.get(section.id)
        if prompt is None:
            sections.append(section)
            continue
        digest = hashlib.sha256(f"{SYSTEM}\n\n{prompt}".encode()).hexdigest()
        cache = _cache_path(options, digest)
        text = ""
        if cache is not None and cache.is_file():
            try:
                text = json.loads(cache.read_text(encoding="utf-8"))["text"]
            except (OSError, ValueError, KeyError):
                text = ""
        if not text and options.cache_only:
            diagnostics.append(
                f"llm: {section.id}: not in the cache (--llm-cache-only); template prose used"
            )
        elif not text:
            try:
                text = _call(options, prompt)
            except DraftFailed as exc:
                diagnostics.append(f"llm: {section.id}: {exc}; template prose used")
            else:
                if cache is not None:
                    try:
                        cache.parent.mkdir(parents=True, exist_ok=True)
                        cache.write_text(
                            json.dumps(
                                {"model": options.model, "prompt_sha256": digest, "text": text},
                                ensure_ascii=False,
                            ),
                            encoding="utf-8",
                        )
                    except OSError as exc:
                        diagnostics.append(
                            f"llm: cannot write the draft cache: {exc.strerror or exc}"
                        )
        if text:
            section = section.model_copy(
                update={
                    "text": text,
                    "drafted_by": Drafted(model=options.model, prompt_sha256=f"sha256:{digest}"),
                }
            )
        sections.append(section)
    return Prose(sections=sections), diagnostics


def with_drafts(plan: Any, options: LLMOptions) -> Any:
    """The plan with model-drafted prose, and a diagnostic for each section that fell back."""
    from engine.estate.discover import Diagnostic

    prose, problems = draft(plan, options)
    return plan.model_copy(
        update={
            "prose": prose,
            "diagnostics": [
                *plan.diagnostics,
                *(Diagnostic(repo="", path="", reason=p) for p in problems),
            ],
        }
    )
