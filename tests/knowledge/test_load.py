"""Loading the knowledge base: every file validated, cross-references checked, overlays explicit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.core.errors import InputError
from engine.core.resources import bundled
from engine.knowledge.load import load_knowledge


def test_the_bundled_knowledge_loads(tmp_path: Path) -> None:
    k = load_knowledge([bundled("knowledge")])
    assert {s.id for s in k.stages if s.holds_rollout} == {"deployment"}
    assert k.default_layer.id and k.default_phase_kind.id
    assert [e.id for e in k.environments if e.usual_path]
    assert k.phase_layer("no-such-phase") == k.default_layer.id


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(bundled("knowledge"), root)
    return root


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "decision-tree.yaml",
            "stage: assessment",
            "stage: assesment",
            'unknown stage "assesment"',
        ),
        ("phases.yaml", "layer: cloud", "layer: clud", 'unknown rollout layer "clud"'),
        (
            "rollout.yaml",
            "  default: true",
            "  default: false",
            "exactly one rollout layer is the default",
        ),
        (
            "stages.yaml",
            "  holds_rollout: true",
            "  holds_rollout: false",
            "exactly one stage holds the rollout",
        ),
        (
            "patterns/rds-rotation.yaml",
            "category: secret-management",
            "category: secrets",
            'unknown category "secrets"',
        ),
        (
            "categories.yaml",
            "default_scope: cluster-wide",
            "default_scope: cluster",
            'unknown scope "cluster"',
        ),
        (
            "vocabulary.yaml",
            "- {id: policy-engine, weight: 3, terms: [kyverno,",
            "- {id: policy-engine, weight: 3, terms: [rds, kyverno,",
            '"rds" already means database: a term names one concept',
        ),
        (
            "change-kinds.yaml",
            "unless_anywhere: [audit-mode, audit-only]",
            "unless_anywhere: [audit-mood, audit-only]",
            'unknown vocabulary concept "audit-mood"',
        ),
        (
            "metrics.yaml",
            "baseline: {probe: rotation, of: secrets,",
            "baseline: {probe: rotatoin, of: secrets,",
            'unknown probe "rotatoin"',
        ),
        (
            "metrics.yaml",
            "    rds-rotation:\n",
            "    rds-rotatoin:\n",
            'unknown pattern "rds-rotatoin"',
        ),
        ("metrics.yaml", "    encryption: *impl\n", "", 'no wording for category "encryption"'),
        (
            "metrics.yaml",
            'text: "databases declared in Terraform: {part}"',
            'text: "{count} databases"',
            "names only {part}",
        ),
        ("briefs.yaml", "  stage: testing", "  stage: tests", 'unknown stage "tests"'),
        (
            "briefs.yaml",
            "group: Integration testing",
            "group: Integration tests",
            'unknown group "Integration tests"',
        ),
        (
            "briefs.yaml",
            "agents: [monitoring-analyst]",
            "agents: [monitoring-analyts]",
            'unknown expert "monitoring-analyts"',
        ),
        (
            "briefs.yaml",
            "terraform-auditor: [cloud]",
            "terraform-auditor: [clouds]",
            'unknown rollout layer "clouds"',
        ),
        (
            "briefs.yaml",
            "grounding: [tests, metrics]",
            "grounding: [tests, metric]",
            'unknown section "metric"',
        ),
    ],
)
def test_broken_cross_references_are_errors(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    root = _copy(tmp_path)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_knowledge([root])
    assert all(p.file.endswith(".yaml") and p.line >= 1 for p in err.value.problems)


def test_an_unknown_file_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "extra.yaml").write_text("- {id: x}\n")
    with pytest.raises(InputError, match="unknown knowledge file"):
        load_knowledge([root])


def test_suggested_phases_claim_nothing_their_pattern_does_not() -> None:
    """`infraplan new` writes a pattern's suggested phases into the draft, where they become the
    author's phases and evidence of what the change does; so a suggested phase may show only
    traits its pattern (or category, or trigger words) already has — otherwise accepting the
    draft as written would raise the plan its own sentence got."""
    from engine.spec.text import read

    k = load_knowledge([bundled("knowledge")])
    claims = []
    for p in k.patterns:
        if p.implementation_phases:
            continue  # the seed's phases are evidence either way
        category = k.category(p.category)
        own = set(p.traits) | set(category.traits if category else [])
        for trigger in p.triggers:
            concepts = read(trigger, k).concepts
            for kind in k.change_kinds:
                if not set(kind.unless) & concepts and any(set(g) <= concepts for g in kind.when):
                    own |= set(kind.traits)
        for phase in p.suggested_phases:
            for kind in k.change_kinds:
                if phase.name.lower() in kind.phases and set(kind.traits) - own:
                    claims.append(f"{p.id}: phase {phase.name} shows {kind.id}")
    assert claims == []
