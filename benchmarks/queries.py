"""Who-uses latency on a synthetic graph of 1M models: the embedded Oxigraph store vs rdflib's memory store.

Run: ``.venv/bin/python benchmarks/queries.py [--models N] [--runs R] [--quick]`` (about 20 minutes at the
default million models, 9 with ``--no-rdflib``; ``--models 20000`` takes seconds; ``--quick``: 2,000
models, 5 runs).  ``--store DIR``
keeps the built Oxigraph store in DIR, and a later run with as many models reuses it.

The synthetic graph is in the store's layout: one named graph per 1,000 models; every model has
a release claim and uses three of 50 techniques through reified claims with evidence (one
claim in seven is ``reported``, the rest ``verified``); plus the adoption-index rows the store
derives from them (:mod:`lineage.store.adoption_index`).  The store is built the way ``lineage
build`` loads a release: :func:`lineage.store.bulk.load_quads` bulk-loads the N-Quads (made 50,000
models at a time) and derives the index in bulk, then ``optimize``; each step is printed with its wall
and CPU seconds and the store's size on disk, and the floor beside it: Oxigraph's own bulk load of
the same quads, index rows included, from bytes made beforehand (``--no-floor`` leaves it out).
The derived index rows of ``muon``, ``dsa`` and ``mla`` must be the generated ones.  Three techniques are adopted at
different rates so the answer size varies: ``muon`` by 0.01 % of models, ``dsa`` by 0.1 %,
``mla`` by 1 %.  Before timing, the index rows of those three techniques are re-derived from
the claims with the store's own update and must come out unchanged.

Timed: ``queries/who_uses.rq`` through :func:`lineage.questions.saved.run_sparql` (what
``lineage query who_uses.rq`` runs), and the same query text and bindings in rdflib's memory
store; both must return the same rows.  rdflib cannot hold the full graph in 24 GiB at a
million models (29.6M quads), so above ``--rdflib-full-max`` models it is given only the
adoption-index graph, the part of the graph the query reads; a smaller graph can only make
rdflib faster.  ``adopters.rq`` (the same index rows plus each model's release month, sorted)
is timed on Oxigraph too.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat
from rdflib import Dataset

from lineage.questions.saved import bind, load, run_sparql, sparql_request
from lineage.store import Store, adoption_index, bulk, rdf

TECHNIQUES = ["mla", "dsa", "muon"] + [f"technique-{i}" for i in range(47)]
RATES = {"muon": (10_000, 3), "dsa": (1_000, 7), "mla": (100, 0)}  # adopted by models m with m % N == k
CHUNK = 50_000


def picks(m: int) -> set[int]:
    """Indexes into TECHNIQUES of the techniques model ``m`` uses (three of them)."""
    out = {3 + (m % 47), 3 + ((m * 7) % 47)}
    out |= {TECHNIQUES.index(name) for name, (every, k) in RATES.items() if m % every == k}
    if len(out) < 3:
        out.add(3 + ((m * 13) % 47))
    return out


def nquads_range(first: int, stop: int, index: bool = True) -> str:
    """Models ``first`` to ``stop - 1`` of the synthetic graph as N-Quads, with the index rows unless not ``index``
    (the store derives them: :func:`lineage.store.bulk.load_quads`)."""
    lin, ent, index_graph = str(rdf.LIN), str(rdf.ENT), f"<{rdf.INDEX}>"
    rdf_ns = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    lines = []
    for m in range(first, stop):
        g = f"<{rdf.SOURCE}bench-{m // 1000}>"
        model = f"<{ent}model-{m}>"
        lines.append(f"<{rdf.CLAIM}r{m}> <{rdf_ns}subject> {model} {g} .")
        lines.append(f"<{rdf.CLAIM}r{m}> <{rdf_ns}predicate> <{lin}released> {g} .")
        lines.append(f'<{rdf.CLAIM}r{m}> <{lin}value> "20{24 + m % 3}-0{1 + m % 9}" {g} .')
        for t in picks(m):
            c = f"<{rdf.CLAIM}c{m}-{t}>"
            status = "Reported" if (m + t) % 7 == 0 else "Verified"
            lines += [
                f"{c} <{rdf_ns}type> <{lin}Claim> {g} .",
                f"{c} <{rdf_ns}subject> {model} {g} .",
                f"{c} <{rdf_ns}predicate> <{lin}uses> {g} .",
                f"{c} <{rdf_ns}object> <{ent}{TECHNIQUES[t]}> {g} .",
                f"{c} <{lin}status> <{lin}{status}> {g} .",
                f"{model} <{lin}uses> <{ent}{TECHNIQUES[t]}> {g} .",
                f"{c} <http://www.w3.org/ns/prov#wasDerivedFrom> <{rdf.CLAIM}c{m}-{t}-e0> {g} .",
                f'<{rdf.CLAIM}c{m}-{t}-e0> <{lin}snippet> "k = {t}" {g} .',
            ]
            if index:
                lines.append(f"{model} <{lin}uses{status}> <{ent}{TECHNIQUES[t]}> {index_graph} .")
    if first == 0 and index:
        version = f'"{adoption_index.VERSION}"^^<http://www.w3.org/2001/XMLSchema#integer>'
        lines.append(f"{index_graph} <{lin}indexVersion> {version} {index_graph} .")
    return "\n".join(lines) + "\n"


def latencies(fn, runs: int, patience_ms: float = float("inf")) -> list[float]:
    """Milliseconds per call; stops after the first call if that took longer than ``patience_ms``."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
        if out[0] > patience_ms:
            break
    return out


def index_rows(store: Store, technique: str) -> set[tuple[str, str]]:
    rows = store._ox.query(f"SELECT ?m ?p WHERE {{ GRAPH {rdf.INDEX.n3()} {{ ?m ?p {rdf.entity_iri(technique).n3()} }} }}")
    return {(r["m"].value, r["p"].value) for r in rows}


def check_index(store: Store) -> None:
    """Re-derive the measured techniques' index rows from their claims; they must not change."""
    for technique in RATES:
        before = index_rows(store, technique)
        pairs = {(rdf.entity_id(m), technique) for m, _ in before}
        store._update(adoption_index.reindex_pairs(pairs), "re-deriving failed")
        after = index_rows(store, technique)
        assert before == after and len(before) > 0, (technique, len(before), len(after))


def seconds() -> tuple[float, float]:
    """Wall and CPU seconds of this process so far (its Oxigraph threads included)."""
    return time.perf_counter(), time.process_time()


def since(mark: tuple[float, float]) -> str:
    wall, cpu = seconds()
    return f"{wall - mark[0]:.1f} s wall, {cpu - mark[1]:.1f} s CPU"


def du_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) / 2**20


def build_store(store: Store, models: int) -> list[str]:
    """Build the synthetic store through the product's path (what ``lineage build`` runs for a release:
    :func:`lineage.store.bulk.load_quads`, the index derived by the store, then ``optimize``); the lines
    reporting each step."""
    mark = seconds()
    chunks = range(0, models, CHUNK)
    bulk.load_quads(store, (nquads_range(f, min(models, f + CHUNK), index=False).encode() for f in chunks), [])
    loaded, size = since(mark), du_mib(store.path)
    mark = seconds()
    store.optimize()  # as lineage build does after writing
    return [f"build through lineage.store.bulk.load_quads (N-Quads made, bulk-loaded, index derived in bulk): {loaded}; "
            f"{size:,.0f} MiB on disk", f"optimize: {since(mark)}; {du_mib(store.path):,.0f} MiB on disk"]


def floor_load(models: int, parent: Path) -> str:
    """The floor of the build, measured in the same run: Oxigraph's bulk load of the same quads (index rows
    included, as bytes made beforehand) into an empty store."""
    import pyoxigraph

    texts = [nquads_range(f, min(models, f + CHUNK)).encode() for f in range(0, models, CHUNK)]
    with tempfile.TemporaryDirectory(dir=parent) as tmp:
        mark = seconds()
        ox = pyoxigraph.Store(tmp)
        for text in texts:
            ox.bulk_load(text, RdfFormat.N_QUADS)
        took = since(mark)
        del ox
    return f"floor, Oxigraph's bulk_load of the same quads (index rows included, made beforehand) into an empty store: {took}"


def p50(xs: list[float]) -> float:
    return statistics.median(xs)


def p90(xs: list[float]) -> float:
    return sorted(xs)[int(0.9 * (len(xs) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1_000_000, help="synthetic models (default: the issue's 1,000,000)")
    parser.add_argument("--runs", type=int, default=51, help="timed runs per technique on Oxigraph (rdflib: a tenth, at least 3)")
    parser.add_argument("--rdflib-full-max", type=int, default=100_000,
                        help="largest graph rdflib gets in full; above it, the adoption-index graph only")
    parser.add_argument("--no-rdflib", action="store_true", help="time Oxigraph only (rdflib's phase takes minutes)")
    parser.add_argument("--store", metavar="DIR",
                        help="build the Oxigraph store in DIR and keep it; a later run with the same --models reuses it")
    parser.add_argument("--no-floor", action="store_true", help="leave out the floor of the build (a second bulk load)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2,000 models, 5 runs")
    args = parser.parse_args()
    if args.quick:
        args.models, args.runs = 2_000, 5
    query = load("who_uses.rq")
    prefixes = {k: str(v) for k, v in rdf.PREFIXES.items()}
    full = args.models <= args.rdflib_full_max

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        where = Path(args.store or tmp) / "store"
        marker = where.parent / f"built-for-{args.models}-models"
        reused = marker.exists()
        store = Store(where)
        build: list[str] = []
        if not reused:
            build = build_store(store, args.models)
            marker.touch()
        ox_load = time.perf_counter() - start
        if not reused and not args.no_floor:
            build.append(floor_load(args.models, where.parent))
        n_quads = len(store._ox)
        check_index(store)
        expected = {(f"{rdf.ENT}model-{m}", f"{rdf.LIN}uses{'Reported' if (m + TECHNIQUES.index(t)) % 7 == 0 else 'Verified'}")
                    for t, (every, k) in RATES.items() for m in range(k, args.models, every)}
        assert set().union(*(index_rows(store, t) for t in RATES)) == expected, "the derived index is not the generated one"
        results = {}
        for technique in RATES:
            params = bind(query, {"technique": technique})
            rows = run_sparql(store, query, params)
            results[technique] = {"rows": rows, "ox": latencies(lambda: run_sparql(store, query, params), args.runs)}
            print(f"  oxigraph who_uses.rq({technique}): {len(rows):,} rows, p50 {p50(results[technique]['ox']):.2f} ms",
                  flush=True)
        floor_q = (f"SELECT (COUNT(STR(?m)) AS ?n) WHERE {{ GRAPH {rdf.INDEX.n3()} {{ ?m ?p {rdf.entity_iri('mla').n3()} }} }}")
        floor_ms = latencies(lambda: list(store._ox.query(floor_q)), args.runs)
        adopters_q = load("adopters.rq")
        adopters_params = bind(adopters_q, {"technique": "mla"})
        adopters_ms = latencies(lambda: run_sparql(store, adopters_q, adopters_params), 5)
        index_nq = None if full else store._ox.dump(format=RdfFormat.N_QUADS, from_graph=NamedNode(str(rdf.INDEX)))
        store.close()

    print("\n".join(build))
    if args.no_rdflib:
        ox_text = f"oxigraph reused from {where}" if reused else f"oxigraph load {ox_load:.1f} s"
        print(f"synthetic graph: {args.models:,} models, {n_quads:,} quads; {ox_text}")
        print(f"oxigraph floor for mla: COUNT(STR(?model)) p50 {p50(floor_ms):.1f} ms")
        return
    start = time.perf_counter()
    memory = Dataset(default_union=True)
    if full:
        for first in range(0, args.models, CHUNK):
            memory.parse(data=nquads_range(first, min(args.models, first + CHUNK)), format="nquads")
    else:
        # dump(from_graph=…) writes triples; put them back into the index graph.
        memory.graph(rdf.INDEX).parse(data=index_nq.decode(), format="nt")
    mem_load = time.perf_counter() - start
    what = "the full graph" if full else f"the adoption-index graph only ({len(memory):,} triples)"

    print(f"synthetic graph: {args.models:,} models, {n_quads:,} quads (adoption index included)")
    ox_text = f"oxigraph reused from {where}" if reused else f"oxigraph {ox_load:.1f} s (bulk load, index, optimize)"
    print(f"load: {ox_text}; rdflib memory {mem_load:.1f} s, {what}")
    print("index rows of muon, dsa and mla re-derived from their claims by the store's update: unchanged")
    print()
    print(f"{'who_uses.rq':14}{'rows':>8}{'oxigraph p50':>14}{'p90':>9}{'rdflib p50':>14}{'ratio':>9}")
    for technique, r in results.items():
        text, bindings = sparql_request(query, bind(query, {"technique": technique}))  # what run_sparql sends
        expect = {(row["model"], row["status"]) for row in r["rows"]}
        got = {(rdf.entity_id(row.model), str(row.status)) for row in memory.query(text, initNs=prefixes, initBindings=bindings)}
        assert got == expect, technique
        mem = p50(latencies(lambda: list(memory.query(text, initNs=prefixes, initBindings=bindings)),
                            max(3, args.runs // 10), patience_ms=2_000))
        print(f"{technique:14}{len(r['rows']):>8,}{p50(r['ox']):>11.2f} ms{p90(r['ox']):>6.1f} ms"
              f"{mem:>11.1f} ms{mem / p50(r['ox']):>8.1f}x")
    print("both run the same text: who_uses.rq with the technique and min_status written in as run_sparql sends it")
    print()
    print(f"oxigraph floor for mla: reading the {len(results['mla']['rows']):,} model IRIs inside the engine, "
          f"COUNT(STR(?model)), no Python: p50 {p50(floor_ms):.1f} ms")
    print(f"adopters.rq(mla) on oxigraph ({len(results['mla']['rows']):,} adopters with release months, sorted): "
          f"p50 {p50(adopters_ms):,.0f} ms")


if __name__ == "__main__":
    main()
