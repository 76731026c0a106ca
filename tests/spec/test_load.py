"""The enhancement spec: the seed's three examples load as written; errors are precise."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.core.errors import InputError
from engine.decide.base import KnowledgeBase
from engine.spec.load import load_spec, parse_spec, stable_display
from tests.seed_examples import SEED_KARPENTER, SEED_RDS, SEED_VM


@pytest.mark.parametrize("text", [SEED_RDS, SEED_KARPENTER, SEED_VM])
def test_seed_examples_load_as_written(kb: KnowledgeBase, text: str) -> None:
    loaded = parse_spec(text, kb.knowledge, "seed.yaml")
    assert loaded.spec.planning_agents
    assert all(a.task for a in loaded.spec.planning_agents)


def test_seed_rds_structure(kb: KnowledgeBase) -> None:
    spec = parse_spec(SEED_RDS, kb.knowledge, "seed.yaml").spec
    assert [a.agent for a in spec.planning_agents] == [
        "secret-guardian",
        "terraform-auditor",
        "troubleshooting-guide",
    ]
    assert next((p.name, p.task) for p in spec.implementation_phases) == (
        "terraform",
        "Create rotation Lambda and policies",
    )


def test_every_problem_reported_at_once_with_positions(kb: KnowledgeBase) -> None:
    text = """enhancement:
  name: Bad Name
  categroy: secret-management
  scope: multi-environmnt
planning_agents:
  - secret-guardain: "x"
risk: huge
rollbak: "y"
"""
    with pytest.raises(InputError) as err:
        parse_spec(text, kb.knowledge, "spec.yaml")
    lines = [str(p) for p in err.value.problems]
    joined = "\n".join(lines)
    assert (
        'spec.yaml:3:3: enhancement.categroy: unknown key "categroy" (did you mean "category"?)'
        in joined
    )
    assert 'spec.yaml:8:1: rollbak: unknown key "rollbak" (did you mean "rollback"?)' in joined
    assert "spec.yaml:7:7: risk: expected one of low, medium, high, critical, got 'huge'" in joined
    assert "spec.yaml:2:9: enhancement.name:" in joined and "kebab-case" in joined
    assert any("enhancement.category: is required" in line for line in lines)


def test_unknown_names_checked_against_knowledge(kb: KnowledgeBase) -> None:
    text = """enhancement:
  name: x
  category: secret-managment
  scope: multi-environmnt
  environments: [dev, prodution]
planning_agents:
  - secret-guardain: "x"
"""
    with pytest.raises(InputError) as err:
        parse_spec(text, kb.knowledge, "s.yaml")
    joined = str(err.value)
    assert (
        's.yaml:3:13: enhancement.category: unknown category "secret-managment" (did you mean "secret-management"?)'
        in joined
    )
    assert '(did you mean "multi-environment"?)' in joined
    assert 's.yaml:5:23: enhancement.environments[1]: unknown environment "prodution"' in joined
    assert (
        's.yaml:7:5: planning_agents[0]: unknown planning agent "secret-guardain" (did you mean "secret-guardian"?)'
        in joined
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "expected a mapping"),
        ("- a\n- b\n", "expected a mapping"),
        ("enhancement: [1]\n", "enhancement: expected a mapping"),
        (
            "enhancement:\n  name: x\n  category: security\n  scope: cluster-wide\nplanning_agents: 3\n",
            "planning_agents: expected a list",
        ),
        (
            "enhancement: {name: x, category: security, scope: cluster-wide}\nfeature_flag: [1]\n",
            "feature_flag",
        ),
        ("\x00\x01", "not valid YAML"),
    ],
)
def test_malformed_specs_are_input_errors(kb: KnowledgeBase, text: str, expected: str) -> None:
    with pytest.raises(InputError) as err:
        parse_spec(text, kb.knowledge, "s.yaml")
    assert expected in str(err.value)


def test_unreadable_and_binary_files(kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_spec(tmp_path / "missing.yaml", kb.knowledge)
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage\x9c")
    with pytest.raises(InputError, match="not UTF-8"):
        load_spec(binary, kb.knowledge)


def test_stable_display_is_never_absolute(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    spec = tmp_path / "repo" / "enhancements" / "x.yaml"
    spec.parent.mkdir()
    spec.write_text("")
    assert stable_display(spec) == "enhancements/x.yaml"
    loose = tmp_path / "loose.yaml"
    loose.write_text("")
    assert stable_display(loose) == "loose.yaml"
