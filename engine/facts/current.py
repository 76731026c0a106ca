"""Rule facts of the current state: the subjects a request names and whether the estate runs
them (`subject`, `subjects`), how far each is from the target version (`upgrade`), the settings
of knowledge/current-state.yaml (`setting`), and the repositories a spec names (`repository`).
Absence is data: a subject not present, a count of 0, a repository not given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.facts.schema import Fact, make_fact

if TYPE_CHECKING:  # types only: `check` builds these facts without an estate
    from engine.estate.model import Estate
    from engine.match.current import SettingCount, SharedFile
    from engine.match.subject import Subject
    from engine.match.upgrade_path import UpgradePath
    from engine.spec.model import LoadedSpec

MAX_EVIDENCE = 10


def _constraints_at(path: UpgradePath, subjects: list[Subject]) -> list[str]:
    return [c.at for s in subjects if s.name == path.subject for c in s.constraints]


def current_facts(
    loaded: LoadedSpec,
    estate: Estate | None,
    subjects: list[Subject],
    paths: list[UpgradePath],
    settings: list[SettingCount],
) -> list[Fact]:
    facts = [
        make_fact(
            "subject",
            f"{s.tool}:{s.name}",
            evidence=s.evidence[:MAX_EVIDENCE],
            tool=s.tool,
            name=s.name,
            kind=s.kind,
            present=s.present,
            count=s.count,
            versions=len({i.value for i in s.installed}),
        )
        for s in subjects
    ]
    if estate is not None:
        facts.append(
            make_fact(
                "subjects",
                "request",
                named=len(subjects),
                present=sum(s.present for s in subjects),
            )
        )
    facts += [
        make_fact(
            "upgrade",
            p.subject,
            evidence=[*(i.at for i in p.installed), *(c.at for c in p.changes)][:MAX_EVIDENCE]
            or p.old_apis[:MAX_EVIDENCE]
            or _constraints_at(p, subjects)[:MAX_EVIDENCE],
            subject=p.subject,
            tool=p.tool,
            has_target=bool(p.target),
            comparable=p.comparable,
            at_target=p.at_target,
            behind=p.behind,
            hops=len(p.hops),
            objects=p.objects,
            old_apis=len(p.old_apis),
            excluded_by=len(p.excluded_by),
            changes=len(p.changes),
            changed="; ".join(c.said for c in p.changes),
        )
        for p in paths
    ]
    facts += [
        make_fact(
            "setting",
            s.name,
            evidence=s.evidence[:MAX_EVIDENCE],
            name=s.name,
            count=s.count,
            total=s.total,
            missing=max(s.total - s.count, 0),
            unset=s.unset,
        )
        for s in settings
    ]
    given = {r.name for r in estate.repos} if estate is not None else set()
    at = loaded.origin("enhancement", "repos")
    facts += [
        make_fact(
            "repository",
            name,
            origins={"name": at, "given": at},
            name=name,
            given=name in given,
        )
        for name in sorted(set(loaded.spec.enhancement.repos))
    ]
    return facts


def shared_facts(files: list[SharedFile]) -> list[Fact]:
    """A `shared` fact per group of files the change edits that more environments apply than
    asked (grouped by those environments)."""
    return [
        make_fact(
            "shared",
            f.paths[0],
            evidence=f.paths[:MAX_EVIDENCE],
            path=f.named,
            files=len(f.paths),
            merged=f.merged,
            asked=", ".join(f.asked),
            outside=len(f.outside),
            others=", ".join(f.outside),
            environments=len(f.reaches),
            reaches=", ".join(f.reaches),
        )
        for f in files
    ]
