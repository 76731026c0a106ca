"""rules lint: every kind of planted defect is caught; the bundled rules are clean."""

from __future__ import annotations

from tests.conftest import ROOT, run_cli

OVERLAY = ROOT / "tests" / "fixtures" / "lint-overlay"


def test_bundled_rules_are_clean() -> None:
    result = run_cli("rules", "lint")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "0 error(s), 0 warning(s)"


def test_every_planted_defect_is_caught() -> None:
    result = run_cli(
        "rules",
        "lint",
        "--rules-dir",
        str(OVERLAY / "rules"),
        "--knowledge-dir",
        str(OVERLAY / "knowledge"),
    )
    assert result.returncode == 1
    out = result.stdout
    expected = [
        ("load", "[0].because: is required"),  # schema
        ("load", 'unknown fact type "enhancment"'),
        ("load", 'unknown field "touches_production"'),
        ("load", '"severe" is not a value of risk'),
        ("load", 'duplicate rule id "risk.baseline"'),
        ("load", 'unknown expert "cost-wizard"'),
        ("never-fires", "org.unknown-trait: can never fire: trait.name is never quantum-flux"),
        (
            "never-fires",
            "org.empty-range: can never fire: probe.count: no number satisfies $gte 5 and $lte 2",
        ),
        (
            "contradiction",
            "org.category-secrets: decides category=secret-management under the same conditions where org.category-security",
        ),
        ("subsumed", "org.security-critical-in-prod: subsumed by assessment.security-critical"),
        ("cycle", "org.cycle-a"),
        ("undefined-pattern", 'refers to pattern "payments-failover"'),
        (
            "indistinct-triggers",
            'pattern "rds-rotation-clone" has the same triggers as "rds-rotation"',
        ),
    ]
    for check, text in expected:
        assert any(f": {check}: " in line and text in line for line in out.splitlines()), (
            check,
            text,
            out,
        )
    assert ": warning: subsumed: " in out
    lines_with_positions = [
        line for line in out.splitlines() if line.startswith("rules-2/defects.yaml:")
    ]
    assert len(lines_with_positions) >= 11


def test_warnings_alone_exit_0(tmp_path) -> None:  # type: ignore[no-untyped-def]
    overlay = tmp_path / "org"
    overlay.mkdir()
    (overlay / "org.yaml").write_text(
        "- id: org.security-critical-in-prod\n  expert: secret-guardian\n  when:\n    all:\n      - trait: {name: security-sensitive, present: true}\n      - enhancement: {touches_prod: true}\n  then: {assessment: security-critical}\n  because: Subsumed on purpose.\n"
    )
    result = run_cli("rules", "lint", "--rules-dir", str(overlay))
    assert result.returncode == 0 and "0 error(s), 1 warning(s)" in result.stdout
