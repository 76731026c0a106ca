"""Limits: read from INFRAPLAN_MAX_* variables, a bad value names its variable."""

from __future__ import annotations

import pytest

from engine.core import limits
from engine.core.errors import InputError


def test_defaults_and_settings() -> None:
    assert limits.from_environment({}) == limits.Limits()
    set_ = limits.from_environment(
        {"INFRAPLAN_MAX_INPUT_BYTES": "2048", "INFRAPLAN_MAX_PROBLEMS": " 5 "}
    )
    assert (set_.input_bytes, set_.problems) == (2048, 5)


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1e9", "9" * 40, "501"])
def test_bad_values_name_the_variable(value: str) -> None:
    with pytest.raises(InputError) as err:
        limits.from_environment({"INFRAPLAN_MAX_YAML_DEPTH": value})
    assert err.value.problems[0].file == "INFRAPLAN_MAX_YAML_DEPTH"


def test_every_limit_is_documented() -> None:
    from tests.conftest import ROOT

    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for field in limits.Limits.__dataclass_fields__:
        assert f"`{limits.Limits.variable(field)}`" in cli, field
