"""Start-up latency of the ``lineage`` command line: cold processes, next to ``python -c pass``, same run.

Run: ``.venv/bin/python benchmarks/cli.py [--runs 10] [--store DIR] [--against REV] [--quick]`` (``--quick``: one
run each).  Builds the default store in DIR (a temporary directory unless given; an existing store is reused),
then times each command as ``python -m lineage …`` in a fresh process, ``--runs`` times, and prints the median
wall and CPU time (user + system, the kernel's accounting of the child) beside the interpreter's own start-up
(``python -c pass``) measured in the same run.  ``--against REV`` also times the package at git revision REV
(unpacked with ``git archive``, on its own copy of the store), alternating with this tree command by command,
and checks that both print the same answer.

Budgets (issues 18 and 31): every question answers in at most 0.3 s cold, ``--help`` in at most 0.2 s.  The
judged figure is the median wall time; on a shared machine under load it grows with the load while the CPU
time does not, so the load average is printed with the table.  ``--json`` prints the table as JSON.
The compiled catalog cache is warmed by the build, as a user's is after the first command; so is
Python's bytecode (kept in a temporary ``PYTHONPYCACHEPREFIX``, even where ``PYTHONDONTWRITEBYTECODE``
is set), as an installed package's is; so is the store's read model, as after a user's first question.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import load, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERIES = {
    "technique mla": ["technique", "mla"],
    "technique mla --json": ["technique", "mla", "--json"],
    "labs deepseek moonshot-ai": ["labs", "deepseek", "moonshot-ai"],
    "model kimi-k2.6": ["model", "kimi-k2.6"],
    "compare": ["compare", "deepseek-v3", "kimi-k2.6"],
    "claims": ["claims"],
    "ls models": ["ls", "models"],
    "flow (old)": ["flow", "deepseek", "moonshot-ai"],
    "who-uses mla (old)": ["who-uses", "mla"],
}
BUDGETS = {"--help": 0.2} | dict.fromkeys(QUERIES, 0.3)


def times(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float]:
    """Median wall, fastest wall and median CPU seconds of ``runs`` cold processes running ``argv`` (in the folder
    of the tree ``env`` puts first on the path: ``python -m`` reads the package from there)."""
    found = [run(argv, env, cwd=Path(env["PYTHONPATH"])) for _ in range(runs)]
    walls = [r.wall for r in found]
    return statistics.median(walls), min(walls), statistics.median(r.cpu for r in found)


def unpack(rev: str, folder: Path) -> Path:
    """The tree at git revision ``rev``, unpacked into ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def answer(argv: list[str], env: dict[str, str]) -> bytes:
    return subprocess.run(argv, env=env, cwd=env["PYTHONPATH"], capture_output=True, check=True).stdout


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="cold processes per command (median reported)")
    parser.add_argument("--store", type=Path, help="store directory (built when empty)")
    parser.add_argument("--against", metavar="REV", help="also time the package at this git revision, same run")
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
        subprocess.run([*py, "-m", "lineage", "build"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    trees = {"this tree": env}
    if args.against:
        old = unpack(args.against, Path(tmp.name) / "against")
        shutil.copytree(store, Path(tmp.name) / "against-store")
        trees[args.against[:8]] = env | {"PYTHONPATH": str(old), "LINEAGE_STORE": str(Path(tmp.name) / "against-store")}
    for tree_env in trees.values():  # compiles the modules each command imports, saves the read model
        for argv in QUERIES.values():
            subprocess.run([*py, "-m", "lineage", *argv], env=tree_env, cwd=tree_env["PYTHONPATH"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    same = None
    if args.against:
        envs = list(trees.values())
        same = all(answer([*py, "-m", "lineage", *argv], envs[0]) == answer([*py, "-m", "lineage", *argv], envs[1])
                   for argv in QUERIES.values())

    commands = {"python -c pass": [*py, "-c", "pass"], "--help": [*py, "-m", "lineage", "--help"]}
    commands |= {name: [*py, "-m", "lineage", *argv] for name, argv in QUERIES.items()}
    before = load()
    rows = []
    for name, argv in commands.items():
        for tree, tree_env in trees.items():
            med, fastest, cpu = times(argv, tree_env, args.runs)
            budget = BUDGETS.get(name) if tree == "this tree" else None
            rows.append({"command": name, "tree": tree, "median_s": round(med, 3), "min_s": round(fastest, 3),
                         "cpu_s": round(cpu, 3), "budget_s": budget, "ok": None if budget is None else med <= budget})
            if name == "python -c pass":
                break  # the interpreter alone: once
    after = load()
    if args.json:
        print(json.dumps({"runs": args.runs, "python": sys.version.split()[0], "load": [before, after],
                          "same_answers": same, "rows": rows}, indent=2))
        return
    print(f"# before: {before}; after: {after}")
    print(f"{'command':<26} {'tree':<10} {'median':>8} {'min':>8} {'cpu':>8} {'budget':>8}  (median of {args.runs} "
          "cold processes)")
    for r in rows:
        budget = "-" if r["budget_s"] is None else f"{r['budget_s']:.2f}s"
        mark = "" if r["ok"] is None else ("  ok" if r["ok"] else "  OVER")
        print(f"{r['command']:<26} {r['tree']:<10} {r['median_s']:>7.3f}s {r['min_s']:>7.3f}s {r['cpu_s']:>7.3f}s "
              f"{budget:>8}{mark}")
    if same is not None:
        print(f"same answers as {args.against[:8]}: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
