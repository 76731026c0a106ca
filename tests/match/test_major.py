"""What a hop to another major version needs beyond the version (engine/match/major.py): the
Terraform inputs the estate writes that change with it, and the checks before it."""

from __future__ import annotations

from engine.decide.base import KnowledgeBase
from engine.estate.model import Delivered, Estate, TerraformFact
from engine.knowledge.grounding import Tool
from engine.match.major import crosses_major, hcl, input_changes, major_checks


def _tool(kb: KnowledgeBase) -> Tool:
    return next(t for t in kb.knowledge.tools if t.id == "postgresql")


def _block(line: int, rtype: str, inputs: dict[str, str], refs: dict[str, str] | None = None):
    return TerraformFact(
        repo="tf",
        path="modules/db/main.tf",
        module="modules/db",
        line=line,
        block="resource",
        type=rtype,
        name="this",
        inputs=inputs,
        input_refs=refs or {},
        delivery=Delivered(live=True, delivered_by="terraform"),
    )


def _estate(*blocks: TerraformFact) -> Estate:
    return Estate(terraform=list(blocks))


def test_a_major_is_crossed_when_some_installation_is_below_it() -> None:
    assert crosses_major([(15, 7, 0)], (16, 0, 0))
    assert crosses_major([(16, 1, 0), (15, 7, 0)], (16, 0, 0))
    assert not crosses_major([(16, 1, 0)], (16, 0, 0))
    assert not crosses_major([(15, 7, 0)], (15, 8, 0))


def test_the_inputs_a_major_upgrade_changes_where_the_estate_writes_them(
    kb: KnowledgeBase,
) -> None:
    estate = _estate(
        _block(1, "aws_db_parameter_group", {"family": "postgres15"}),
        _block(
            9, "aws_db_instance", {"engine": "postgres", "allow_major_version_upgrade": "false"}
        ),
        _block(20, "aws_db_instance", {"engine": "postgres"}),  # leaves it at the default
        _block(
            30, "aws_db_instance", {"engine": "postgres", "allow_major_version_upgrade": "true"}
        ),
        _block(
            40, "aws_db_instance", {"engine": "postgres"}, {"allow_major_version_upgrade": "var.x"}
        ),
        # a MySQL database and its group are not PostgreSQL's
        _block(50, "aws_db_instance", {"engine": "mysql", "allow_major_version_upgrade": "false"}),
        _block(60, "aws_db_parameter_group", {"family": "mysql8.0"}),
        # a group already of the target's family
        _block(70, "aws_db_parameter_group", {"family": "postgres16"}),
    )
    changes = input_changes(_tool(kb), estate, 15, "16")
    assert [(c.at, c.input, c.value, c.needs) for c in changes] == [
        ("tf/modules/db/main.tf:1", "family", '"postgres15"', "postgres16"),
        ("tf/modules/db/main.tf:9", "allow_major_version_upgrade", "false", "true"),
        ("tf/modules/db/main.tf:20", "allow_major_version_upgrade", "not set (false)", "true"),
    ]
    assert changes[0].said == (
        'family = "postgres16" (was "postgres15", at tf/modules/db/main.tf:1)'
    )
    assert hcl("true") == "true" and hcl("7") == "7" and hcl("postgres16") == '"postgres16"'


def test_checks_before_a_major_hop_fit_the_installations(kb: KnowledgeBase) -> None:
    tool = _tool(kb)
    rds = _block(9, "aws_db_instance", {"engine": "postgres"})
    checks = major_checks(tool, [rds], "15.7", "16")
    joined = " ".join(checks)
    assert "--engine postgres --engine-version 15.7" in joined and "15.7 lists 16" in joined
    assert "snapshot" in joined and "PostGIS" in joined
    assert "Aurora" not in joined and "CloudNativePG" not in joined
    aurora = _block(9, "aws_rds_cluster", {"engine": "aurora-postgresql"})
    assert any(
        "db_instance_parameter_group_name" in c for c in major_checks(tool, [aurora], "13.12", "15")
    )
    # with no RDS installation, the engine-neutral checks remain
    bare = major_checks(tool, [], "15", "16")
    assert bare and not any("describe-db-engine-versions" in c for c in bare)


def test_an_engine_passed_in_may_be_postgresql(kb: KnowledgeBase) -> None:
    from engine.match.subject import is_installation

    tool = _tool(kb)
    assert is_installation(tool, _block(1, "aws_db_instance", {"engine": "postgres"}))
    assert not is_installation(tool, _block(1, "aws_db_instance", {"engine": "mysql"}))
    assert not is_installation(tool, _block(1, "aws_db_instance", {}))
    assert is_installation(tool, _block(1, "aws_db_instance", {}, {"engine": "var.engine"}))
