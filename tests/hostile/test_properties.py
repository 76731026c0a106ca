"""Property tests (hypothesis): loading a spec, a config, waivers, a plan or the facts cache
never raises anything but an InputError, whatever the bytes."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core.errors import InputError
from engine.decide.base import KnowledgeBase, load_knowledge_base
from engine.estate.cache import INDEX_FORMAT, key_space, read_index, write_index
from engine.estate.cache import key as cache_key
from engine.estate.extract import FileExtract
from engine.plan.build import build_plan
from engine.plan.model import read_plan
from engine.spec.config import read_config, repository_config
from engine.spec.load import load_spec, parse_spec
from tests.hostile.build import RDS, YAML_ATTACKS

KB: KnowledgeBase = load_knowledge_base()
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n  \t019.,=$%@?\\")), max_size=200
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(
        ["2024-02-30", "2024-13-01", "1" * 200, "prod", "high", "policy.rollback-required"]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
SPEC_KEYS = [
    "enhancement",
    "planning_agents",
    "implementation_phases",
    "risk",
    "rollback",
    "waivers",
    "owners",
    "change_window",
]


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True)


def _only_input_errors(call: Any) -> None:
    try:
        call()
    except InputError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


@QUICK
@given(text=st.one_of(YAMLISH, st.sampled_from([t for t, _ in YAML_ATTACKS.values()])))
def test_spec_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "x.yaml"
        spec.write_bytes(text.encode("utf-8", "surrogateescape"))
        _only_input_errors(lambda: load_spec(spec, KB.knowledge))


@QUICK
@given(data=st.dictionaries(st.sampled_from(SPEC_KEYS), VALUES, max_size=5))
def test_spec_structure(data: dict[str, Any]) -> None:
    base = yaml.safe_load(RDS.read_text())
    _only_input_errors(
        lambda: build_plan(parse_spec(_yaml({**base, **data}), KB.knowledge, "x.yaml"), KB)
    )


@QUICK
@given(
    waivers=st.lists(
        st.dictionaries(
            st.sampled_from(["rule", "reason", "owner", "expires", "x"]), SCALARS, max_size=5
        ),
        max_size=3,
    )
)
def test_waivers(waivers: list[dict[str, Any]]) -> None:
    text = RDS.read_text() + _yaml({"waivers": waivers})
    _only_input_errors(lambda: build_plan(parse_spec(text, KB.knowledge, "w.yaml"), KB))


@QUICK
@given(
    text=st.one_of(
        YAMLISH, VALUES.map(_yaml), st.sampled_from([t for t, _ in YAML_ATTACKS.values()])
    )
)
def test_config(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".infraplan.yaml").write_bytes(text.encode("utf-8", "surrogateescape"))
        _only_input_errors(lambda: read_config(root))
        _only_input_errors(lambda: repository_config(root, KB.knowledge))


GOOD_PLAN = build_plan(parse_spec(RDS.read_text(), KB.knowledge, "rds.yaml"), KB).model_dump(
    mode="json"
)


def _mutate(plan: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(plan))
    target = data
    for key in path[:-1]:
        target = target.setdefault(key, {}) if isinstance(target, dict) else {}
    if isinstance(target, dict):
        target[path[-1]] = value
    return data


@QUICK
@given(
    raw=st.one_of(st.binary(max_size=300), YAMLISH.map(str.encode)),
    path=st.lists(
        st.sampled_from(
            [
                "inputs",
                "spec",
                "evaluated_on",
                "schema_version",
                "decisions",
                "prose",
                "sections",
                "risk",
            ]
        ),
        min_size=1,
        max_size=3,
    ),
    value=VALUES,
)
def test_plan(raw: bytes, path: list[str], value: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        garbage, edited = Path(folder) / "garbage.json", Path(folder) / "edited.json"
        garbage.write_bytes(raw)
        edited.write_text(json.dumps(_mutate(GOOD_PLAN, path, value), default=str))
        _only_input_errors(lambda: read_plan(garbage))
        _only_input_errors(lambda: read_plan(edited))


@QUICK
@given(raw=st.binary(max_size=400), header=st.booleans())
def test_cache(raw: bytes, header: bool) -> None:
    """Whatever bytes an index holds, reading it gives valid facts or none, never an error."""
    with tempfile.TemporaryDirectory() as folder:
        index = read_index(Path(folder), Path(folder))
        assert index.path is not None
        key = cache_key("yaml", "0" * 64)
        write_index(index, {key: FileExtract(kind="yaml")})
        assert read_index(Path(folder), Path(folder)).facts == {key: FileExtract(kind="yaml")}
        head = json.dumps(
            {"format": INDEX_FORMAT, "keys": key_space(), "sha256": hashlib.sha256(raw).hexdigest()}
        ).encode()
        index.path.write_bytes((head + b"\n" if header else b"") + raw)
        found = read_index(Path(folder), Path(folder))
        assert found.facts == {} or all(k.startswith(key_space()) for k in found.facts)
