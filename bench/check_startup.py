"""Median wall time of `infraplan check SPEC` — it runs on every commit as a pre-commit hook.

    python bench/check_startup.py [SPEC] [--runs 15]

Aim: under half a second on a two-core machine. Prints a Markdown table with the median, the
fastest and the slowest run, and the import time of the command line alone for comparison.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command() -> list[str]:
    script = Path(sys.executable).parent / "infraplan"
    if script.exists():
        return [str(script)]
    found = shutil.which("infraplan")
    return [found] if found else [sys.executable, "-m", "engine"]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "spec", nargs="?", default=str(ROOT / "examples" / "specs" / "rds-rotation.yaml")
    )
    parser.add_argument("--runs", type=int, default=15)
    opts = parser.parse_args()
    timed([*command(), "--version"])  # warm the file system cache
    rows = []
    for label, args in (
        ("infraplan --version", [*command(), "--version"]),
        (f"infraplan check {Path(opts.spec).name}", [*command(), "check", opts.spec]),
    ):
        runs = [timed(args) for _ in range(opts.runs)]
        rows.append((label, statistics.median(runs), min(runs), max(runs)))
    print(f"{opts.runs} runs each, {' '.join(command())}")
    print()
    print("| command | median (s) | fastest (s) | slowest (s) |")
    print("| --- | ---: | ---: | ---: |")
    for label, median, fastest, slowest in rows:
        print(f"| {label} | {median:.3f} | {fastest:.3f} | {slowest:.3f} |")


if __name__ == "__main__":
    main()
