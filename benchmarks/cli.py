"""Start-up latency of the ``lineage`` command line: cold processes, next to ``python -c pass``.

Run: ``.venv/bin/python benchmarks/cli.py [--runs 10] [--store DIR] [--quick]`` (``--quick``: one run each).  Builds the default store in
DIR (a temporary directory unless given; an existing store is reused), then times each command as
``python -m lineage …`` in a fresh process, ``--runs`` times, and prints the median and the
fastest wall time beside the interpreter's own start-up (``python -c pass``) measured in the same run.

Budgets (issue 18): a one-table question (``claims``, ``ls models``) answers in at most 0.3 s,
``--help`` in at most 0.2 s; the noun-first questions that print several sections (``technique``,
``model``) are timed without a budget, beside the deprecated ``who-uses`` they replace.  ``--json`` prints the table as JSON.
The compiled catalog cache is warmed by the build, as a user's is after the first command; so is
Python's bytecode (kept in a temporary ``PYTHONPYCACHEPREFIX``, even where ``PYTHONDONTWRITEBYTECODE``
is set), as an installed package's is.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = {"--help": 0.2, "claims": 0.3, "ls models": 0.3}
QUERIES = {
    "technique mla": ["technique", "mla"],
    "technique mla --json": ["technique", "mla", "--json"],
    "model deepseek-v3": ["model", "deepseek-v3"],
    "claims": ["claims"],
    "ls models": ["ls", "models"],
    "who-uses mla (old)": ["who-uses", "mla"],
}


def wall(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Wall times of ``runs`` cold processes running ``argv`` (output discarded; must exit 0)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="cold processes per command (median reported)")
    parser.add_argument("--store", type=Path, help="store directory (built when empty)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--quick", action="store_true", help="a smoke run: one process per command")
    args = parser.parse_args()
    if args.quick:
        args.runs = 1

    tmp = tempfile.TemporaryDirectory()
    store = args.store or Path(tmp.name) / "store"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LINEAGE_STORE": str(store), "COLUMNS": "100"}
    env.pop("LINEAGE_DEBUG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an install compiles its bytecode once; so does the build below
    env["PYTHONPYCACHEPREFIX"] = str(Path(tmp.name) / "pycache")
    py = [sys.executable]
    if not store.exists():
        subprocess.run([*py, "-m", "lineage", "build"], env=env, stdout=subprocess.DEVNULL, check=True)
    for argv in QUERIES.values():  # compiles the modules each command imports
        subprocess.run([*py, "-m", "lineage", *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

    commands = {"python -c pass": [*py, "-c", "pass"], "--help": [*py, "-m", "lineage", "--help"]}
    commands |= {name: [*py, "-m", "lineage", *argv] for name, argv in QUERIES.items()}
    rows = []
    for name, argv in commands.items():
        times = wall(argv, env, args.runs)
        budget = BUDGETS.get(name)
        med = statistics.median(times)
        rows.append({"command": name, "median_s": round(med, 3), "min_s": round(min(times), 3),
                     "budget_s": budget, "ok": None if budget is None else med <= budget})
    if args.json:
        print(json.dumps({"runs": args.runs, "python": sys.version.split()[0], "rows": rows}, indent=2))
        return
    print(f"{'command':<20} {'median':>8} {'min':>8} {'budget':>8}  (median of {args.runs} cold processes)")
    for r in rows:
        budget = "-" if r["budget_s"] is None else f"{r['budget_s']:.2f}s"
        mark = "" if r["ok"] is None else ("  ok" if r["ok"] else "  OVER")
        print(f"{r['command']:<20} {r['median_s']:>7.3f}s {r['min_s']:>7.3f}s {budget:>8}{mark}")


if __name__ == "__main__":
    main()
