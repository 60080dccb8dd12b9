"""``lineage export``: RDF against Oxigraph's own serializer, HTML against pyvis's own methods, same run.

Run: ``.venv/bin/python benchmarks/export.py [--store DIR] [--runs 5] [--nodes 2000,10000] [--html-only]
[--against REV] [--no-pyvis] [--quick]``.

- RDF (ttl, trig, nq, nt, jsonld): :func:`lineage.export.export` of the default build (``lineage
  build`` into a temporary folder unless ``--store`` is given) to a file, against Oxigraph alone
  dumping the same store to a file in the nearest format it dumps a dataset in (``Store.dump``:
  TriG for ttl and trig, N-Quads for nq and nt, JSON-LD for jsonld; the whole store, the adoption
  index too).  The two alternate, median of ``--runs`` each; the ratio is export / Oxigraph
  (issue 31: at most 1.5).
- HTML: :func:`lineage.export.html.graph_to_html` of a synthetic projection of N drawn nodes
  (``benchmarks/explorer.py``) against the same page built with pyvis's own ``add_node`` and
  ``add_edge`` (each scans the node list: O(nodes x edges)), and the growth exponent between the
  two sizes (1.0 is linear; issue 31: 10,000 nodes in at most 1 s).  ``--against REV`` also times the page of
  the package at git revision REV (unpacked with ``git archive``, in its own process, alternating), which must be
  the same page up to the spelling of its JSON (:func:`page_key`); ``--no-pyvis`` leaves pyvis's own methods out (minutes at 10,000 nodes); ``--html-only`` the RDF.

``--quick`` (a smoke run): one run each, HTML at 300 and 1,500 nodes.
"""

from __future__ import annotations

import math
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from explorer import synthetic
from harness import environment, load, parser, run

OXIGRAPH_FORMAT = {"ttl": "TRIG", "trig": "TRIG", "nq": "N_QUADS", "nt": "N_QUADS", "jsonld": "JSON_LD"}


def seconds(f) -> tuple[float, float]:
    """Wall and CPU seconds of ``f()`` (CPU grows less than wall when other processes share the cores)."""
    start, cpu = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - start, time.process_time() - cpu


def medians(times: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in times), statistics.median(c for _, c in times)


def rdf_rows(store_path: Path, out: Path, runs: int) -> None:
    import pyoxigraph

    from lineage.export import export
    from lineage.store import open_store
    from lineage.store.iris import PREFIXES

    with open_store(store_path, read_only=True) as st:
        from lineage.cli.stores import load_catalog

        catalog = load_catalog(st)
        print(f"{'format':<8} {'export s':>9} {'oxigraph s':>11} {'ratio':>6} {'cpu ratio':>10} {'bytes':>11}"
              f"   (median of {runs})")
        for fmt, ox_name in OXIGRAPH_FORMAT.items():
            ox_format = getattr(pyoxigraph.RdfFormat, ox_name)
            ours, theirs = [], []
            for _ in range(runs + 1):  # the first pair warms the store's caches
                ours.append(seconds(lambda: export(st, catalog, fmt, out / f"lineage.{fmt}")))
                theirs.append(seconds(lambda: st._ox.dump(out / f"oxigraph.{fmt}", ox_format, prefixes=PREFIXES
                                                          if ox_name == "TRIG" else None)))
            (a, a_cpu), (b, b_cpu) = medians(ours[1:]), medians(theirs[1:])
            size = (out / f"lineage.{fmt}").stat().st_size
            print(f"{fmt:<8} {a:>9.3f} {b:>11.3f} {a / b:>6.2f} {a_cpu / b_cpu:>10.2f} {size:>11,}")


BASELINE_PAGE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from explorer import synthetic
from export import page_key
from lineage.export import html
html.graph_to_html(synthetic(100))
g = synthetic(int(sys.argv[2]))
start, cpu = time.perf_counter(), time.process_time()
page = html.graph_to_html(g)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu, "sha": page_key(page[0])}))
"""
DATA = re.compile(r"(nodes = new vis\.DataSet\(|edges = new vis\.DataSet\(|var config = )(.*?)(\)?;\n)")
"""The page's three data sets (pyvis's nodes and edges, the explorer's config), each on its line."""


def page_key(page: str) -> str:
    """sha256 of ``page`` with its data sets written one way (sorted keys, ASCII, spaced): two pages with the same
    key are the same page up to how their JSON is spelled (issue 31 writes it compact, in UTF-8, with orjson)."""
    import hashlib
    import json

    def canonical(m: re.Match) -> str:
        return m.group(1) + json.dumps(json.loads(m.group(2)), sort_keys=True) + m.group(3)

    return hashlib.sha256(DATA.sub(canonical, page).encode()).hexdigest()


def baseline_page(tree: Path, n: int) -> tuple[float, float, str]:
    """Wall and CPU seconds of the page of ``n`` nodes by the package in ``tree``, and its sha256."""
    import json
    import subprocess

    env = environment() | {"PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", BASELINE_PAGE, str(Path(__file__).parent), str(n)], env=env,
                          check=True, capture_output=True, text=True)
    found = json.loads(done.stdout)
    return found["wall"], found["cpu"], found["sha"]


def html_rows(sizes: list[int], runs: int, against: tuple[str, Path] | None = None, pyvis: bool = True) -> None:

    from lineage.export import html

    def pyvis_own(g):
        fast = html.add_node, html.add_edge
        html.add_node = lambda net, *args, **options: net.add_node(*args, **options)
        html.add_edge = lambda net, *args, **options: net.add_edge(*args, **options)
        try:
            return html.graph_to_html(g)
        finally:
            html.add_node, html.add_edge = fast

    html.graph_to_html(synthetic(100))  # pyvis's template is compiled on the first page
    base = f"{against[0][:8]} s" if against else ""
    print(f"{'nodes':>7} {'edges':>7} {'html s':>8} {'cpu s':>6} {'pyvis s':>8} {'ratio':>6} {base:>13} {'cpu s':>6}"
          f"   (median of {runs})")
    times: dict[int, float] = {}
    for n in sizes:
        g = synthetic(n)
        found, old = [], []
        for _ in range(runs):
            found.append(seconds(lambda: html.graph_to_html(g)))
            if against:
                old.append(baseline_page(against[1], n))
        ours, ours_cpu = medians(found)
        page, nodes, edges = html.graph_to_html(g)
        theirs = "-"
        if pyvis:
            pyvis_s, _ = medians([seconds(lambda: pyvis_own(g)) for _ in range(max(1, runs // 2))])
            assert pyvis_own(g) == (page, nodes, edges)  # the same page
            theirs = f"{pyvis_s:>8.2f} {pyvis_s / ours:>5.1f}x"
        before = ""
        if against:
            assert {sha for *_, sha in old} == {page_key(page)}, "not the same page"
            before = f"{statistics.median(w for w, *_ in old):>13.2f} {statistics.median(c for _, c, _ in old):>6.2f}"
        times[n] = ours_cpu
        print(f"{nodes:>7,} {edges:>7,} {ours:>8.2f} {ours_cpu:>6.2f} {theirs:>15} {before}")
    if len(sizes) > 1:
        lo, hi = min(sizes), max(sizes)
        print(f"growth exponent (cpu) {math.log(times[hi] / times[lo]) / math.log(hi / lo):.2f} from {lo:,} to {hi:,} nodes")


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--store", type=Path, help="store to export (default: lineage build into a temporary folder)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--nodes", default="2000,10000", help="sizes of the synthetic HTML graphs")
    p.add_argument("--html-only", action="store_true", help="leave the RDF exports out")
    p.add_argument("--no-pyvis", action="store_true", help="leave pyvis's own add_node/add_edge out")
    p.add_argument("--against", metavar="REV", help="also time the page of the package at this git revision")
    args = p.parse_args()
    runs = 1 if args.quick else args.runs
    sizes = [300, 1500] if args.quick else [int(n) for n in args.nodes.split(",")]
    print(load())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = args.store
        if not args.html_only:
            if store is None:
                store = tmp / "store"
                run([sys.executable, "-m", "lineage", "build", "--store", str(store)], environment())
            rdf_rows(store, tmp, runs)
        against = None
        if args.against:
            from cli import unpack

            against = (args.against, unpack(args.against, tmp / "against"))
        html_rows(sizes, runs, against, pyvis=not args.no_pyvis)
    print("targets (issue 31): every RDF export within 1.5x of Oxigraph; HTML at 10,000 nodes <= 1 s")


if __name__ == "__main__":
    main()
