"""Explorer benchmark: time to interactive of the HTML page in headless Chromium, for the built store
and for a synthetic graph of 2,000 drawn nodes, measured in the same run.

Run: ``.venv/bin/python benchmarks/explorer.py [--store DIR] [--nodes 2000 10000] [--runs 3] [--against REV]
[--quick]`` (``--quick``: 300 nodes, one page load each; ``--against REV``: also the page of the explorer at git
revision REV, e.g. the one before issue 34, for the same graphs in the same run).  Without
``--store`` it builds the bundled catalog and configs into a temporary store first (``lineage
build``); pass a store with the corpus reports ingested to time that one.  Each page is opened
``--runs`` times in a fresh tab of Debian's ``/usr/bin/chromium`` (1600 x 1000), and the median is
printed of

- ``interactive``: ``performance.now()`` when the page has drawn its first frame with lanes, axis,
  filters, focus and evidence handlers in place (``window.lineageReady``, milliseconds since
  navigation start), and
- ``wall``: seconds from ``page.goto`` to that moment, as seen from the test driver, and
- ``cpu``: CPU seconds Chromium's renderer processes spent until then (Chrome DevTools
  ``SystemInfo.getProcessInfo``): the part of the time that does not grow when other processes share
  the cores.  The load average is printed first.

The synthetic graph is shaped like the projection: organizations as lanes, models released
2017-2026 that use four techniques each, techniques with a first appearance and an introducing lab,
a variant relation per ten techniques and a base model per ten models; statuses cycle through all
five.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import networkx as nx

from lineage.catalog import Catalog
from lineage.export.html import graph_to_html
from lineage.questions.projection import project
from lineage.store import Store

STATUSES = ("verified", "verified", "reported", "unverified", "contradicted", "disputed")
BUDGET_S = {2000: 1.5, 10000: 3.0}
"""Time to interactive (s) the page must reach at a size (issue 34); the largest budget not above a graph's size applies."""


def budget(n_nodes: int) -> float:
    """The budget for a graph of ``n_nodes`` drawn nodes (the 2,000-node one below 2,000)."""
    return max((b for n, b in BUDGET_S.items() if n <= n_nodes), default=min(BUDGET_S.values()))


def baseline_page(rev: str, g, tmp: Path) -> tuple[str, float]:
    """The page the explorer at git revision ``rev`` writes for ``g`` (its ``lineage`` package, run apart), and
    the seconds its export took."""
    import pickle
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    base = tmp / f"base-{rev}"
    if not base.exists():
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(root), "archive", rev, "lineage"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    (tmp / "g.pickle").write_bytes(pickle.dumps(g))
    code = ("import pickle, sys, time; import lineage.export.html as h; assert h.__file__.startswith(sys.argv[2]); "
            "g = pickle.load(open(sys.argv[1], 'rb')); graph_to_html = h.graph_to_html; "
            "t = time.perf_counter(); page = graph_to_html(g)[0]; sys.stderr.write(str(time.perf_counter() - t)); "
            "sys.stdout.write(page)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp / "g.pickle"), str(base)], check=True, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(base)}, cwd=base)  # not this tree's ``lineage``
    return done.stdout, float(done.stderr.strip().splitlines()[-1])


def synthetic(n_nodes: int, n_orgs: int = 40) -> nx.MultiDiGraph:
    """A projection-shaped graph of ``n_nodes`` drawn nodes (four models to one technique)."""
    g = nx.MultiDiGraph()
    orgs = [f"org-{i}" for i in range(n_orgs)]
    for org in orgs:
        g.add_node(org, kind="organization", label=f"Lab {org[4:]}")
    n_tech = n_nodes // 5
    for t in range(n_tech):
        year, month = 2017 + t * 9 // n_tech, 1 + t % 12
        g.add_node(f"tech-{t}", kind="technique", label=f"Technique {t}", first_appeared=f"{year}-{month:02d}",
                   introduced_by=[orgs[t % n_orgs]], description="synthetic")
        if t % 10 == 9:
            g.add_edge(f"tech-{t}", f"tech-{t - 9}", key="variantOf", status="curated", reason="catalog definition",
                       evidence=[])
    for m in range(n_nodes - n_tech):
        model, year, month = f"model-{m}", 2019 + m * 7 // (n_nodes - n_tech), 1 + m % 12
        g.add_node(model, kind="model", label=f"Model {m}", organization=orgs[m % n_orgs],
                   released=f"{year}-{month:02d}")
        for k in range(4):
            status = STATUSES[(m + k) % len(STATUSES)]
            ev = {"source": f"config:{model}", "source_kind": "primary", "method": "config",
                  "locator": f"config.json#/key{k}", "snippet": f"key{k} = {m}", "supports": status != "contradicted"}
            g.add_edge(model, f"tech-{(m * 7 + k * 13) % n_tech}", key="uses", status=status, reason="synthetic",
                       evidence=[ev])
        if m % 10 == 9:
            g.add_edge(model, f"model-{m - 9}", key="derivedFrom", status="verified", reason="synthetic", evidence=[])
    return g


def _renderer_cpu(cdp) -> float:
    """CPU seconds used so far by all of Chromium's renderer processes."""
    return sum(p["cpuTime"] for p in cdp.send("SystemInfo.getProcessInfo")["processInfo"] if p["type"] == "renderer")


def time_to_interactive(path: Path, runs: int, fragment: str = "") -> tuple[float, float, float]:
    """Medians over ``runs`` fresh tabs: interactive (ms since navigation start), wall seconds from goto,
    and renderer CPU seconds spent until then (what the page costs with a core to itself)."""
    from playwright.sync_api import sync_playwright

    inside, wall, cpu = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        cdp = browser.new_browser_cdp_session()
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.route("http*://**", lambda route: route.abort())
            before, start = _renderer_cpu(cdp), time.perf_counter()
            page.goto(path.as_uri() + fragment)
            page.wait_for_function("window.lineageReady !== undefined", timeout=180_000, polling=10)
            wall.append(time.perf_counter() - start)
            cpu.append(_renderer_cpu(cdp) - before)
            inside.append(page.evaluate("window.lineageReady"))
            page.close()
        browser.close()
    return statistics.median(inside), statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="store to export (default: lineage build into a temp dir)")
    parser.add_argument("--nodes", type=int, nargs="+", default=[2000, 10000], help="drawn nodes of the synthetic graphs")
    parser.add_argument("--against", metavar="REV", help="also time the page of the explorer at this git revision")
    parser.add_argument("--no-store", action="store_true", help="synthetic graphs only")
    parser.add_argument("--runs", type=int, default=3, help="page loads per graph (median is printed)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 300 nodes, one page load each")
    args = parser.parse_args()
    if args.quick:
        args.nodes, args.runs = [300], 1
    catalog = Catalog.load()
    with tempfile.TemporaryDirectory() as tmp:
        graphs = []
        if args.no_store:
            pass
        elif args.store:
            with Store(args.store) as s:
                graphs.append((f"store {args.store}", project(s, catalog)))
        else:
            from lineage.build import build

            with Store(Path(tmp) / "store") as s:
                build(s, catalog)
                graphs.append(("built store (lineage build)", project(s, catalog)))
        graphs += [(f"synthetic, {n:,} nodes", synthetic(n)) for n in args.nodes]
        load = os.getloadavg()[0]
        print(f"load average {load:.1f} on {os.cpu_count()} cores (interactive and wall grow with it; cpu does not)")
        print(f"{'GRAPH':34} {'PAGE OF':>13} {'NODES':>6} {'EDGES':>6} {'PAGE':>8} {'EXPORT':>7} {'INTERACTIVE':>12} "
              f"{'WALL':>6} {'CPU':>6}  IN BUDGET")
        for i, (name, g) in enumerate(graphs):
            start = time.perf_counter()
            page, n_nodes, n_edges = graph_to_html(g)
            export_s = time.perf_counter() - start
            pages = [("this tree", page, export_s, ""), ("#view=lineage", page, export_s, "#view=lineage")]
            if args.against:
                pages.append((args.against[:8], *baseline_page(args.against, g, Path(tmp)), ""))
            for j, (which, text, seconds, fragment) in enumerate(pages):
                path = Path(tmp) / f"graph-{i}-{j}.html"
                path.write_text(text, encoding="utf-8")
                inside_ms, wall_s, cpu_s = time_to_interactive(path, args.runs, fragment)
                ok = "yes" if inside_ms / 1000 <= budget(n_nodes) else "NO"
                print(f"{name:34} {which:>13} {n_nodes:6,} {n_edges:6,} {len(text) / 1e6:6.1f}MB {seconds:6.2f}s "
                      f"{inside_ms / 1000:11.2f}s {wall_s:5.2f}s {cpu_s:5.2f}s  {ok} (≤ {budget(n_nodes):.1f} s)", flush=True)


if __name__ == "__main__":
    main()
