"""Facts bundles: each repository's CI writes one, one planning job plans from all of them with
the same decisions and integration points as from the repositories; verify checks them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, run_cli, run_entry_point

ESTATE = EXAMPLES / "estate"
SPEC = str(EXAMPLES / "specs" / "rds-rotation.yaml")
REPOS = [
    "--repo",
    f"infra-tf={ESTATE / 'infra-tf'}",
    "--repo",
    f"infra-flux={ESTATE / 'infra-flux'}",
]


def _bundle(repo: Path, out: Path, name: str = "") -> Path:
    arg = f"{name}={repo}" if name else str(repo)
    done = run_cli("facts", arg, "--bundle", "-o", str(out), "--no-cache")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("bundles")
    return [_bundle(ESTATE / n, folder / f"{n}.facts.json") for n in ("infra-tf", "infra-flux")]


def _plan(*args: str) -> dict:  # type: ignore[type-arg]
    done = run_cli("plan", SPEC, *args, "--format", "json", "--no-cache")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_planned_from_bundles_as_from_the_repositories(bundles: list[Path]) -> None:
    from_repos = _plan(*REPOS)
    from_bundles = _plan("--facts", str(bundles[0]), "--facts", str(bundles[1]))
    assert from_bundles["decisions"] == from_repos["decisions"]
    assert from_bundles["integration_points"] == from_repos["integration_points"]
    assert from_repos["integration_points"]  # the estate was read
    recorded = from_bundles["inputs"].pop("bundles")
    assert [b["repository"] for b in recorded] == ["infra-flux", "infra-tf"]
    assert all(b["digest"].startswith("sha256:") for b in recorded)
    assert from_repos["inputs"].pop("bundles") == []
    assert from_bundles == from_repos  # the same plan, apart from what it read
    mixed = _plan(REPOS[0], REPOS[1], "--facts", str(bundles[1]))
    assert mixed["decisions"] == from_repos["decisions"]
    assert mixed["integration_points"] == from_repos["integration_points"]


def test_a_bundle_is_deterministic_and_secret_free(tmp_path: Path, bundles: list[Path]) -> None:
    again = _bundle(ESTATE / "infra-tf", tmp_path / "again.json")
    assert again.read_bytes() == bundles[0].read_bytes()
    secrets = _bundle(ROOT / "tests" / "fixtures" / "secrets-repo", tmp_path / "secrets.json")
    assert "FAKE-SECRET" not in secrets.read_text()
    data = json.loads(bundles[0].read_text())
    assert data["format"] == "infraplan-facts-bundle" and data["repository"] == "infra-tf"
    assert {"tool_version", "extractor_version", "extractor_code", "commit"} <= data.keys()
    assert all(f["sha256"] for f in data["repo"]["files"])


def test_a_work_tree_bundle_records_its_commit(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "infra-tf"
    shutil.copytree(ESTATE / "infra-tf", repo)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
        subprocess.run([*git, *args], cwd=repo, check=True, capture_output=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True)
    bundle = json.loads(_bundle(repo, tmp_path / "b.json").read_text())
    assert bundle["commit"] == head.stdout.strip()


def test_verify_a_bundle_plan(tmp_path: Path, bundles: list[Path]) -> None:
    plan = tmp_path / "plan.json"
    spec = tmp_path / "rds.yaml"
    shutil.copy(SPEC, spec)
    facts = ["--facts", str(bundles[0]), "--facts", str(bundles[1])]
    assert run_cli("plan", str(spec), *facts, "-o", str(plan), "--no-cache").returncode == 0
    done = run_cli("verify", str(plan), *facts, "--no-cache")
    assert done.returncode == 0 and "verified" in done.stdout, done.stdout + done.stderr
    changed = tmp_path / "infra-tf"
    shutil.copytree(ESTATE / "infra-tf", changed)
    main = sorted(changed.rglob("*.tf"))[0]
    main.write_text(main.read_text() + '\nresource "aws_db_instance" "extra" {}\n')
    other = _bundle(changed, tmp_path / "infra-tf.facts.json")
    done = run_cli("verify", str(plan), "--facts", str(other), facts[2], facts[3], "--no-cache")
    assert done.returncode == 1
    assert "NOT reproducible" in done.stdout and "facts bundle of infra-tf" in done.stdout


def test_another_version_or_a_malformed_bundle_is_refused(
    tmp_path: Path, bundles: list[Path]
) -> None:
    data = json.loads(bundles[0].read_text())
    cases = {
        "old.json": json.dumps({**data, "tool_version": "0.0.1"}),
        "extractors.json": json.dumps({**data, "extractor_code": "000000000000"}),
        "format.json": json.dumps({**data, "bundle_version": 99}),
        "partial.json": json.dumps({k: v for k, v in data.items() if k != "repo"}),
        "edited.json": json.dumps({**data, "repository_digest": "sha256:0"}),
        "list.json": "[1, 2]",
        "broken.json": "{",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        # in this process (a bug would fail the test with its traceback); the real entry point
        # once, for the contract that no traceback reaches the user
        run = run_entry_point if name == "broken.json" else run_cli
        done = run("plan", SPEC, "--facts", str(tmp_path / name), "--no-cache")
        assert done.returncode == 2, (name, done.stderr)
        assert done.stderr.startswith(f"error: {tmp_path / name}: "), (name, done.stderr)
        assert "Traceback" not in done.stderr
    assert (
        "make it again with this version"
        in run_entry_point("plan", SPEC, "--facts", str(tmp_path / "old.json")).stderr
    )


def test_bundle_takes_one_repository_and_names_stay_unique(bundles: list[Path]) -> None:
    done = run_cli("facts", str(ESTATE / "infra-tf"), str(ESTATE / "infra-flux"), "--bundle")
    assert done.returncode == 2 and "one repository" in done.stderr
    done = run_cli("plan", SPEC, REPOS[0], REPOS[1], "--facts", str(bundles[0]), "--no-cache")
    assert done.returncode == 2 and 'two repositories are named "infra-tf"' in done.stderr


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("repository", "x\ny", "repository name"),
        ("repository", "a\u202eb", "repository name"),
        ("path", "../../etc/passwd", "file path"),
        ("path", "/etc/passwd", "file path"),
        ("path", "a\nb.yaml", "file path"),
    ],
)
def test_names_and_paths_a_bundle_cannot_hold(
    tmp_path: Path, bundles: list[Path], field: str, value: str, message: str
) -> None:
    # edited with its digest made to match: refused for what it holds, not as a digest mismatch
    import hashlib

    data = json.loads(bundles[1].read_text(encoding="utf-8"))
    if field == "repository":
        data["repository"] = data["repo"]["name"] = value
    else:
        data["repo"]["files"][0]["path"] = value
    files = sorted(data["repo"]["files"], key=lambda f: f["path"])
    text = "".join(f"{f['path']}\0{f['sha256']}\n" for f in files)
    data["repository_digest"] = f"sha256:{hashlib.sha256(text.encode()).hexdigest()}"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    done = run_cli("plan", SPEC, "--facts", str(edited), "--no-cache")
    assert done.returncode == 2 and message in done.stderr, done.stderr


def test_a_repository_name_on_more_than_one_line_is_refused() -> None:
    done = run_cli("facts", f"x\ny={ESTATE / 'infra-tf'}")
    assert done.returncode == 2 and "a repository name" in done.stderr, done.stderr
