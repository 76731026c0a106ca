"""Plain models: the part of pydantic's BaseModel that `infraplan check` uses, without pydantic.

Importing pydantic costs a Python process as much as yamllint's whole run (docs/performance.md,
`check` start-up), and `check` runs on every commit. engine/commands/check_plain.py therefore
runs the check command's own code with the model classes built on this module instead
(engine/core/modelbase.py chooses, once per process, before any model module loads).

It is not a second validator. It accepts only values pydantic would keep as they are, plus the
few conversions pydantic's lax mode makes that cannot differ (an int for a float, a tuple for a
list, a list for a tuple); for anything else — an unknown key, a missing field, a value of
another type, a validator that refuses — it raises NotPlain, and the command runs again with
pydantic from the start, which reports the problem as it always did. So a plain run either
gives pydantic's values or does not finish. tests/commands/test_check_plain.py holds both runs
equal over every spec the tests have and generated ones.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

ACTIVE = False  # set by engine/commands/check_plain.py, before any model module is imported

_MISSING: Any = object()


class NotPlain(Exception):
    """A value the plain models cannot vouch for: the command runs with pydantic instead."""


class _Run:
    writing = False  # the command has begun to write its output: it can no longer give way


def writing() -> None:
    """Say that the command writes its output now (after this, a failure is the command's)."""
    _Run.writing = True


def can_give_way() -> bool:
    return not _Run.writing


def refuse(why: str) -> None:
    """Give way to pydantic (when models are plain): for what only the full path does."""
    if ACTIVE:
        raise NotPlain(why)


class ValidationError(ValueError):
    """Never raised here (plain models raise NotPlain); named so `except` clauses read alike."""


class ValidationInfo:
    """What a field validator is told: the validation context and the field's name."""

    def __init__(self, context: Any, field_name: str) -> None:
        self.context = context
        self.field_name = field_name


class FieldInfo:
    """A field: its annotation, default (or default factory) and description."""

    def __init__(
        self,
        default: Any = _MISSING,
        *,
        default_factory: Callable[[], Any] | None = None,
        description: str | None = None,
        **constraints: Any,
    ) -> None:
        self.default = default
        self.constraints = constraints  # ge=, pattern=, ...: pydantic's to check
        self.default_factory = default_factory
        self.description = description
        self.annotation: Any = None
        self.alias: str | None = None

    def is_required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None

    def initial(self) -> Any:
        if self.default_factory is not None:
            return self.default_factory()
        value = self.default
        # pydantic copies a mutable default for each instance
        return value.copy() if type(value) in (list, dict, set) else value


def Field(
    default: Any = _MISSING,
    *,
    default_factory: Callable[[], Any] | None = None,
    description: str | None = None,
    **kwargs: Any,
) -> Any:
    return FieldInfo(default, default_factory=default_factory, description=description, **kwargs)


def ConfigDict(**kwargs: Any) -> dict[str, Any]:
    return dict(kwargs)


def field_validator(*fields: str, mode: str = "after") -> Callable[[Any], Any]:
    def mark(method: Any) -> Any:
        method.__func__.__plain_field_validator__ = (fields, mode)
        return method

    return mark


def model_validator(*, mode: str) -> Callable[[Any], Any]:
    def mark(method: Any) -> Any:
        method.__func__.__plain_model_validator__ = mode
        return method

    return mark


class BaseModel:
    """Fields from annotations, in pydantic's order; frozen; equal when type and fields are."""

    __slots__ = (
        "__dict__",
        "__pydantic_extra__",
        "__pydantic_fields_set__",
        "__pydantic_private__",
    )
    __pydantic_fields_set__: set[str]
    model_config: ClassVar[dict[str, Any]] = {}
    model_fields: ClassVar[dict[str, FieldInfo]] = {}
    __plain_before__: ClassVar[list[Any]] = []
    __plain_after__: ClassVar[dict[str, list[tuple[Any, bool]]]] = {}
    __plain_checks__: ClassVar[tuple[bool, bool, bool]] = (True, False, False)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        config: dict[str, Any] = {}
        fields: dict[str, FieldInfo] = {}
        for base in reversed(cls.__mro__[1:]):
            config.update(base.__dict__.get("model_config", {}))
            fields.update(base.__dict__.get("model_fields", {}))
        config.update(cls.__dict__.get("model_config", {}))
        annotations = inspect.get_annotations(cls)
        if any(isinstance(a, str) for a in annotations.values()):  # `from __future__ ...`
            annotations = inspect.get_annotations(cls, eval_str=True)
        for name, annotation in annotations.items():
            if name.startswith("_") or typing.get_origin(annotation) is ClassVar:
                continue
            value = cls.__dict__.get(name, _MISSING)
            info = value if isinstance(value, FieldInfo) else FieldInfo(value)
            info.annotation = annotation
            fields[name] = info
            if name in cls.__dict__:
                delattr(cls, name)  # as pydantic: the default lives in the field, not the class
        cls.model_config = config
        cls.model_fields = fields
        # validators: the bases' (once each), then this class's own
        before: dict[Any, None] = {}
        after: dict[str, list[tuple[Any, bool]]] = {}
        for base in cls.__bases__:
            before.update(dict.fromkeys(getattr(base, "__plain_before__", ())))
            for name, checks in getattr(base, "__plain_after__", {}).items():
                known = after.setdefault(name, [])
                known += [c for c in checks if c not in known]
        for attr in cls.__dict__.values():
            func: Any = getattr(attr, "__func__", None)
            if func is None:
                continue
            if getattr(func, "__plain_model_validator__", None) == "before":
                before[func] = None
            marked = getattr(func, "__plain_field_validator__", None)
            if marked is not None:
                names, mode = marked
                if mode != "after":
                    raise TypeError(f"{cls.__name__}: only `after` field validators are plain")
                for name in names:
                    after.setdefault(name, []).append(
                        (func, func.__code__.co_argcount == 3)  # (cls, value[, info])
                    )
        cls.__plain_before__ = list(before)
        cls.__plain_after__ = after
        cls.__plain_checks__ = (
            config.keys() <= _CONFIG and config.get("extra", "ignore") in ("forbid", "ignore"),
            config.get("extra") == "forbid",
            bool(config.get("strict")),
        )

    def __init__(self, **data: Any) -> None:
        _fill(self, data, None)

    @classmethod
    def model_validate(cls, data: Any, *, context: Any = None) -> Any:
        if isinstance(data, cls):
            return data
        model = cls.__new__(cls)
        _fill(model, data, context)
        return model

    def model_post_init(self, context: Any, /) -> None:
        return None

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({args})"

    def __getstate__(self) -> dict[str, Any]:
        return {
            "__dict__": self.__dict__,
            "__pydantic_extra__": None,
            "__pydantic_fields_set__": self.__pydantic_fields_set__,
            "__pydantic_private__": None,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        # as pydantic pickles a model (a plain run reads the knowledge cache pydantic wrote)
        set_ = object.__setattr__
        set_(self, "__dict__", state["__dict__"])
        set_(self, "__pydantic_fields_set__", state.get("__pydantic_fields_set__", set()))
        set_(self, "__pydantic_extra__", None)
        set_(self, "__pydantic_private__", None)

    @property
    def model_fields_set(self) -> set[str]:
        return self.__pydantic_fields_set__

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
        if deep:
            raise NotPlain("a deep model copy")
        copied = type(self).__new__(type(self))
        values = dict(self.__dict__)
        fields_set = set(self.__pydantic_fields_set__)
        for name, value in (update or {}).items():
            values[name] = value  # as pydantic: an update is not validated
            fields_set.add(name)
        object.__setattr__(copied, "__dict__", values)
        object.__setattr__(copied, "__pydantic_fields_set__", fields_set)
        object.__setattr__(copied, "__pydantic_extra__", None)
        object.__setattr__(copied, "__pydantic_private__", None)
        return copied

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        return {name: _dump(value, mode == "json") for name, value in self.__dict__.items()}


def _fill(model: BaseModel, data: Any, context: Any) -> None:
    """Set the model's fields from `data` as pydantic would, or raise NotPlain."""
    cls = type(model)
    for validator in cls.__plain_before__:
        data = validator(cls, data)
    if type(data) is not dict:
        raise NotPlain(f"{cls.__name__}: not a mapping")
    fields = cls.model_fields
    configured, forbid, strict = cls.__plain_checks__
    if not configured:
        raise NotPlain(f"{cls.__name__}: configured as only pydantic validates")
    if forbid and not data.keys() <= fields.keys():
        raise NotPlain(f"{cls.__name__}: unknown keys")
    after = cls.__plain_after__
    values: dict[str, Any] = {}
    for name, info in fields.items():
        if name in data:
            if info.constraints:
                raise NotPlain(f"{cls.__name__}.{name}: constrained")
            value = _value(info.annotation, data[name], context, strict)
            for check, with_info in after.get(name, ()):
                try:
                    value = (
                        check(cls, value, ValidationInfo(context, name))
                        if with_info
                        else check(cls, value)
                    )
                except (ValueError, AssertionError) as exc:
                    raise NotPlain(f"{cls.__name__}.{name}: {exc}") from None
            values[name] = value
        elif info.is_required():
            raise NotPlain(f"{cls.__name__}.{name}: missing")
        else:
            values[name] = info.initial()
    set_ = object.__setattr__
    set_(model, "__dict__", values)
    set_(model, "__pydantic_fields_set__", {name for name in data if name in fields})
    set_(model, "__pydantic_extra__", None)
    set_(model, "__pydantic_private__", None)
    model.model_post_init(context)


_EXACT = (str, int, bool, date, type(None))
_CONFIG = {"extra", "frozen", "defer_build", "strict"}  # what these models are configured with


_SCALARS = frozenset(_EXACT) | {float}
_SHAPES: dict[Any, tuple[Any, tuple[Any, ...]]] = {}  # annotation → (origin, args)


def _value(annotation: Any, value: Any, context: Any, strict: bool) -> Any:
    """`value` as a field of this annotation holds it: unchanged, or the conversion pydantic's lax
    mode makes (none in strict mode)."""
    kind = type(value)
    if kind is annotation and kind in _SCALARS:  # the common case, first
        return value
    if annotation in _EXACT or annotation is None:
        wanted = type(None) if annotation is None else annotation
        if kind is wanted:
            return value
        raise NotPlain(f"expected {wanted.__name__}, got {kind.__name__}")
    if annotation is float:
        if kind is float or (kind is int and not strict):
            return float(value)
        raise NotPlain(f"expected float, got {kind.__name__}")
    if annotation is Any:
        return value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if isinstance(value, annotation):
            return value  # an instance is kept, as pydantic keeps it
        return annotation.model_validate(value, context=context)
    shape = _SHAPES.get(annotation)
    if shape is None:
        shape = _SHAPES[annotation] = (typing.get_origin(annotation), typing.get_args(annotation))
    origin, args = shape
    if origin is list:
        if kind is list or (kind is tuple and not strict):
            return [_value(args[0], item, context, strict) for item in value]
    elif origin is tuple:
        sequence = kind is tuple or (kind is list and not strict)
        if sequence and ... not in args and len(args) == len(value):
            return tuple(
                _value(a, item, context, strict) for a, item in zip(args, value, strict=True)
            )
    elif origin is dict:
        if kind is dict:
            return {
                _value(args[0], k, context, strict): _value(args[1], v, context, strict)
                for k, v in value.items()
            }
    elif origin is types.UnionType or origin is typing.Union:
        if kind in args:  # an exact match wins (pydantic's smart mode)
            return value
        held = []
        for member in args:
            try:
                held.append(_value(member, value, context, strict))
            except NotPlain:
                continue
        if len(held) == 1:  # otherwise pydantic's choice between them is its own
            return held[0]
    elif origin is typing.Literal and any(value == a and kind is type(a) for a in args):
        return value
    raise NotPlain(f"{annotation!r} holding a {kind.__name__}")


def _dump(value: Any, json: bool) -> Any:
    """A field value as model_dump gives it (mode "json": as JSON holds it)."""
    kind = type(value)
    if kind in (str, int, bool, float) or value is None:
        return value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json" if json else "python")
    if kind is list or (json and kind is tuple):
        return [_dump(v, json) for v in value]
    if kind is tuple:
        return tuple(_dump(v, json) for v in value)
    if kind is dict:
        return {k: _dump(v, json) for k, v in value.items()}
    if kind is date:
        return value.isoformat() if json else value
    raise NotPlain(f"dumping a {kind.__name__}")
