"""Who-uses latency: the saved adopters query on the embedded Oxigraph store vs rdflib's memory store.

Run: ``.venv/bin/python benchmarks/queries.py [--models N] [--runs R]``.  Builds a synthetic
graph of N models in the store's layout (one named graph per 1,000 models; every model uses
three of 50 techniques through reified claims with evidence; 1 % use ``mla``), loads the same
N-Quads into both stores, then times ``queries/adopters.rq`` (technique=mla) R times each and
prints p50/p90 and the ratio, all measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from pyoxigraph import RdfFormat
from rdflib import Dataset, Literal

from lineage import rdf
from lineage.saved_queries import _values_inside, bind, load, run_sparql
from lineage.store import Store

TECHNIQUES = ["mla"] + [f"technique-{i}" for i in range(49)]


def nquads(n_models: int) -> str:
    """The synthetic graph as N-Quads, in the layout lineage.rdf writes."""
    lin, ent = str(rdf.LIN), str(rdf.ENT)
    rdf_ns = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    lines = []
    for m in range(n_models):
        g = f"<{rdf.SOURCE}bench-{m // 1000}>"
        model = f"<{ent}model-{m}>"
        picks = {1 + (m % 49), 1 + ((m * 7) % 49)} | ({0} if m % 100 == 0 else {1 + ((m * 13) % 49)})
        lines.append(f'<{rdf.CLAIM}r{m}> <{rdf_ns}subject> {model} {g} .')
        lines.append(f'<{rdf.CLAIM}r{m}> <{rdf_ns}predicate> <{lin}released> {g} .')
        lines.append(f'<{rdf.CLAIM}r{m}> <{lin}value> "20{24 + m % 3}-0{1 + m % 9}" {g} .')
        for t in picks:
            c = f"<{rdf.CLAIM}c{m}-{t}>"
            lines += [
                f"{c} <{rdf_ns}type> <{lin}Claim> {g} .",
                f"{c} <{rdf_ns}subject> {model} {g} .",
                f"{c} <{rdf_ns}predicate> <{lin}uses> {g} .",
                f"{c} <{rdf_ns}object> <{ent}{TECHNIQUES[t]}> {g} .",
                f"{c} <{lin}status> <{lin}Verified> {g} .",
                f"{model} <{lin}uses> <{ent}{TECHNIQUES[t]}> {g} .",
                f"{c} <http://www.w3.org/ns/prov#wasDerivedFrom> <{rdf.CLAIM}c{m}-{t}-e0> {g} .",
                f'<{rdf.CLAIM}c{m}-{t}-e0> <{lin}snippet> "k = {t}" {g} .',
            ]
    return "\n".join(lines) + "\n"


def latencies(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=20_000, help="synthetic models (the issue asks for 1,000,000)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per store")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib (it needs minutes per query at 100k+ models)")
    args = parser.parse_args()
    query = load("adopters.rq")
    params = bind(query, {"technique": "mla"})
    bindings = {"technique": rdf.entity_iri("mla"), "min_status": Literal(params["min_status"])}
    text = _values_inside(query.text, bindings, {p.name: p.type for p in query.params})  # what run_sparql sends
    data = nquads(args.models)
    prefixes = {k: str(v) for k, v in rdf.PREFIXES.items()}

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = Store(f"{tmp}/store")
        store._ox.bulk_load(data.encode(), RdfFormat.N_QUADS)
        store.optimize()  # as lineage build does after writing
        ox_load = time.perf_counter() - start
        expected = len(run_sparql(store, query, params))
        ox = latencies(lambda: run_sparql(store, query, params), args.runs)
        n_quads = len(store)
        store.close()

    if args.no_rdflib:
        print(f"synthetic graph: {args.models:,} models, {n_quads:,} quads; adopters.rq(mla) returns {expected:,} rows")
        print(f"load oxigraph {ox_load:.2f} s; who-uses oxigraph p50 {statistics.median(ox):.2f} ms ({len(ox)} runs)")
        return
    start = time.perf_counter()
    memory = Dataset(default_union=True)
    memory.parse(data=data, format="nquads")
    mem_load = time.perf_counter() - start
    got = len(list(memory.query(text, initNs=prefixes, initBindings=bindings)))
    mem = latencies(lambda: list(memory.query(text, initNs=prefixes, initBindings=bindings)), max(3, args.runs // 5))
    assert got == expected, (got, expected)

    p50_ox, p50_mem = statistics.median(ox), statistics.median(mem)
    print(f"synthetic graph: {args.models:,} models, {n_quads:,} quads; adopters.rq(mla) returns {expected:,} rows")
    print(f"load     oxigraph {ox_load:8.2f} s   rdflib memory {mem_load:8.2f} s")
    print(f"who-uses oxigraph p50 {p50_ox:8.2f} ms (p90 {sorted(ox)[int(0.9 * (len(ox) - 1))]:.2f}, {len(ox)} runs)   "
          f"rdflib memory p50 {p50_mem:8.2f} ms ({len(mem)} runs)   ratio {p50_mem / p50_ox:.1f}x")


if __name__ == "__main__":
    main()
