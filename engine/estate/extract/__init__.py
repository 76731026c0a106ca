"""Extract: one extractor per file format, each turning a file's text into typed facts.

What an extractor returns depends only on the file's content, so it is cached by content
digest and EXTRACTOR_VERSION (engine/estate/cache.py); everything that depends on where a file lies
(repository, environment, cluster, owners, namespace) is added afterwards (engine/estate/resolve.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from pydantic import Field

from engine.core.models import Out
from engine.estate.extract.files import (
    ChartInfo,
    OwnerRule,
    WorkflowInfo,
    extract_chart,
    extract_codeowners,
    extract_workflow,
)
from engine.estate.extract.kinds import KubeDoc
from engine.estate.extract.kubernetes import (
    PLACEHOLDER,
    commented_entries,
    header_docs,
    kustomize_doc,
    object_doc,
)
from engine.estate.extract.terraform import TerraformBlock, extract_terraform, extract_tfvars
from engine.estate.extract.tflock import extract_lock
from engine.estate.extract.yamldocs import load_documents

# Bump when any extractor's output changes: cached facts of older versions are ignored.
EXTRACTOR_VERSION = "4"


class FileProblem(Out):
    line: int
    reason: str


class FileExtract(Out):
    """What one file says, independent of where it lies (not a rule fact: see engine/facts)."""

    kind: str
    documents: int = 0
    objects: list[KubeDoc] = Field(default_factory=list)
    terraform: list[TerraformBlock] = Field(default_factory=list)
    tfvars: list[str] = Field(default_factory=list)
    tfvars_values: dict[str, str] = Field(default_factory=dict)  # versions, switches, environments
    tfvars_lines: dict[str, int] = Field(default_factory=dict)  # the line each value is set on
    chart: ChartInfo | None = None
    values_keys: list[str] = Field(default_factory=list)
    workflow: WorkflowInfo | None = None
    owners: list[OwnerRule] = Field(default_factory=list)
    problems: list[FileProblem] = Field(default_factory=list)


def _problems(items: list[tuple[int, str]]) -> list[FileProblem]:
    return [FileProblem(line=line, reason=reason) for line, reason in items]


_RENDERED = re.compile(r"(?m)^# Source: [^/\n]+/templates/")


def _yaml(kind: str, text: str, name: str) -> FileExtract:
    docs, problems = load_documents(text)
    if problems and PLACEHOLDER.search(text):
        # a template that is not YAML (`name: {{ values.x }}`): its header lines say what it makes
        templates = header_docs(text)
        if templates:
            note = (
                templates[0].line,
                "a template, not valid YAML: its objects are read from their header lines",
            )
            return FileExtract(
                kind=kind, documents=len(templates), objects=templates, problems=_problems([note])
            )
    objects: list[KubeDoc] = []
    is_kustomization = name in {"kustomization.yaml", "kustomization.yml", "Kustomization"}
    rendered = bool(_RENDERED.search(text))
    for line, data in docs:
        if not isinstance(data, dict):
            continue
        try:
            if is_kustomization and not data.get("kind"):
                objects.append(kustomize_doc(line, data, commented_entries(text)))
                continue
            doc = object_doc(line, data)
        except (ValueError, TypeError, RecursionError) as exc:
            problems.append((line, f"cannot read object: {type(exc).__name__}"))
            continue
        if doc is not None:
            if doc.detail is not None and doc.detail.type == "kustomize":
                doc = doc.model_copy(
                    update={
                        "detail": doc.detail.model_copy(
                            update={"commented": commented_entries(text)}
                        )
                    }
                )
            objects.append(doc.model_copy(update={"rendered": True}) if rendered else doc)
    return FileExtract(
        kind=kind, documents=len(docs), objects=objects, problems=_problems(problems)
    )


def _terraform(kind: str, text: str, name: str) -> FileExtract:
    blocks, problems = extract_terraform(text)
    return FileExtract(kind=kind, terraform=blocks, problems=_problems(problems))


def _tfvars(kind: str, text: str, name: str) -> FileExtract:
    names, values, lines, problems = extract_tfvars(text)
    return FileExtract(
        kind=kind,
        tfvars=names,
        tfvars_values=values,
        tfvars_lines=lines,
        problems=_problems(problems),
    )


def _lock(kind: str, text: str, name: str) -> FileExtract:
    blocks, problems = extract_lock(text)
    return FileExtract(kind=kind, terraform=blocks, problems=_problems(problems))


def _chart(kind: str, text: str, name: str) -> FileExtract:
    docs, problems = load_documents(text)
    chart = extract_chart(docs)
    if chart is None and not problems:
        problems.append((1, "Chart.yaml without a chart name"))
    return FileExtract(kind=kind, documents=len(docs), chart=chart, problems=_problems(problems))


def _values(kind: str, text: str, name: str) -> FileExtract:
    docs, problems = load_documents(text)
    keys = sorted({str(k) for _, data in docs if isinstance(data, dict) for k in data})
    return FileExtract(
        kind=kind, documents=len(docs), values_keys=keys, problems=_problems(problems)
    )


def _workflow(kind: str, text: str, name: str) -> FileExtract:
    docs, problems = load_documents(text)
    return FileExtract(
        kind=kind,
        documents=len(docs),
        workflow=extract_workflow(docs),
        problems=_problems(problems),
    )


def _codeowners(kind: str, text: str, name: str) -> FileExtract:
    return FileExtract(kind=kind, owners=extract_codeowners(text))


EXTRACTORS: dict[str, Callable[[str, str, str], FileExtract]] = {
    "yaml": _yaml,
    "terraform": _terraform,
    "tfvars": _tfvars,
    "terraform-lock": _lock,
    "chart": _chart,
    "helm-values": _values,
    "workflow": _workflow,
    "codeowners": _codeowners,
}


def extract(kind: str, data: bytes, path: str) -> FileExtract:
    """Run the extractor for `kind` over a file's bytes. Never raises for bad content."""
    if b"\x00" in data[:8192]:
        return FileExtract(
            kind=kind, problems=[FileProblem(line=0, reason="binary file (NUL bytes): skipped")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return FileExtract(
            kind=kind,
            problems=[
                FileProblem(
                    line=data.count(b"\n", 0, exc.start) + 1,
                    reason=f"not UTF-8 text (byte {exc.start}): skipped",
                )
            ],
        )
    try:
        return EXTRACTORS[kind](kind, text, PurePosixPath(path).name)
    except RecursionError:
        return FileExtract(
            kind=kind, problems=[FileProblem(line=0, reason="nested too deeply to read: skipped")]
        )
    except Exception as exc:  # an extractor bug must not stop a run over a whole estate
        return FileExtract(
            kind=kind,
            problems=[FileProblem(line=0, reason=f"extractor failed: {type(exc).__name__}")],
        )
