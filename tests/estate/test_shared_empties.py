"""An assembled estate's empty fields hold one shared empty list and one shared empty dict
(engine/core/models.py): safe only while nothing changes a record's containers in place.
Here the shared empties refuse any change, and the example estate is assembled (and pickled and
loaded, as the estate cache does) and planned for every example spec: as with plain empties."""

from __future__ import annotations

import pickle
from typing import Any, NoReturn

import pytest

from engine.core import models
from engine.estate import compact, model
from tests.conftest import EXAMPLES

_LIST_CHANGES = (
    "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
    "__setitem__", "__delitem__", "__iadd__", "__imul__",
)  # fmt: skip
_DICT_CHANGES = ("__setitem__", "__delitem__", "update", "setdefault", "pop", "popitem", "clear")
_DICT_CHANGES += ("__ior__",)


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise AssertionError("a shared empty container was changed in place")


class _FrozenList(list[Any]):
    pass


class _FrozenDict(dict[Any, Any]):
    pass


for _name in _LIST_CHANGES:
    setattr(_FrozenList, _name, _refuse)
for _name in _DICT_CHANGES:
    setattr(_FrozenDict, _name, _refuse)


def _plans() -> list[str]:
    from engine.decide.base import load_knowledge_base
    from engine.estate.discover import parse_repo_args
    from engine.estate.scan import ScanOptions, scan_estate
    from engine.plan.build import build_plan
    from engine.render import PLAN_RENDERERS
    from engine.spec.load import parse_spec

    kb = load_knowledge_base()
    repos = parse_repo_args(sorted(str(p) for p in (EXAMPLES / "estate").iterdir()))
    assembled = scan_estate(repos, kb.knowledge, ScanOptions(cache_dir=None))
    out = [assembled.model_dump_json()]
    # as assembled, and as the estate cache gives it back
    for estate in (assembled, pickle.loads(pickle.dumps(assembled))):
        assert type(estate.terraform[0].meta) is type(compact.EMPTY_LIST)
        for spec in sorted((EXAMPLES / "specs").glob("*.yaml")):
            loaded = parse_spec(spec.read_text(), kb.knowledge, spec.name)
            out.append(PLAN_RENDERERS["json"](build_plan(loaded, kb, estate)))
    return out


def test_nothing_changes_a_shared_empty_container(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _plans()
    identity = compact._identity

    def frozen_identity(value: Any) -> Any:
        if type(value) in (_FrozenList, _FrozenDict):
            return ("empty", type(value))
        return identity(value)

    empty_list, empty_dict = _FrozenList(), _FrozenDict()
    for module in (models, model, compact):
        monkeypatch.setattr(module, "EMPTY_LIST", empty_list)
        monkeypatch.setattr(module, "EMPTY_DICT", empty_dict)
    monkeypatch.setattr(compact, "_identity", frozen_identity)
    assert _plans() == expected
