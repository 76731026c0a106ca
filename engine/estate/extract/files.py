"""Small extractors: Helm charts and values, GitHub Actions workflows, CODEOWNERS."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from engine.core.models import Out
from engine.core.redact import strip_userinfo


class ChartDependency(Out):
    name: str
    version: str = ""
    repository: str = ""


class ChartInfo(Out):
    line: int
    name: str
    version: str = ""
    app_version: str = ""
    dependencies: list[ChartDependency] = Field(default_factory=list)


class WorkflowInfo(Out):
    line: int
    name: str = ""
    triggers: list[str] = Field(default_factory=list)
    jobs: int = 0
    uses: list[str] = Field(default_factory=list)


class OwnerRule(Out):
    line: int
    pattern: str
    owners: list[str]


def _s(v: Any) -> str:
    return "" if v is None or isinstance(v, dict | list) else str(v)


def extract_chart(docs: list[tuple[int, Any]]) -> ChartInfo | None:
    for line, data in docs:
        if isinstance(data, dict) and _s(data.get("name")):
            deps = [
                ChartDependency(
                    name=_s(d.get("name")),
                    version=_s(d.get("version")),
                    repository=strip_userinfo(_s(d.get("repository"))),
                )
                for d in data.get("dependencies") or []
                if isinstance(d, dict) and _s(d.get("name"))
            ]
            return ChartInfo(
                line=line,
                name=_s(data["name"]),
                version=_s(data.get("version")),
                app_version=_s(data.get("appVersion")),
                dependencies=deps,
            )
    return None


def extract_workflow(docs: list[tuple[int, Any]]) -> WorkflowInfo | None:
    for line, data in docs:
        if not isinstance(data, dict):
            continue
        # YAML 1.1 reads the key `on` as the boolean True
        on = data.get("on", data.get(True))
        if isinstance(on, str):
            triggers = [on]
        elif isinstance(on, list):
            triggers = [_s(t) for t in on]
        elif isinstance(on, dict):
            triggers = [str(k) for k in on]
        else:
            triggers = []
        jobs_value = data.get("jobs")
        jobs: dict[Any, Any] = jobs_value if isinstance(jobs_value, dict) else {}
        uses = set()
        for job in jobs.values():
            if not isinstance(job, dict):
                continue
            if _s(job.get("uses")):
                uses.add(strip_userinfo(_s(job["uses"])).split("@")[0])
            for step in job.get("steps") or []:
                if isinstance(step, dict) and _s(step.get("uses")):
                    uses.add(strip_userinfo(_s(step["uses"])).split("@")[0])
        return WorkflowInfo(
            line=line,
            name=_s(data.get("name")),
            triggers=sorted(triggers),
            jobs=len(jobs),
            uses=sorted(uses),
        )
    return None


def extract_codeowners(text: str) -> list[OwnerRule]:
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("\\#") else raw.strip()
        if not line:
            continue
        parts = line.split()
        rules.append(OwnerRule(line=number, pattern=parts[0], owners=parts[1:]))
    return rules
