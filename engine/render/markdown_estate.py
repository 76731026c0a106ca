"""The estate in the Markdown plan: the current state the change starts from, the upgrade paths,
the integration points (with the versions they run), the impact and the objects on old APIs."""

from __future__ import annotations

from engine.match.probes import describe_left_out
from engine.plan.model import Plan
from engine.render.markdown_parts import Add, table
from engine.render.mermaid import mermaid_text


def current_state(add: Add, plan: Plan) -> None:
    if not plan.inputs.repositories:
        return
    add("## Current state")
    add("")
    if not plan.current_state:
        add(
            "No version or setting of what this change touches is declared in these "
            "repositories; confirm what runs before the first step."
        )
        add("")
        return
    add("What the estate runs today where this change lands (versions, API versions, settings).")
    add("")
    table(
        add,
        ["Subject", "Attribute", "Value", "At"],
        [[s.subject, s.attribute, s.value, f"`{s.at}`"] for s in plan.current_state],
        "Current state",
    )


def upgrades(add: Add, plan: Plan) -> None:
    if not plan.upgrades:
        return
    add("## Upgrade path")
    add("")
    for u in plan.upgrades:
        chart = "chart " if u.chart_numbered else ""
        installed = sorted({chart + i.value for i in u.installed})
        add(
            f"### {u.subject}: {', '.join(installed) or 'version not declared'} → {u.target or 'target not named'}"
        )
        add("")
        # each installation's own hops, when they differ from one installation to another
        own = len({tuple(i.hops) for i in u.installed}) > 1
        for i in u.installed:
            hops = f": {'; '.join(i.hops) or 'at the target'}" if own else ""
            add(
                f"- Installed: {chart}{i.value}{' on ' + i.where if i.where else ''} (`{i.at}`)"
                + hops
            )
        if not u.target:
            add(
                "- Target: not named; name it in the spec (`enhancement.target_version`) to get the hops."
            )
        elif u.chart_numbered:
            add(
                f"- Target: {u.target}; the chart is numbered apart from {u.subject}: find the chart version that ships {u.target} in its release notes."
            )
        elif not u.comparable:
            add(f"- Target: {u.target}; no installed version to compare it with.")
        if u.at_target:
            add("- Already at or past the target everywhere: nothing to upgrade.")
        if u.hops:
            lowest = " (from the lowest installed version)" if own else ""
            add(f"- Hops, one at a time{lowest}: " + "; ".join(u.hops))
        for n in u.notes:
            add(f"- {n.version}: {n.note}")
        if not u.notes and u.target:
            add("- Migration notes: none known between these versions; read the release notes.")
        if u.old_apis:
            add(
                f"- Deprecated or removed APIs: {len(u.old_apis)} object(s) (listed under Upgrade findings)."
            )
        elif u.objects:
            add(f"- Deprecated or removed APIs: none found among its {u.objects} object(s).")
        else:
            add("- Deprecated or removed APIs: none found (no object of it in these repositories).")
        if u.order:
            add("- Order: " + " → ".join(u.order) + ".")
        for c in u.changes:
            add(f"- Changes with the major version: {c.said} — {c.why}.")
        for check in u.checks:
            add(f"- For the major hop: {check}.")
        add("")


def integration_points(add: Add, plan: Plan) -> None:
    if not plan.integration_points:
        return
    add("## Integration points")
    add("")
    table(
        add,
        ["Where", "What", "Version", "Found by", "Environments", "Owners"],
        [
            [
                f"`{p.id}`",
                p.what,
                p.version or "—",
                ", ".join(p.probes),
                ", ".join(p.environments) or ", ".join(p.clusters) or "—",
                ", ".join(p.owners) or "—",
            ]
            for p in plan.integration_points
        ],
        "Integration points",
    )


def impact(add: Add, plan: Plan) -> None:
    if plan.impact is None:
        return
    i = plan.impact
    add("## Impact")
    add("")
    add(f"- Environments: {', '.join(i.environments) or '—'}")
    add(f"- Clusters: {', '.join(i.clusters) or '—'}")
    add(f"- Owners: {', '.join(i.owners) or '—'}")
    add(f"- Repositories: {', '.join(i.repos) or '—'}")
    add(f"- Dependents (transitive, from the dependency graph): {i.dependents_total}")
    add(f"- Left out (not live, or kept apart): {describe_left_out(i.left_out)}")
    add("")
    if i.dependents:
        table(
            add,
            ["Dependent", "What", "Owners"],
            [[f"`{x.id}`", x.what, ", ".join(x.owners) or "—"] for x in i.dependents],
            "Dependents",
        )
    if i.graph_nodes:
        ids = {n.id: f"n{k}" for k, n in enumerate(i.graph_nodes)}
        add("```mermaid")
        add("flowchart LR")
        for n in i.graph_nodes:
            add(f'  {ids[n.id]}["{mermaid_text(n.label)}<br/>{mermaid_text(n.id)}"]')
        for edge in i.graph_edges:
            add(f"  {ids[edge.source]} -->|{edge.kind}| {ids[edge.target]}")
        points = [ids[n.id] for n in i.graph_nodes if n.integration_point]
        if points:
            add("  classDef touched fill:#ffe8a3,stroke:#b58900")
            add(f"  class {','.join(points)} touched")
        add("```")
        add("")


def upgrade_findings(add: Add, plan: Plan) -> None:
    if not plan.upgrade_findings:
        return
    add("## Upgrade findings")
    add("")
    table(
        add,
        ["Where", "Object", "API version", "Status", "Replacement", "Since", "Note"],
        [
            [
                f"`{u.id}`",
                f"{u.kind} {u.name}",
                u.api_version,
                u.status,
                u.replacement,
                u.since,
                u.note,
            ]
            for u in plan.upgrade_findings
        ],
        "Objects on deprecated or removed API versions",
    )
