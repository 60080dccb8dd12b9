"""``lineage verify`` on the default build, against the path before issue 31, measured in the same run.

Run: ``.venv/bin/python benchmarks/verify.py [--runs 5] [--baseline-rev REV] [--quick]``.  Builds the
default store (``lineage build``) in a temporary folder, then times ``lineage verify`` on it as a
fresh process: wall, CPU and peak memory, median of ``--runs``.  The baseline is the same command
(one warm-up run first) from ``--baseline-rev`` (default: the commit before issue 31, whose verify read every claim once per
secondary source and rewrote every source), checked out with ``git archive`` into the temporary
folder and run on a copy of the same store.  ``verify`` changes nothing on the default build, so
every run sees the same store.

The first run of the current path fills the measurement cache (the ratio formulas import torch);
it is printed apart as ``cold cache`` and the timed runs read it back, as a user's second verify does.
``--quick`` times one run of each and skips the baseline unless ``--baseline-rev`` is given.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import ROOT, environment, load, median, parser, run

BEFORE_ISSUE_31 = "62e3eb5"


def checkout(rev: str, into: Path) -> Path:
    """The package and its data at ``rev``, unpacked into ``into``."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev, "lineage", "seeds", "queries", "ontology"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--baseline-rev", help=f"revision of the old path (default {BEFORE_ISSUE_31}; skipped by --quick)")
    args = p.parse_args()
    runs = 1 if args.quick else args.runs
    rev = args.baseline_rev or (None if args.quick else BEFORE_ISSUE_31)
    print(load())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = environment(LINEAGE_CACHE=str(tmp / "cache"))
        store = tmp / "store"
        run([sys.executable, "-m", "lineage", "build", "--store", str(store)], env)
        verify = [sys.executable, "-m", "lineage", "verify", "--store", str(store)]
        cold = run(verify, env)
        now = median([run(verify, env) for _ in range(runs)])
        print(f"{'path':<28} {'wall s':>7} {'cpu s':>7} {'peak MiB':>9}")
        print(f"{'verify, cold cache':<28} {cold.wall:>7.2f} {cold.cpu:>7.2f} {cold.peak_mib:>9.0f}")
        print(f"{'verify':<28} {now.wall:>7.2f} {now.cpu:>7.2f} {now.peak_mib:>9.0f}   (median of {runs})")
        if rev:
            old_root = checkout(rev, tmp / "old")
            old_env = environment(PYTHONPATH=str(old_root), LINEAGE_CACHE=str(tmp / "cache-old"))
            shutil.copytree(store, tmp / "store-old")
            old_cmd = [sys.executable, "-m", "lineage", "verify", "--store", str(tmp / "store-old")]
            run(old_cmd, old_env, cwd=old_root)  # compiles its bytecode and catalog, as the current path's first run did
            old = median([run(old_cmd, old_env, cwd=old_root) for _ in range(max(1, runs // 2))])
            print(f"{'verify at ' + rev:<28} {old.wall:>7.2f} {old.cpu:>7.2f} {old.peak_mib:>9.0f}"
                  f"   (median of {max(1, runs // 2)})")
            print(f"ratio old / new: wall {old.wall / now.wall:.1f}x, cpu {old.cpu / now.cpu:.1f}x, "
                  f"peak memory {old.peak_mib / now.peak_mib:.1f}x")
    print("target (issue 31): verify <= 1 s on the default build")


if __name__ == "__main__":
    main()
