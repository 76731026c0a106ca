"""Measure `infraplan facts` on an estate: cold with 1 and N workers, then warm (cached), each
against a plain parse of the same files in one process (python-hcl2's `hcl2.loads` for .tf and
.tfvars, PyYAML's C loader for every YAML document) measured in the same run.

    python bench/facts_bench.py [PATH ...] [--scale 10] [--jobs 2] [--repeat 3]
    python bench/facts_bench.py --terraform-mb 2 --repeat 1

Targets (issue 15): warm ≤ 0.03× and cold (N workers) ≤ 0.5× the plain parse, in wall time.
Each copied repository is made a git work tree (`git init`, nothing committed), as real
repositories are, so discovery lists it with git; `--no-git` keeps plain folders. The engine's
byte code is compiled first, as installed (pip compiles it; PYTHONDONTWRITEBYTECODE would
otherwise make every run compile the engine's modules again).

Warm runs are answered by the output cache (engine/commands/facts_replay.py): a run whose
inputs are unchanged replays the output stored by the last run. "warm, output cache missed"
removes that entry before each run: the command itself with every other cache warm, plus what
a miss of the output cache costs (its key computed before and after the run).

Without PATH: ../shared/corpus (when present) and examples/estate. `--scale N` copies the
estate N times into a temporary folder first, to measure larger estates. `--terraform-mb M`
measures instead a generated Terraform estate of about M megabytes (real estates are dominated
by Terraform parsing: python-hcl2 reads ~0.15 MB/s). Each run is a fresh
`python -m engine facts` process; peak memory is the largest resident set of any process of
the run (the main process or a worker). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall} {usage.ru_maxrss} {done.returncode} {usage.ru_utime + usage.ru_stime}")
sys.stderr.write(done.stderr[-2000:])
"""

_PLAIN = """
import os, sys
import hcl2, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for root in sys.argv[1:]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                if name.endswith((".tf", ".tfvars")):
                    hcl2.loads(open(path, encoding="utf-8").read())
                elif name.endswith((".yaml", ".yml")):
                    list(yaml.load_all(open(path, encoding="utf-8").read(), Loader=loader))
            except Exception:
                pass
"""


def run_once(args: list[str], plain: bool = False) -> tuple[float, int, float]:
    """Wall seconds, peak KiB and CPU seconds of one fresh `facts` (or plain parse) process."""
    command = (
        [sys.executable, "-c", _PLAIN, *args]
        if plain
        else [sys.executable, "-m", "engine", "facts", *args]
    )
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    wall, peak, code, cpu = out.stdout.split()
    if code != "0":
        raise SystemExit(f"facts failed ({code}): {out.stderr}")
    return float(wall), int(peak), float(cpu)


def estate_args(
    paths: list[Path], scale: int, work: Path, git: bool = True
) -> tuple[list[str], int, int]:
    repos: list[str] = []
    files = size = 0
    for copy in range(scale):
        for path in paths:
            for repo in (
                sorted(p for p in path.iterdir() if p.is_dir())
                if (path / ".").is_dir() and not _is_repo(path)
                else [path]
            ):
                target = work / f"{repo.name}-{copy}"
                if not target.exists():
                    shutil.copytree(repo, target, symlinks=True)
                    if git and not (target / ".git").exists():
                        subprocess.run(["git", "init", "-q"], cwd=target, check=False)
                repos.append(f"{repo.name}-{copy}={target}")
                for f in target.rglob("*"):
                    if f.is_file() and ".git" not in f.relative_to(target).parts:
                        files += 1
                        size += f.stat().st_size
    return repos, files, size


def _is_repo(path: Path) -> bool:
    """A folder of repositories (like shared/corpus) or one repository?"""
    return (
        any(p.is_file() and p.suffix in {".tf", ".yaml", ".yml"} for p in path.iterdir())
        or (path / ".git").exists()
    )


_MODULE = """
resource "aws_security_group" "sg_{i}" {{
  name   = "${{var.env}}-svc-{i}"
  vpc_id = var.vpc_id
  dynamic "ingress" {{
    for_each = var.ports
    content {{
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [var.cidr]
    }}
  }}
  tags = merge(local.tags, {{ Name = "svc-{i}" }})
}}

resource "aws_iam_role" "role_{i}" {{
  count              = var.enabled ? 1 : 0
  name               = "svc-{i}-${{var.env}}"
  assume_role_policy = data.aws_iam_policy_document.assume_{i}.json
}}

data "aws_iam_policy_document" "assume_{i}" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }}
  }}
}}

resource "aws_lambda_function" "fn_{i}" {{
  for_each      = toset(var.regions)
  function_name = "svc-{i}-${{each.key}}"
  role          = aws_iam_role.role_{i}[0].arn
  handler       = "main.handler"
  runtime       = "python3.12"
  vpc_config {{
    security_group_ids = [aws_security_group.sg_{i}.id]
    subnet_ids         = var.subnet_ids
  }}
  environment {{
    variables = {{ TABLE = "t-{i}", STAGE = var.env }}
  }}
}}
"""


def write_terraform(root: Path, megabytes: float) -> tuple[list[str], int, int]:
    files = size = 0
    block = 0
    module = 0
    while size < megabytes * 1e6:
        folder = root / f"tf-{module // 20}" / f"module-{module}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "".join(_MODULE.format(i=block + j) for j in range(12))
        text += 'locals {\n  tags = { team = "platform" }\n}\n'
        (folder / "main.tf").write_text(text)
        block += 12
        module += 1
        files += 1
        size += len(text)
    repos = [f"{p.name}={p}" for p in sorted(root.iterdir())]
    return repos, files, size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--terraform-mb", type=float, default=0.0)
    parser.add_argument("--no-git", action="store_true", help="Leave the copies plain folders.")
    opts = parser.parse_args()
    paths = opts.paths or [
        p for p in (ROOT.parent / "shared" / "corpus", ROOT / "examples" / "estate") if p.is_dir()
    ]
    subprocess.run(  # as installed: byte code compiled (pip does it at install time)
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "engine"), str(ROOT / "cli.py")],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    with tempfile.TemporaryDirectory(prefix="infraplan-bench-") as tmp:
        work = Path(tmp)
        if opts.terraform_mb:
            repos, files, size = write_terraform(work / "estate", opts.terraform_mb)
            paths = [Path(f"generated Terraform, {opts.terraform_mb} MB")]
        else:
            repos, files, size = estate_args(paths, opts.scale, work / "estate", not opts.no_git)
        rows = []
        plain = [run_once([r.partition("=")[2] for r in repos], plain=True)]
        rows.append(("plain parse (hcl2 + PyYAML)", plain[0][0], plain[0][1] / 1024, plain[0][2]))
        for label, jobs, warm in (
            ("cold, 1 worker", 1, False),
            (f"cold, {opts.jobs} workers", opts.jobs, False),
            (f"warm, {opts.jobs} workers", opts.jobs, True),
            (f"warm, {opts.jobs} workers, output cache missed", opts.jobs, True),
        ):
            walls, peaks, cpus = [], [], []
            for i in range(opts.repeat):
                cache = work / f"cache-{label}-{i}"
                if warm:
                    run_once(
                        [*repos, "--format", "json", "--cache-dir", str(cache), "--jobs", str(jobs)]
                    )
                if "missed" in label:
                    for entry in cache.glob("output-*.bin"):
                        entry.unlink()
                wall, peak, cpu = run_once(
                    [*repos, "--format", "json", "--cache-dir", str(cache), "--jobs", str(jobs)]
                )
                walls.append(wall)
                peaks.append(peak)
                cpus.append(cpu)
            rows.append(
                (label, statistics.median(walls), max(peaks) / 1024, statistics.median(cpus))
            )
        base, base_cpu = rows[0][1], rows[0][3]
        scale = "" if opts.terraform_mb else f" x{opts.scale}"
        print(
            f"estate: {len(repos)} repositories, {files} files, {size / 1e6:.1f} MB ({', '.join(str(p) for p in paths)}{scale}); median of {opts.repeat}"
        )
        print()
        print(
            "| run | wall (s) | vs plain parse (wall) | CPU (s) | vs plain parse (CPU) | peak memory (MB) |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for label, wall, peak, cpu in rows:
            print(
                f"| {label} | {wall:.2f} | {wall / base:.3f}× | {cpu:.2f} | {cpu / base_cpu:.3f}× | {peak:.0f} |"
            )
        print()
        print(
            json.dumps(
                {
                    "files": files,
                    "bytes": size,
                    "runs": {
                        label: {
                            "wall_s": round(wall, 3),
                            "cpu_s": round(cpu, 3),
                            "peak_mb": round(peak, 1),
                        }
                        for label, wall, peak, cpu in rows
                    },
                }
            )
        )


if __name__ == "__main__":
    main()
