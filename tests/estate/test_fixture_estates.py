"""Estate truth on small real-looking estates (tests/fixtures/estates/*): each `expect.yaml` was
written from how Flux, kustomize, Argo CD, Terraform and Helm behave, before any run. Every
expected object, chart and version is checked against `facts --format jsonl` records; where we
read an expectation differently, DISAGREE says so and why (tests/fixtures/estates/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from engine.audit.schema import facts_object_schema_text
from engine.decide.base import KnowledgeBase
from engine.estate.discover import RepoSpec
from engine.estate.model import Estate
from engine.estate.records import ObjectRecord, object_records
from engine.estate.scan import scan_estate
from engine.estate.summary import estate_summary
from tests.conftest import ROOT, run_cli

ESTATES = ROOT / "tests" / "fixtures" / "estates"
NAMES = sorted(p.name for p in ESTATES.iterdir() if (p / "expect.yaml").is_file())

# (estate, path, field) → (what we expect instead, why)
DISAGREE: dict[tuple[str, str, str], tuple[Any, str]] = {
    ("dev-rds-envs", "envs/nonproduction/main.tf", "environments"): (
        ["test"],
        "knowledge/environments.yaml maps `nonproduction` to test (the usual meaning of"
        " non-production); the README's 'staging' is prose infraplan does not read. A repository"
        " that means staging says so in .infraplan.yaml (environments: {nonproduction: staging}).",
    ),
    ("dev-rds-envs", "modules/network/main.tf", "environments"): (
        ["dev", "test", "prod"],
        "as above: the nonproduction root calls modules/network",
    ),
}
ESTATE_DISAGREE: dict[tuple[str, str], tuple[Any, str]] = {
    ("dev-rds-envs", "environments"): (["dev", "test", "prod"], "as above: nonproduction is test"),
}


def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ESTATES / name / "expect.yaml").read_text())
    return data


@pytest.fixture(scope="module")
def scanned(kb: KnowledgeBase) -> dict[str, tuple[Estate, list[ObjectRecord]]]:
    out = {}
    for name in NAMES:
        repos = [RepoSpec(r, ESTATES / name / r) for r in expected(name)["repos"]]
        estate = scan_estate(repos, kb.knowledge)
        out[name] = (estate, object_records(estate))
    return out


def _find(records: list[ObjectRecord], want: dict[str, Any]) -> ObjectRecord:
    hits = [
        r
        for r in records
        if (r.repo, r.path, r.kind, r.name)
        == (want["repo"], want["path"], want["kind"], str(want["name"]))
    ]
    assert len(hits) == 1, f"{want['path']} {want['kind']} {want['name']}: {len(hits)} records"
    return hits[0]


def _cases() -> list[tuple[str, int]]:
    return [(name, i) for name in NAMES for i in range(len(expected(name)["objects"]))]


@pytest.mark.parametrize(("name", "index"), _cases(), ids=lambda v: str(v))
def test_object(scanned: dict[str, Any], name: str, index: int) -> None:
    want = expected(name)["objects"][index]
    record = _find(scanned[name][1], want)
    got = record.model_dump(mode="json")
    for field in ("live", "clusters", "environments", "delivered_by", "version", "kept_apart"):
        value = want[field]
        if (name, want["path"], field) in DISAGREE:
            value = DISAGREE[(name, want["path"], field)][0]
        if field == "version" and value is not None:
            value = str(value)
        if field in {"clusters", "environments"}:
            assert sorted(got[field]) == sorted(value), (field, record.why)
        else:
            assert got[field] == value, (field, record.why)
    assert all(got["why"].values()), "every record says why"


@pytest.mark.parametrize("name", NAMES)
def test_estate_environments_and_clusters(
    kb: KnowledgeBase, scanned: dict[str, Any], name: str
) -> None:
    summary = estate_summary(scanned[name][0], kb.knowledge)
    for field in ("environments", "clusters"):
        want = expected(name)[field]
        want = ESTATE_DISAGREE.get((name, field), (want, ""))[0]
        assert sorted(summary[field]) == sorted(want), field


@pytest.mark.parametrize("name", NAMES)
def test_charts_in_every_installation_style(scanned: dict[str, Any], name: str) -> None:
    records = scanned[name][1]
    for chart in expected(name).get("charts", []):
        hits = [
            (r, c)
            for r in records
            for c in r.charts
            if (r.repo, r.path, c.name, c.version)
            == (chart["repo"], chart["path"], chart["name"], str(chart["version"]))
        ]
        assert hits, chart
        record, use = hits[0]
        assert use.installed_by == chart["installed_by"]
        assert record.live == chart["live"], chart
        if "clusters" in chart:
            assert record.clusters == chart["clusters"]
        if "repository" in chart:
            assert use.repository == chart["repository"]
        if "value_files" in chart:
            assert use.value_files == chart["value_files"]


@pytest.mark.parametrize("name", NAMES)
def test_versions_are_recorded(scanned: dict[str, Any], name: str) -> None:
    estate: Estate = scanned[name][0]
    found = {(v.repo, v.path, v.value, v.cluster) for v in estate.versions}
    for v in expected(name).get("versions", []):
        key = (v["repo"], v["path"], str(v["value"]), v.get("cluster", ""))
        assert key in found or (*key[:3], "") in found, v


def test_depends_on_links_only_the_live_twin(kb: KnowledgeBase, scanned: dict[str, Any]) -> None:
    from engine.estate.graph import build_graph

    estate: Estate = scanned["archive-folder"][0]
    graph = build_graph(estate, kb.knowledge)
    edges = [(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "dependsOn"]
    assert edges == [
        (
            "homelab/kubernetes/apps/cert-manager/cert-manager/ks.yaml:2",
            "homelab/kubernetes/apps/external-secrets/external-secrets/ks.yaml:2",
        )
    ]
    assert not [n for n in graph if "archive" in n]


@pytest.mark.parametrize("name", NAMES)
def test_jsonl_lines_validate_against_the_published_schema(name: str, tmp_path: Path) -> None:
    schema = json.loads(facts_object_schema_text())
    published = ROOT / "docs" / "schema" / "facts-object.schema.json"
    assert published.read_text() == facts_object_schema_text(), "run `infraplan docs`"
    repos = [f"{r}={ESTATES / name / r}" for r in expected(name)["repos"]]
    result = run_cli("facts", *repos, "--format", "jsonl", "--cache-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines
    for line in lines:
        record = json.loads(line)
        jsonschema.Draft202012Validator(schema).validate(record)
        assert not str(record["path"]).startswith("/")
    again = run_cli("facts", *repos, "--format", "jsonl", "--cache-dir", str(tmp_path))
    assert again.stdout == result.stdout  # warm cache, same bytes


def test_manifest_resources_embed_their_objects(kb: KnowledgeBase, scanned: dict[str, Any]) -> None:
    from engine.estate.graph import build_graph

    graph = build_graph(scanned["tf-helm-karpenter"][0], kb.knowledge)
    embeds = sorted((u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "embeds")
    assert embeds == [("tf/main.tf:124", "tf/main.tf:126"), ("tf/main.tf:82", "tf/main.tf:83")]
