"""Store benchmark: the Oxigraph store against rdflib's in-memory store, same data, same run.

Run: ``.venv/bin/python benchmarks/store.py [--claims N] [--quick]`` (``--quick``: 500 claims).  Prints seconds and the
ratio memory/oxigraph for loading N synthetic config claims (one source graph per
100 claims, written through ``Store.replace_source``), a who-uses style query, and
re-opening the store from disk.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rdflib import Dataset

from lineage.domain import Claim, Evidence, SourceDocument, utcnow
from lineage.store import Store, rdf
from lineage.store.dataset import saved_query

TECHNIQUES = ["mla", "moe", "gqa", "mtp", "rope", "yarn", "dsa", "mqa"]


def synthetic(n_claims: int) -> list[tuple[SourceDocument, list[Claim]]]:
    now = utcnow()
    docs = []
    for d in range(max(1, n_claims // 100)):
        doc = SourceDocument(id=f"config:bench/{d}.json", title=f"bench {d}", kind="primary", format="config",
                             about=f"model-{d}")
        claims = []
        for i in range(100):
            ev = Evidence(source=doc.id, source_kind="primary", locator=f"{d}.json#/k{i}", snippet=f"k{i} = {i}",
                          method="config", retrieved_at=now)
            if i < len(TECHNIQUES):
                claims.append(Claim(subject=f"model-{d}", predicate="uses", object=TECHNIQUES[i], status="verified",
                                    reason="bench", evidence=(ev,)))
            else:
                claims.append(Claim(subject=f"model-{d}", predicate="layers", value=i, status="verified",
                                    reason="bench", evidence=(ev,)))
        docs.append((doc, claims))
    return docs


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 500 claims")
    args = parser.parse_args()
    if args.quick:
        args.claims = 500
    docs = synthetic(args.claims)
    query = saved_query("claims")
    binding = {"p": rdf.LIN.uses, "o": rdf.entity_iri("mla")}
    prefixes = {k: str(v) for k, v in rdf.PREFIXES.items()}

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store"
        store = Store(path)
        t_load_ox, _ = timed(lambda: [store.replace_source(d, c) for d, c in docs])
        n_triples = len(store)
        sparql = query.replace("OPTIONAL { ?c rdf:object ?o }", "?c rdf:object ?o .")
        t_query_ox, rows_ox = timed(lambda: list(store.dataset.query(sparql, initNs=prefixes, initBindings=binding)))
        store.close()
        t_open, reopened = timed(lambda: Store(path))
        reopened.close()

    memory = Dataset(default_union=True)

    def load_memory():
        for doc, claims in docs:
            g = memory.graph(rdf.source_iri(doc.id))
            for t in rdf.document_triples(doc, claims):
                g.add(t)

    t_load_mem, _ = timed(load_memory)
    t_query_mem, rows_mem = timed(lambda: list(memory.query(sparql, initNs=prefixes, initBindings=binding)))
    assert len(rows_ox) == len(rows_mem), (len(rows_ox), len(rows_mem))

    print(f"{args.claims:,} claims, {n_triples:,} triples, {len(docs)} source graphs")
    print(f"{'':24}{'oxigraph':>10}{'rdflib-memory':>15}{'ratio':>8}")
    print(f"{'load (s)':24}{t_load_ox:10.2f}{t_load_mem:15.2f}{t_load_mem / t_load_ox:7.1f}x")
    print(f"{'who-uses query (s)':24}{t_query_ox:10.3f}{t_query_mem:15.3f}{t_query_mem / t_query_ox:7.1f}x")
    print(f"{'reopen from disk (s)':24}{t_open:10.3f}{'n/a':>15}")


if __name__ == "__main__":
    main()
