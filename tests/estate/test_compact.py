"""Sharing equal values in an assembled estate (engine/estate/compact.py)."""

from __future__ import annotations

import pickle

from engine.estate.compact import share_equal_values
from engine.estate.extract.terraform import TerraformBlock
from engine.estate.model import (
    EMPTY_LIST,
    ChartUse,
    Delivered,
    Estate,
    TerraformFact,
    Why,
    terraform_fact,
)


def _block(name: str, live: bool) -> TerraformFact:
    why = Why(live="applied by " + "".join(["the", " root"]))  # built, not a shared literal
    charts = [ChartUse(name="agent", installed_by="terraform")]
    return TerraformFact(
        line=1,
        block="resource",
        type="helm_release",
        name=name,
        repo="mono",
        path="live/" + "main.tf",
        module="live",
        delivery=Delivered(live=live, delivered_by="terraform", charts=charts, why=why),
    )


def test_equal_records_and_strings_become_one_object_and_read_the_same() -> None:
    estate = Estate(terraform=[_block("a", True), _block("b", True), _block("c", False)])
    before = estate.model_dump_json()
    share_equal_values(estate)
    a, b, c = estate.terraform
    assert estate.model_dump_json() == before
    assert a.delivery is b.delivery and a.delivery is not c.delivery
    assert a.delivery.why is c.delivery.why
    assert a.path is b.path
    assert a.owners is b.owners is EMPTY_LIST  # one empty list for every empty field
    assert a.delivery.charts[0].value_files is EMPTY_LIST


def test_containers_with_contents_stay_their_owners() -> None:
    a, b = _block("a", True), _block("b", True)
    a.meta.append("count")
    b.meta.append("count")
    estate = Estate(terraform=[a, b])
    share_equal_values(estate)
    a, b = estate.terraform
    assert a.meta == b.meta and a.meta is not b.meta


def test_a_record_met_again_stands_for_the_same_one() -> None:
    first = _block("a", True)
    shared = _block("b", True).delivery  # one record held by two blocks, equal to the first's
    b = first.model_copy(update={"name": "b", "delivery": shared})
    c = first.model_copy(update={"name": "c", "delivery": shared})
    estate = Estate(terraform=[first, b, c])
    before = estate.model_dump_json()
    share_equal_values(estate)
    assert estate.model_dump_json() == before
    assert {id(t.delivery) for t in estate.terraform} == {id(first.delivery)}


def test_sharing_survives_the_estate_cache() -> None:
    estate = Estate(terraform=[_block("a", True), _block("b", True)])
    share_equal_values(estate)
    loaded = pickle.loads(pickle.dumps(estate))
    assert loaded == estate
    assert loaded.terraform[0].delivery is loaded.terraform[1].delivery
    assert loaded.terraform[0].model_fields_set is loaded.terraform[1].model_fields_set


def test_a_fact_built_from_its_block_without_validation_is_the_validated_one() -> None:
    block = TerraformBlock(
        line=3,
        block="resource",
        type="aws_iam_role",
        name="r",
        meta=["count"],
        references=["var.x"],
        inputs={"name": "svc"},
        input_lines={"name": 4},
    )
    place = {"repo": "mono", "path": "m/main.tf", "module": "m", "environment": "prod"}
    validated = TerraformFact(**place, owners=["@team"], **block.__dict__)
    built = terraform_fact(block, *place.values(), ["@team"], Delivered())
    assert built == validated
    assert list(built.__dict__) == list(validated.__dict__) == list(TerraformFact.model_fields)
    assert built.__pydantic_fields_set__ == validated.__pydantic_fields_set__
    assert built.model_dump_json() == validated.model_dump_json()
    assert built.__pydantic_extra__ == validated.__pydantic_extra__
    assert built.__pydantic_private__ == validated.__pydantic_private__
    assert pickle.loads(pickle.dumps(built)) == validated
