"""`infraplan check SPEC` against yamllint on the same spec — check runs on every commit as a
pre-commit hook, so it should start about as fast as a YAML linter.

    python bench/check_startup.py [SPEC] [--runs 15]

Runs both side by side, interleaved (so a busy shared machine slows both alike), each a fresh
process, and prints a Markdown table of medians and the median of the per-pair ratios.
Target: ≤ 1.5× yamllint. The first `check` run fills the compiled-knowledge cache (a
temporary folder here, like a user's cache folder); it is measured apart as "first run".
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command() -> list[str]:
    """`python -m engine` of this checkout (PYTHONPATH decides which one), else `infraplan`."""
    if (ROOT / "cli.py").exists():
        return [sys.executable, "-m", "engine"]
    found = shutil.which("infraplan")
    return [found] if found else [sys.executable, "-m", "engine"]


def yamllint() -> list[str]:
    script = Path(sys.executable).parent / "yamllint"
    if script.exists():
        return [str(script)]
    found = shutil.which("yamllint")
    if not found:
        raise SystemExit("yamllint is not installed (pip install yamllint)")
    return [found]


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
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
    with tempfile.TemporaryDirectory(prefix="infraplan-startup-") as cache:
        # as installed: byte code compiled (pip does it at install time), a user cache folder
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["XDG_CACHE_HOME"] = cache
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "engine"), str(ROOT / "cli.py")],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        check = [*command(), "check", opts.spec]
        lint = [*yamllint(), opts.spec]
        first = timed(check, env)  # fills the compiled-knowledge cache
        ours, theirs = [], []
        for _ in range(opts.runs):
            ours.append(timed(check, env))
            theirs.append(timed(lint, env))
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    print(f"{opts.runs} runs each, interleaved; {' '.join(command())} check vs yamllint")
    print()
    print("| command | median (s) | fastest (s) | slowest (s) |")
    print("| --- | ---: | ---: | ---: |")
    for label, runs in ((f"infraplan check {Path(opts.spec).name}", ours), ("yamllint", theirs)):
        print(f"| {label} | {statistics.median(runs):.3f} | {min(runs):.3f} | {max(runs):.3f} |")
    print()
    print(f"first run (fills the knowledge cache): {first:.3f} s")
    print(f"median ratio infraplan check / yamllint: {statistics.median(ratios):.2f}×")


if __name__ == "__main__":
    main()
