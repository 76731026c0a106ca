"""Plans use liveness: what is not live (archived, commented out) or kept apart is never an
integration point, a dependent or a rollout target, and the plan says how many were left out
and why."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, run_cli

ESTATES = ROOT / "tests" / "fixtures" / "estates"


def _plan(request: str, repo: str, tmp_path: Path, fmt: str = "json") -> str:
    result = run_cli("plan", request, "--repo", repo, "--format", fmt, "--cache-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_archived_falco_is_left_out_of_a_scanning_plan(tmp_path: Path) -> None:
    repo = f"homelab={ESTATES / 'archive-folder' / 'homelab'}"
    plan = json.loads(_plan("Add security scanning tools to the clusters", repo, tmp_path))
    points = [p["id"] for p in plan["integration_points"]]
    assert not [p for p in points if "archive" in p]
    targets = {t for step in plan["rollout_steps"] for t in step["targets"]}
    assert not [t for t in targets if "archive" in t]
    assert not [d for d in plan["impact"]["dependents"] if "archive" in d["id"]]
    (left,) = plan["impact"]["left_out"]
    assert (left["reason"], left["count"]) == ("not live", 1)
    assert left["ids"] == ["homelab/.archive/falco/app/helmrelease.yaml:2"]
    assert "out-of-service" in left["why"][0]
    facts = {f["id"]: f["fields"] for f in plan["facts"]}
    assert facts["liveness:estate"]["left_out"] == 1


def test_commented_out_policy_engines_are_left_out_and_said_so(tmp_path: Path) -> None:
    repo = f"fleet={ESTATES / 'commented-overlay' / 'fleet'}"
    markdown = _plan("Add Kyverno policy enforcement", repo, tmp_path, "markdown")
    assert "- Left out (not live, or kept apart): 2 not live" in markdown
    assert "commented out in infrastructure/overlays/production/kustomization.yaml" in markdown
    plan = json.loads(_plan("Add Kyverno policy enforcement", repo, tmp_path))
    assert not [p for p in plan["integration_points"] if "kyverno" in p["id"]]
