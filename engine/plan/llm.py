"""Drafting prose with a language model (optional, `--llm MODEL`).

A model may redraft the template prose's sections: the prompt holds the decisions, the pattern
and the names and paths of the integration points — never file contents, and every value that
looks like a secret is redacted. Drafts are marked (model and prompt digest), cached by prompt
digest so a re-render is byte-identical, and any failure (timeout, error, empty or refused
answer) falls back to the template with a diagnostic. Nothing is ever parsed back out of model
text, and what goes into the plan is escaped for Markdown (no raw HTML, headings or links).

Bounded: each draft has `timeout` seconds in all (not per read), all drafts of a plan share a
`deadline`, the first timeout or connection failure stops asking (a circuit breaker), an answer
is capped in tokens and bytes, and no redirect is followed (engine/plan/llm_http.py).

litellm is imported only when a model is asked for, after `LITELLM_LOCAL_MODEL_COST_MAP=True`
(otherwise importing it downloads a price list) and with its telemetry off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.core.errors import InputError
from engine.core.redact import redact
from engine.plan.prose import Drafted, Prose, template_prose, value_text


@dataclass(frozen=True)
class LLMOptions:
    model: str
    base_url: str = ""
    timeout: float = 60.0  # seconds for one draft, all of it
    deadline: float = 300.0  # seconds for all drafts of one plan
    max_tokens: int = 1024
    max_bytes: int = 200_000  # of one answer, as received
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
MAX_DRAFT_CHARS = 20_000  # of one section's text: prose, not a dump


class DraftFailed(Exception):
    pass


class ServerDown(DraftFailed):
    """A timeout or a refused connection: the circuit breaker stops asking."""


def prompt_digest(prompt: str) -> str:
    return hashlib.sha256(f"{SYSTEM}\n\n{prompt}".encode()).hexdigest()


def prompt_digests(plan: Any) -> dict[str, str]:
    """`sha256:<hex>` of the prompt each drafted section would be asked with (verify checks
    a drafted section against the plan it recomputes)."""
    return {key: f"sha256:{prompt_digest(text)}" for key, text in prompts(plan).items()}


_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_LINKISH = re.compile(r"(?i)[a-z][a-z0-9+.-]{0,30}:[^\s]|www\.")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|!~&$])")
_LINE_START = re.compile(r"^(?:([-+=])|(\d+)([.)]))")


def _link_like(token: str) -> bool:
    """A URL (`scheme:...`), a `www.` address or an e-mail address: a link in some Markdown."""
    if _LINKISH.match(token):
        return True
    user, at, host = token.rpartition("@")
    return bool(at and user and "." in host.strip(".)],;"))


def markdown_safe(text: str) -> str:
    """Model text as plain Markdown prose: no terminal escapes or control characters, no raw
    HTML, headings, lists, tables, emphasis or links (URLs and addresses become code)."""
    text = _ANSI.sub("", text.replace("\r\n", "\n"))
    text = "".join(c for c in text if c == "\n" or c.isprintable())
    out: list[str] = []
    for raw in text.split("\n"):
        pieces = []
        for token in re.split(r"([ \t]+)", raw.strip()):  # words, each looked at once
            if _link_like(token):
                pieces.append("`" + token.replace("`", "") + "`")
            else:
                pieces.append(_MARKDOWN.sub(r"\\\1", token))
        line = _LINE_START.sub(
            lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}",
            "".join(pieces),
        )
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _cache_path(options: LLMOptions, digest: str) -> Path | None:
    if options.cache_dir is None:
        return None
    return (
        options.cache_dir
        / "llm"
        / f"{hashlib.sha256((options.model + chr(0) + digest).encode()).hexdigest()}.json"
    )


def _checksum(model: str, digest: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{digest}\0{text}".encode()).hexdigest()


def cached_draft(options: LLMOptions, digest: str) -> str:
    """The cached draft of a prompt, or "" (a damaged or foreign entry is a miss)."""
    from engine.core.files import read_text

    cache = _cache_path(options, digest)
    if cache is None or not cache.is_file():
        return ""
    try:
        entry = json.loads(read_text(cache, options.max_bytes * 2 + 1000))
        text = entry["text"]
        ok = (
            isinstance(text, str)
            and entry.get("model") == options.model
            and entry.get("prompt_sha256") == digest
            and entry.get("checksum") == _checksum(options.model, digest, text)
        )
    except (InputError, ValueError, KeyError, TypeError, RecursionError):
        return ""
    return text if ok else ""


def _store(options: LLMOptions, digest: str, text: str) -> str:
    """Cache a draft; a diagnostic when the cache cannot be written, else ""."""
    from engine.core.files import write_atomic

    cache = _cache_path(options, digest)
    if cache is None:
        return ""
    entry = {
        "model": options.model,
        "prompt_sha256": digest,
        "text": text,
        "checksum": _checksum(options.model, digest, text),
    }
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache, json.dumps(entry, ensure_ascii=False))
    except (OSError, InputError) as exc:
        return f"llm: cannot write the draft cache: {exc}"
    return ""


def _call(options: LLMOptions, prompt: str, seconds: float) -> str:
    """One draft, in at most `seconds` all told."""
    from engine.plan.llm_http import Fence, FenceError, fenced, run_with_deadline

    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # before the import: no price list download
    os.environ.setdefault("LITELLM_TELEMETRY", "False")
    # no token-exchange store in the temporary folder: litellm would create and probe one in /tmp
    os.environ.setdefault("LITELLM_TOKEN_EXCHANGE_CACHE_DIR", "")
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    litellm.drop_params = True
    deadline = time.monotonic() + seconds

    def ask() -> Any:
        fenced(Fence(options.base_url, options.max_bytes, deadline))
        return litellm.completion(
            model=options.model,
            api_base=options.base_url or None,
            api_key=options.api_key or os.environ.get("INFRAPLAN_LLM_API_KEY") or "not-needed",
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}],
            temperature=0,
            max_tokens=options.max_tokens,
            timeout=seconds,
            num_retries=0,
            max_retries=0,
        )

    try:
        response = run_with_deadline(ask, seconds)
    except TimeoutError as exc:
        raise ServerDown(f"timed out ({exc})") from None
    except Exception as exc:  # litellm raises many types; every one is a fallback, never fatal
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        # what litellm wraps: the fence's refusal, a refused connection
        chain: list[BaseException] = []
        cause: BaseException | None = exc
        while cause is not None and len(chain) < 20:
            chain.append(cause)
            cause = cause.__cause__ or cause.__context__
        fence = next((c for c in chain if isinstance(c, FenceError)), None)
        if fence is not None:
            raise DraftFailed(str(fence)) from None
        down = (
            any(
                isinstance(c, ConnectionError | TimeoutError)
                or any(w in type(c).__name__.lower() for w in ("timeout", "connect"))
                for c in chain
            )
            or "connection error" in message.lower()
        )
        raise (ServerDown if down else DraftFailed)(f"{type(exc).__name__}: {message}") from None
    try:
        text = response.choices[0].message.content or ""
    except (AttributeError, IndexError, KeyError, TypeError):
        raise DraftFailed("the answer has no text") from None
    if not isinstance(text, str):
        raise DraftFailed("the answer has no text")
    text = text.strip()
    if not text:
        raise DraftFailed("the answer was empty")
    if len(text) > MAX_DRAFT_CHARS:
        raise DraftFailed(f"the answer is longer than {MAX_DRAFT_CHARS} characters")
    if _REFUSAL.match(text):
        raise DraftFailed("the model refused")
    return text


def draft(plan: Any, options: LLMOptions) -> tuple[Prose, list[str]]:
    """Template prose with the sections a model drafted swapped in; diagnostics for the rest."""
    prose = template_prose(plan)
    diagnostics: list[str] = []
    asked = prompts(plan)
    sections = []
    deadline = time.monotonic() + options.deadline
    down = ""  # why the circuit breaker opened
    for section in prose.sections:
        prompt = asked.get(section.id)
        if prompt is None:
            sections.append(section)
            continue
        digest = prompt_digest(prompt)
        text = cached_draft(options, digest)
        left = deadline - time.monotonic()
        if text:
            pass
        elif options.cache_only:
            diagnostics.append(
                f"llm: {section.id}: not in the cache (--llm-cache-only); template prose used"
            )
        elif down:
            diagnostics.append(f"llm: {section.id}: not asked ({down}); template prose used")
        elif left < 1:
            down = f"the deadline of {options.deadline:g} s for all drafts passed"
            diagnostics.append(f"llm: {section.id}: not asked ({down}); template prose used")
        else:
            try:
                text = _call(options, prompt, min(options.timeout, left))
            except ServerDown as exc:
                down = f"the model server failed earlier: {exc}"
                diagnostics.append(f"llm: {section.id}: {exc}; template prose used")
            except DraftFailed as exc:
                diagnostics.append(f"llm: {section.id}: {exc}; template prose used")
            else:
                problem = _store(options, digest, text)
                if problem:
                    diagnostics.append(problem)
        if text:
            section = section.model_copy(
                update={
                    "text": markdown_safe(text),
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
