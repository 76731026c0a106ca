"""Where the model modules get BaseModel, Field and the validator decorators: pydantic, or
engine/core/plainmodel.py in a plain `check` run (engine/commands/check_plain.py).

Chosen once, when the first model module loads. The modules that `check` imports take these
names from here, never from pydantic; the rest of the engine imports pydantic as usual (a plain
run never loads it). Type checkers always see pydantic.
"""

from typing import TYPE_CHECKING

from engine.core import plainmodel

if TYPE_CHECKING or not plainmodel.ACTIVE:
    from pydantic import (
        BaseModel,
        ConfigDict,
        Field,
        ValidationError,
        ValidationInfo,
        field_validator,
        model_validator,
    )
else:  # the same names
    from engine.core.plainmodel import *  # noqa: F403

__all__ = [
    "BaseModel",
    "ConfigDict",
    "Field",
    "ValidationError",
    "ValidationInfo",
    "field_validator",
    "model_validator",
]
