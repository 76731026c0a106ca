"""Compare `infraplan facts` cold and warm across work trees (commits), runs interleaved.

    python bench/facts_compare.py ../wt-base . [--scale 5] [--rounds 3] [PATH ...]

Each round runs, for every tree (in turn, then in the reverse order the next round), one cold
run (a fresh cache folder) and one warm run (the same folder again), exactly as
bench/facts_bench.py does (`--jobs 2 --format json`, fresh processes, the estate copied with
`git init`), and records CPU seconds (the process and its children: workers, git), wall
seconds and peak memory. Each tree runs its own engine: `python -m engine` in that folder. On
a shared, noisy machine, CPU time of interleaved runs is the number to compare. Prints a
Markdown table of medians and whether each tree's outputs were byte-identical across runs.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from facts_bench import ROOT, estate_args

_MEASURE = """
import hashlib, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
digest = hashlib.sha256(done.stdout).hexdigest()[:12]
print(f"{wall} {usage.ru_maxrss} {done.returncode} {usage.ru_utime + usage.ru_stime} {digest}")
sys.stderr.write(done.stderr[-2000:].decode(errors="replace"))
"""


def run(tree: Path, repos: list[str], cache: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak MB and output digest of one `facts` run of `tree`."""
    command = [sys.executable, "-m", "engine", "facts", *repos]
    command += ["--format", "json", "--cache-dir", str(cache), "--jobs", "2"]
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        cwd=tree,
        check=False,
    )
    wall, peak, code, cpu, digest = out.stdout.split()
    if code != "0":
        raise SystemExit(f"facts failed in {tree} ({code}): {out.stderr}")
    return float(wall), float(cpu), int(peak) / 1024, digest


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("trees", nargs="+", type=Path, help="work trees to compare")
    parser.add_argument("--path", action="append", type=Path, default=[], help="estate paths")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    paths = opts.path or [
        p for p in (ROOT.parent / "shared" / "corpus", ROOT / "examples" / "estate") if p.is_dir()
    ]
    trees = [t.resolve() for t in opts.trees]
    runs: dict[Path, dict[str, list[float]]] = {t: {} for t in trees}
    outputs: dict[Path, set[str]] = {t: set() for t in trees}
    with tempfile.TemporaryDirectory(prefix="infraplan-compare-") as tmp:
        repos, files, size = estate_args(paths, opts.scale, Path(tmp) / "estate")
        for i in range(opts.rounds):
            for tree in trees if i % 2 == 0 else trees[::-1]:
                cache = Path(tmp) / f"cache-{hashlib.sha256(bytes(tree)).hexdigest()[:8]}-{i}"
                for phase in ("cold", "warm"):
                    wall, cpu, peak, digest = run(tree, repos, cache)
                    for name, value in (("wall", wall), ("cpu", cpu), ("peak", peak)):
                        runs[tree].setdefault(f"{phase} {name}", []).append(value)
                    outputs[tree].add(digest)
    print(f"estate: {len(repos)} repositories, {files} files, {size / 1e6:.1f} MB, x{opts.scale}")
    print(f"median of {opts.rounds} interleaved rounds\n")
    print("| tree | cold CPU (s) | cold wall (s) | warm CPU (s) | warm wall (s) | peak MB | same |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for tree in trees:
        r = runs[tree]
        print(
            f"| {tree} | {statistics.median(r['cold cpu']):.2f} | "
            f"{statistics.median(r['cold wall']):.2f} | {statistics.median(r['warm cpu']):.2f} | "
            f"{statistics.median(r['warm wall']):.2f} | {max(r['cold peak']):.0f} | "
            f"{'yes' if len(outputs[tree]) == 1 else 'NO'} |"
        )


if __name__ == "__main__":
    main()
