"""What reading an estate uses of the knowledge, loaded alone for `facts` and `graph`
(environments.yaml and estate.yaml): the same as the whole knowledge base's, keyed alike, overlays
included, errors reported like the whole knowledge base's."""

from __future__ import annotations

import json
from pathlib import Path

from engine.core.resources import bundled
from engine.estate.estatecache import estate_key
from engine.estate.read import ScanOptions
from engine.knowledge.load import load_estate_knowledge, load_knowledge
from tests.conftest import run_cli

PERF_ENV = "- id: perf\n  aliases: [performance]\n"


def _overlay(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "acme-knowledge"
    root.mkdir()
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "infra"
    (repo / "envs" / "perf").mkdir(parents=True)
    (repo / "envs" / "perf" / "main.tf").write_text('resource "aws_sqs_queue" "jobs" {}\n')
    return repo


def test_the_estate_part_is_the_whole_knowledges_and_keys_the_estate_cache_alike(
    tmp_path: Path,
) -> None:
    overlay = _overlay(tmp_path, {"environments.yaml": PERF_ENV})
    for dirs in ([bundled("knowledge")], [bundled("knowledge"), overlay]):
        whole, part = load_knowledge(dirs), load_estate_knowledge(dirs)
        assert part.environments == whole.environments
        assert part.reading == whole.reading
        assert part.estate_digest == whole.estate_digest
        # the plan's estate cache entry is the one `facts` wrote
        assert estate_key([], part, ScanOptions()) == estate_key([], whole, ScanOptions())
        assert [f.path for f in part.files] == [
            f
            for f in sorted(f.path for f in whole.files)
            if f.endswith(("/environments.yaml", "/estate.yaml"))
        ]
    with_overlay = load_estate_knowledge([bundled("knowledge"), overlay])
    assert with_overlay.estate_digest != load_estate_knowledge([bundled("knowledge")]).estate_digest
    assert "perf" in [e.id for e in with_overlay.environments]


def test_only_what_reading_uses_keys_the_estate_cache(tmp_path: Path) -> None:
    """A new pattern changes plans, not how an estate is read: the estate cache stays valid."""
    pattern = (bundled("knowledge") / "patterns").glob("*.yaml").__next__().read_text()
    overlay = _overlay(tmp_path, {"patterns/mine.yaml": pattern.replace("id: ", "id: acme-", 1)})
    whole = load_knowledge([bundled("knowledge"), overlay])
    assert whole.digest != load_knowledge([bundled("knowledge")]).digest
    assert whole.estate_digest == load_estate_knowledge([bundled("knowledge")]).estate_digest


def test_facts_reads_an_overlays_environments(tmp_path: Path) -> None:
    repo, overlay = _repo(tmp_path), _overlay(tmp_path, {"environments.yaml": PERF_ENV})
    args = ("facts", f"infra={repo}", "--format", "jsonl", "--no-cache")
    plain = [json.loads(line) for line in run_cli(*args).stdout.splitlines()]
    assert [o["environments"] for o in plain] == [[]]
    ran = run_cli(*args, "--knowledge-dir", str(overlay))
    assert ran.returncode == 0, ran.stderr
    assert [json.loads(line)["environments"] for line in ran.stdout.splitlines()] == [["perf"]]


def test_a_broken_estate_file_is_reported_by_facts_with_its_line(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, {"environments.yaml": "- id: perf\n  prod: maybe\n"})
    ran = run_cli("facts", str(_repo(tmp_path)), "--no-cache", "--knowledge-dir", str(overlay))
    assert ran.returncode == 2
    assert "acme-knowledge/environments.yaml:2" in ran.stderr
    assert "Traceback" not in ran.stderr


def test_facts_does_not_read_the_knowledge_it_does_not_use(tmp_path: Path) -> None:
    """A broken pattern in an overlay stops `plan` (which uses it), never `facts` (which does
    not read it)."""
    overlay = _overlay(tmp_path, {"patterns/broken.yaml": "id: [not, a, pattern\n"})
    repo = _repo(tmp_path)
    facts = run_cli("facts", str(repo), "--no-cache", "--knowledge-dir", str(overlay))
    assert facts.returncode == 0, facts.stderr
    plan = run_cli(
        "plan", "Add a dashboard", "--repo", f"infra={repo}", "--no-cache",
        "--knowledge-dir", str(overlay),
    )  # fmt: skip
    assert plan.returncode == 2
    assert "acme-knowledge/patterns/broken.yaml:2" in plan.stderr
