"""Turn pydantic validation errors into Problems at file:line:column."""

from __future__ import annotations

from typing import Any, TypeVar

from engine.core.errors import InputError, Problem, did_you_mean
from engine.core.modelbase import BaseModel, ValidationError
from engine.core.yamlsrc import PathKey, SourceMap

M = TypeVar("M", bound=BaseModel)


def _expected(error: Any, echo: bool = True) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        got = f", got {_shown(error.get('input'))}" if echo else ""
        return f"expected {error['ctx']['expected']}{got}"
    if kind in {
        "string_type",
        "int_type",
        "bool_type",
        "list_type",
        "dict_type",
        "model_type",
        "float_type",
    }:
        wanted = kind.removesuffix("_type").replace("dict", "mapping").replace("model", "mapping")
        wanted = {
            "string": "a string",
            "int": "an integer",
            "bool": "true or false",
            "list": "a list",
            "mapping": "a mapping",
            "float": "a number",
        }.get(wanted, wanted)
        got = error.get("input")
        return f"expected {wanted}, got {type(got).__name__}" + (f" {_shown(got)}" if echo else "")
    if not echo:
        return "not a valid value"
    message = str(error["msg"])
    if kind == "value_error":  # our own validators' messages, without pydantic's prefix
        message = message.removeprefix("Value error, ")
    return message[0].lower() + message[1:]


def _shown(value: Any) -> str:
    """A value as quoted in a message: never more than 80 characters of it."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def problems_from(
    exc: ValidationError,
    smap: SourceMap,
    model: type[BaseModel],
    base: PathKey = (),
    echo: bool = True,
) -> list[Problem]:
    """Problems at file:line:column; `echo=False` never quotes the input (a repository's file
    may hold anything). Only the first INFRAPLAN_MAX_PROBLEMS errors are described."""
    from engine.core import limits

    problems = []
    for error in exc.errors(include_url=False)[: limits.current().problems]:
        loc: PathKey = tuple(
            part
            for part in error["loc"]
            if not (isinstance(part, str) and part.startswith("function-"))
        )
        path = (*base, *loc)
        if error["type"] == "extra_forbidden":
            key = str(loc[-1]) if loc else ""
            allowed = _allowed_keys(model, loc[:-1])
            hint = did_you_mean(key, allowed) if echo else ""
            listing = f"; allowed: {', '.join(sorted(allowed))}" if allowed and not hint else ""
            problems.append(smap.problem(path, f'unknown key "{key}"{hint}{listing}', key=True))
        else:
            problems.append(
                smap.problem(path, _expected(error, echo), key=error["type"] == "missing")
            )
    return problems


def _allowed_keys(model: type[BaseModel], loc: PathKey) -> set[str]:
    """Field names (aliases) of the model at a location, to suggest a correction."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in {f.alias or n for n, f in fields.items()}:
            return set()
        name = next(n for n, f in fields.items() if (f.alias or n) == part)
        current = _model_in(fields[name].annotation)
        if current is None:
            return set()
    fields = getattr(current, "model_fields", None)
    return {f.alias or n for n, f in fields.items()} if fields else set()


def _model_in(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def validate(
    model: type[M],
    data: Any,
    smap: SourceMap,
    base: PathKey = (),
    context: dict[str, Any] | None = None,
    echo: bool = True,
) -> M:
    """The model of `data`, or an InputError with every problem at file:line:column.

    `context` reaches the model's validators (a spec checks declared values against the
    knowledge's vocabularies that way, in the same pass as everything else).
    """
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems = problems_from(exc, smap, model, base, echo)
        raise InputError(problems, omitted=exc.error_count() - len(problems)) from None
