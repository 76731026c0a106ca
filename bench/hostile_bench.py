"""Measure infraplan on the hostile inputs of issue 14: wall time and peak memory per class.

    python bench/hostile_bench.py            # prints a Markdown table (bench/hostile.md)

Each row is one fresh `infraplan` process on one generated input (tests/hostile/build.py, the
same builders the hostile test suite uses); peak memory is that process's largest resident set
(a launcher's RUSAGE_CHILDREN). The "before" column quotes what issue 14 measured before the
limits existed (the rules overlays: what they did before the rule-count limits).
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile.build import (  # noqa: E402
    RDS,
    YAML_ATTACKS,
    big_codeowners_repo,
    hostile_repo,
    measured,
    remove_deep,
    write,
)


def cases(work: Path) -> list[tuple[str, str, list[str]]]:
    """(class, before, args) for each measurement."""
    bomb = write(work / "bomb.yaml", YAML_ATTACKS["alias-bomb"][0])
    deep = write(work / "deep.yaml", YAML_ATTACKS["deep"][0])
    alias = write(work / "alias.yaml", YAML_ATTACKS["recursive-alias"][0])
    huge = work / "huge.yaml"
    huge.write_text(RDS.read_text() + "padding_key: 1\n" * 3_500_000)
    many = write(work / "many.yaml", RDS.read_text() + "".join(f"k{i}: 1\n" for i in range(50_000)))
    os.mkfifo(work / "fifo.yaml")
    write(work / "deep.json", "[" * 100_000)
    globs = work / "globs"
    write(globs / ".gitignore", "*a*a*a*a*a*a*a*a*a*a*a*a*b\n")
    write(globs / "CODEOWNERS", "*a*a*a*a*a*a*a*a*a*a*a*a*b @x\n")
    write(globs / ("a" * 40 + ".yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    hostile_repo(work / "hostile")
    big_codeowners_repo(work / "owners")
    rule = (
        "- id: org.r{i}\n  expert: incident-responder\n"
        '  when: {{all: [{{enhancement: {{name: {{$ne: "x{i}"}}}}}}]}}\n'
        "  then: {{testing: unit}}\n  because: Rule {i}.\n"
    )
    for count in (100, 600):
        write(work / f"rules-{count}" / "org.yaml", "".join(rule.format(i=i) for i in range(count)))
    return [
        (
            "rules overlay: 100 similar rules",
            "internal error",
            ["plan", str(RDS), "--rules-dir", str(work / "rules-100")],
        ),
        (
            "rules overlay: 600 rules",
            "hangs",
            ["plan", str(RDS), "--rules-dir", str(work / "rules-600")],
        ),
        ("billion laughs spec", "3.9 GB, killed", ["check", str(bomb), "--format", "sarif"]),
        ("spec nested 500 deep", "RecursionError", ["plan", str(deep)]),
        ("recursive alias in a spec", "RecursionError", ["plan", str(alias)]),
        ("50 MB spec", "3.8 GB, killed", ["plan", str(huge)]),
        ("800 kB spec of 50,000 unknown keys", "50 MB of errors", ["plan", str(many)]),
        ("spec path is a FIFO", "blocks forever", ["plan", str(work / "fifo.yaml")]),
        ("plan path is /dev/zero", "reads until out of memory", ["explain", "/dev/zero"]),
        ("plan nested 100,000 deep", "", ["explain", str(work / "deep.json")]),
        (
            "glob bomb in .gitignore and CODEOWNERS",
            "hangs",
            ["facts", f"globs={globs}", "--no-cache"],
        ),
        (
            "50,000 CODEOWNERS rules x 2,000 files",
            "5.5 minutes",
            ["facts", f"owners={work / 'owners'}", "--no-cache"],
        ),
        (
            "every hostile repository class at once",
            "RecursionError, hangs",
            ["graph", f"hostile={work / 'hostile'}", "--format", "json", "--no-cache"],
        ),
        (
            "plan over every hostile repository class",
            "RecursionError, hangs",
            ["plan", str(RDS), "--repo", f"hostile={work / 'hostile'}", "--no-cache"],
        ),
    ]


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="infraplan-hostile-bench-"))
    try:
        rows = []
        for name, before, args in cases(work):
            run = measured(*args, cwd=work, timeout=300)
            rows.append((name, before, run))
    finally:
        if (work / "hostile" / "deep").exists():
            remove_deep(work / "hostile" / "deep")
        shutil.rmtree(work)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.system()}")
    print()
    print("| input | before (issue 14) | exit | seconds | peak MB |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, before, run in rows:
        print(
            f"| {name} | {before or '—'} | {run.returncode} | {run.seconds:.2f} | {run.max_rss_mb:.0f} |"
        )


if __name__ == "__main__":
    main()
