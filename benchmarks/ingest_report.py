"""``lineage ingest pdf`` of the 53-page DeepSeek-V3 report, against the reading path before issue 31's, in one run.

Run: ``.venv/bin/python benchmarks/ingest_report.py [--runs 3] [--baseline-rev REV] [--quick]``.  Each measure is a
fresh process (wall and CPU, median of ``--runs``):

- ``read only``: the PDF's text read by :func:`lineage.ingest.pdf.read_pdf` (pypdfium2), the floor any analysis pays;
- ``analysis``: :func:`lineage.ingest.report.prepare` in a process that has read nothing before (alias patterns
  compiled, word list loaded), as the seconds the process reports;
- ``ingest pdf``: the command end to end into a new store (imports, analysis, the write).

Each tree ingests the report once, untimed, first: Python writes its bytecode (as an installed package has it) and
the tree fills its cache (regular expressions compiled once, :mod:`lineage.ingest.compiled`; the English word list,
:mod:`lineage.ingest.wordlist`), as any ingest after a machine's first does; that first ingest's CPU is printed too.

The baseline runs the same from ``--baseline-rev`` (default: the commit before alias patterns were compiled once
and filtered by their literal pieces), unpacked with ``git archive``; both must find the same claims.
``--quick`` reads a two-page corpus report once, without the baseline unless ``--baseline-rev`` is given.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import ROOT, environment, load, median, parser, run
from verify import checkout

BEFORE = "f32fd76"
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
REPORT, SMALL = "deepseek-ai__DeepSeek-V3__DeepSeek_V3.pdf", "MoonshotAI__Moonlight__Moonlight_intermediate_checkpoints.pdf"
ANALYSE = """
import json, sys, time
from lineage.catalog import Catalog
from lineage.ingest.report import prepare
catalog = Catalog.load()
start, cpu = time.perf_counter(), time.process_time()
found = prepare(sys.argv[1], catalog)
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
claims = sorted(f"{c.subject} {c.predicate.value} {c.object} {c.value} {c.status.value}" for c in found.claims)
print(json.dumps({"wall": wall, "cpu": cpu, "claims": claims}))
"""


def measure(code: Path, pdf: Path, runs: int, work: Path) -> dict:
    env = environment(PYTHONPATH=str(code), LINEAGE_CACHE=str(work / f"cache-{code.name}"))
    python = [sys.executable]
    first = run([*python, "-m", "lineage", "ingest", "pdf", str(pdf)], {**env, "LINEAGE_STORE": str(work / "first")}, code)
    shutil.rmtree(work / "first")  # untimed: bytecode written, and what a tree caches (compiled patterns, word list)
    read = median([run([*python, "-c", f"from lineage.ingest.pdf import read_pdf; read_pdf({str(pdf)!r})"], env, code)
                   for _ in range(runs)])
    analysed = [json.loads(subprocess.run([*python, "-c", ANALYSE, str(pdf)], env=env, cwd=code, check=True,
                                          capture_output=True, text=True).stdout) for _ in range(runs)]
    ingests = []
    for i in range(runs):
        store = work / f"store-{code.name}-{i}"
        ingests.append(run([*python, "-m", "lineage", "ingest", "pdf", str(pdf)], {**env, "LINEAGE_STORE": str(store)}, code))
        shutil.rmtree(store)
    cpu = sorted(a["cpu"] for a in analysed)[len(analysed) // 2]
    wall = sorted(a["wall"] for a in analysed)[len(analysed) // 2]
    return {"read": read, "analysis": (wall, cpu), "ingest": median(ingests), "claims": analysed[0]["claims"],
            "first": first}


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--baseline-rev", default=None)
    args = p.parse_args()
    runs = 1 if args.quick else args.runs
    baseline = args.baseline_rev or (None if args.quick else BEFORE)
    pdf = CORPUS / (SMALL if args.quick else REPORT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = {"current": measure(ROOT, pdf, runs, work)}
        if baseline:
            rows[f"baseline {baseline}"] = measure(checkout(baseline, work / "baseline"), pdf, runs, work)
    lines = [f"{pdf.name}: median of {runs} fresh process(es); {load()}",
             f"{'path':18} {'read only s':>12} {'analysis s':>11} {'(cpu)':>6} {'ingest pdf s':>13} {'(cpu)':>6} "
             f"{'ingest/read':>11} {'claims':>6}"]
    for name, r in rows.items():
        lines.append(f"{name:18} {r['read'].wall:12.2f} {r['analysis'][0]:11.2f} {r['analysis'][1]:6.2f} "
                     f"{r['ingest'].wall:13.2f} {r['ingest'].cpu:6.2f} {r['ingest'].cpu / r['read'].cpu:10.1f}x "
                     f"{len(r['claims']):6}")
    lines.append("first ingest (empty cache, bytecode written): "
                 + ", ".join(f"{name} {r['first'].cpu:.2f} s CPU" for name, r in rows.items()))
    if len(rows) == 2:
        now, before = rows.values()
        same = "the same claims" if now["claims"] == before["claims"] else "DIFFERENT claims"
        lines.append(f"current / baseline, CPU: analysis {now['analysis'][1] / before['analysis'][1]:.2f}, "
                     f"ingest pdf {now['ingest'].cpu / before['ingest'].cpu:.2f}; both find {same}")
    print("\n".join(lines))
    if not args.quick:
        (ROOT / "benchmarks" / "results" / "ingest_report.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
