"""The shape of the code, enforced: the pipeline's packages depend only on earlier steps, no
import cycles, no private names imported across modules, small modules, a thin cli.py, and no
knowledge id written into engine code."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import yaml

from tests.conftest import ROOT

ENGINE = ROOT / "engine"
# the pipeline, in order: a package may import from itself and from packages before it
LAYERS = [
    "core",
    "knowledge",
    "spec",
    "estate",
    "match",
    "facts",
    "decide",
    "plan",
    "audit",
    "render",
    "commands",
]
MAX_MODULE_LINES = 400
MAX_CLI_LINES = 350


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """(module, imported names, line) for every import in a file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [a.name for a in node.names], node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno


def _resolve(target: str, names: list[str], modules: dict[str, Path]) -> list[str]:
    """The engine modules an import refers to (a `from package import module` names a module)."""
    found = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
    if target in modules:
        found.append(target)
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 2 and parts[1] in LAYERS else None


def test_every_engine_module_is_in_a_pipeline_package() -> None:
    top = {n for n in _modules() if n.count(".") == 1}
    assert top <= {"engine.__main__", *(f"engine.{layer}" for layer in LAYERS)}, top


def test_packages_import_only_earlier_steps() -> None:
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        mine = _layer(name)
        for target, names, line in _imports(path):
            for imported in _resolve(target, names, modules):
                theirs = _layer(imported)
                if mine is not None and theirs is not None and theirs > mine:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert wrong == []


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for target, names, _ in _imports(path):
            for imported in _resolve(target, names, modules):
                if imported != name and not name.startswith(imported + "."):
                    graph.add_edge(name, imported)
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == []


def test_no_private_names_imported_across_modules() -> None:
    modules = _modules()
    wrong = []
    for path in [*modules.values(), ROOT / "cli.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("engine"):
                wrong += [
                    f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_") and a.name != "__version__"
                ]
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in {m.rsplit(".", 1)[-1] for m in modules}
            ):
                wrong.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} uses {node.value.id}.{node.attr}"
                )
    assert wrong == []


def test_modules_are_small_and_the_command_line_thin() -> None:
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in _modules().values()
    }
    assert {p: n for p, n in sizes.items() if n > MAX_MODULE_LINES} == {}
    assert len((ROOT / "cli.py").read_text(encoding="utf-8").splitlines()) <= MAX_CLI_LINES


# String literals in engine code that equal a knowledge id, and why they may stay. Keep short.
ALLOWED_LITERALS: dict[str, str] = {
    "strategy": "the spec's `strategy:` field (also the name of the strategy steps' layer)",
    "stage": "the decision tree's `stage:` field (also an alias of staging)",
    "test": "the `rules test` command (also an environment)",
    "canary": "an Argo Rollouts API key (spec.strategy.canary), read from manifests",
    "workflow": "a file kind: a CI workflow file (also a rollout layer)",
    "cloud": "Terraform's `cloud` block, read from .tf files (also a rollout layer)",
}


def _knowledge_ids() -> dict[str, str]:
    """Every id of an environment (and alias), category, strategy, layer, stage and pattern the
    bundled knowledge defines → what it is."""
    k = ROOT / "knowledge"

    def load(name: str) -> list[dict[str, object]]:
        return yaml.safe_load((k / name).read_text(encoding="utf-8"))

    ids: dict[str, str] = {}
    for env in load("environments.yaml"):
        for name in [env["id"], *env.get("aliases", [])]:  # type: ignore[list-item]
            ids[str(name)] = "environment"
    for file, what in (
        ("categories.yaml", "category"),
        ("rollout.yaml", "layer"),
        ("stages.yaml", "stage"),
        ("strategies.yaml", "deployment strategy"),
    ):
        ids.update({str(e["id"]): what for e in load(file)})
    for entry in load("strategies.yaml") + load("feature-flags.yaml"):
        ids[str(entry["layer"])] = "layer"
    for dim in load("decision-tree.yaml"):
        if dim["id"] in {"implementation_strategy", "deployment_strategy"}:
            for value in dim["values"]:  # type: ignore[union-attr]
                ids[str(value["id"])] = "strategy"  # type: ignore[index]
    for path in (k / "patterns").glob("*.yaml"):
        ids[str(yaml.safe_load(path.read_text(encoding="utf-8"))["id"])] = "pattern"
    return ids


def _ignored(tree: ast.AST) -> set[int]:
    """Docstrings, and dictionary keys (field names of facts and files, not ids)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            out.update(id(k) for k in node.keys if k is not None)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def test_no_knowledge_id_is_written_into_engine_code() -> None:
    ids = _knowledge_ids()
    found = []
    for path in [*_modules().values(), ROOT / "cli.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ignored = _ignored(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in ids
                and node.value not in ALLOWED_LITERALS
                and id(node) not in ignored
            ):
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r} ({ids[node.value]})"
                )
    assert found == [], "knowledge belongs in knowledge/: " + "; ".join(found)


def test_the_pipeline_is_stated_once_and_identically() -> None:
    import engine

    sentence = " ".join(engine.__doc__.split("\n\n", 1)[1].split())
    for doc in (ROOT / "README.md", ROOT / "docs" / "architecture.md"):
        assert sentence in " ".join(doc.read_text(encoding="utf-8").split()), doc
