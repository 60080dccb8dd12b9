"""How long ``lineage build`` takes with the shipped graph release, against ``python -c pass``, same run.

Run: ``.venv/bin/python benchmarks/build.py [--runs N] [--quick]`` (``--quick``: one run).  Each run is the console command in a
fresh process on a fresh store (``lineage build --store TMP``): interpreter start, imports, the
catalog graphs, the release's bulk load, the adoption index and compaction.  Wall and CPU (user +
system of the child) are printed per run, with the median; ``python -c pass`` is the floor.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="a smoke run: one run")
    args = ap.parse_args()
    if args.quick:
        args.runs = 1
    rows = {"python -c pass": [], "lineage build": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            rows["python -c pass"].append(timed([sys.executable, "-c", "pass"]))
            store = Path(tmp) / f"store{i}"
            rows["lineage build"].append(timed([sys.executable, "-m", "lineage", "build", "--store", str(store)]))
    print(f"{'COMMAND':<16} {'WALL p50':>9} {'CPU p50':>8}  runs (wall/cpu s)")
    for name, times in rows.items():
        walls, cpus = [w for w, _ in times], [c for _, c in times]
        runs = ", ".join(f"{w:.2f}/{c:.2f}" for w, c in times)
        print(f"{name:<16} {statistics.median(walls):>8.2f}s {statistics.median(cpus):>7.2f}s  {runs}")
    print(f"load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
