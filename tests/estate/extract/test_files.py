"""Helm charts, GitHub Actions workflows, CODEOWNERS."""

from __future__ import annotations

from engine.estate.extract import extract


def test_workflow_on_key_loads_as_true() -> None:
    text = b"name: ci\non:\n  push:\n    branches: [main]\n  pull_request: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n  b:\n    uses: org/repo/.github/workflows/x.yaml@main\n"
    facts = extract("workflow", text, ".github/workflows/ci.yaml")
    assert facts.workflow is not None
    assert facts.workflow.triggers == ["pull_request", "push"]
    assert facts.workflow.jobs == 2
    assert facts.workflow.uses == ["actions/checkout", "org/repo/.github/workflows/x.yaml"]


def test_chart_and_dependencies() -> None:
    text = b"apiVersion: v2\nname: orders\nversion: 1.2.3\nappVersion: '2.0'\ndependencies:\n  - name: app-compat\n    version: 1.8.2\n    repository: file://../app-compat\n"
    chart = extract("chart", text, "charts/orders/Chart.yaml").chart
    assert chart is not None and (chart.name, chart.version, chart.app_version) == (
        "orders",
        "1.2.3",
        "2.0",
    )
    assert [d.name for d in chart.dependencies] == ["app-compat"]


def test_values_keys_only() -> None:
    facts = extract(
        "helm-values", b"image:\n  tag: 1\npassword: not-for-facts\n", "charts/x/values.yaml"
    )
    assert facts.values_keys == ["image", "password"]
    assert "not-for-facts" not in facts.model_dump_json()


def test_codeowners() -> None:
    facts = extract(
        "codeowners", b"# comment\n*  @org/all\n/docs/ @org/docs @alice  # inline\n\n", "CODEOWNERS"
    )
    assert [(r.line, r.pattern, r.owners) for r in facts.owners] == [
        (2, "*", ["@org/all"]),
        (3, "/docs/", ["@org/docs", "@alice"]),
    ]


def test_binary_and_undecodable_files() -> None:
    assert "binary" in extract("yaml", b"\x00\x01\x02", "x.yaml").problems[0].reason
    problem = extract("yaml", b"a: 1\nb: \xff\xfe\n", "x.yaml").problems[0]
    assert problem.line == 2 and "not UTF-8" in problem.reason


def test_deeply_nested_yaml_does_not_crash() -> None:
    text = (
        ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 3))).encode()
        + b"[" * 5000
        + b"]" * 5000
        + b"\n"
    )
    facts = extract("yaml", text, "deep.yaml")
    assert facts.problems
