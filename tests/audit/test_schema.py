"""Every plan validates against the published JSON Schema, which is never stale."""

from __future__ import annotations

import json

import jsonschema
import pytest

from engine.audit.schema import plan_schema, plan_schema_text
from tests.conftest import ROOT
from tests.golden.regenerate import GOLDEN

SCHEMA_FILE = ROOT / "docs" / "schema" / "plan.schema.json"


def test_published_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text() == plan_schema_text(), (
        "run `infraplan docs` to regenerate docs/schema/plan.schema.json"
    )


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.name)
def test_golden_plans_validate(path) -> None:  # type: ignore[no-untyped-def]
    jsonschema.Draft202012Validator(plan_schema()).validate(json.loads(path.read_text()))


def test_schema_rejects_a_broken_plan() -> None:
    plan = json.loads((GOLDEN / "spec-rds-rotation.json").read_text())
    plan["decisions"]["risk"]["trace"][0]["rule"] = 7
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(plan_schema()).validate(plan)
