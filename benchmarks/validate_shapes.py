"""Time lineage.store.shapes.validate on a built store padded to about 20k triples.

    python benchmarks/validate_shapes.py [target_triples] [--quick]

Builds an in-memory store from the catalog and bundled configs, adds synthetic
article claims (each with two pieces of evidence) until the union graph reaches
the target size, then validates it with inference "none" (the default) and "rdfs", and prints
the ratio.  ``--quick`` (a smoke run) validates synthetic articles alone (about 1,000 triples).
"""

from __future__ import annotations

import argparse
import time

from lineage.build import build
from lineage.domain import Claim, EntityKind, Evidence, Method, Predicate, SourceDocument, SourceKind, Status, utcnow
from lineage.store import Store
from lineage.store.shapes import validate


def padded_store(target: int, built: bool = True) -> Store:
    store = Store(memory=True)
    if built:
        build(store)
        models = sorted({str(s).rsplit("/", 1)[1] for s in store.union_graph().subjects() if "/id/" in str(s)})
    else:
        from lineage.catalog import Catalog

        models = sorted(m.id for m in Catalog.load().of_kind(EntityKind.MODEL))
    now, i = utcnow(), 0
    while len(store) < target:
        doc = SourceDocument(id=f"article:bench-{i}", title=f"bench {i}", kind=SourceKind.SECONDARY,
                             format="article")
        claims = []
        for j in range(50):
            ev = tuple(
                Evidence(source=doc.id, source_kind=SourceKind.SECONDARY, locator=f"para {j}.{k}",
                         snippet=f"snippet {j}.{k}", method=Method.TEXT, retrieved_at=now)
                for k in range(2)
            )
            claims.append(Claim(subject=models[(i * 50 + j) % len(models)], predicate=Predicate.LAYERS,
                                value=j, status=Status.REPORTED, reason="benchmark", evidence=ev))
        store.replace_source(doc, claims)
        i += 1
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("target_triples", type=int, nargs="?", default=20_000)
    parser.add_argument("--quick", action="store_true", help="a smoke run: synthetic articles alone")
    args = parser.parse_args()
    graph = padded_store(1_000, built=False).union_graph() if args.quick else padded_store(args.target_triples).union_graph()
    print(f"{len(graph)} triples")
    seconds = {}
    for inference in ("none", "rdfs"):
        start = time.perf_counter()
        conforms, _text = validate(graph, inference=inference)
        seconds[inference] = time.perf_counter() - start
        print(f"inference={inference}: conforms={conforms} in {seconds[inference]:.1f} s")
    print(f"rdfs / none: {seconds['rdfs'] / seconds['none']:.1f}x")


if __name__ == "__main__":
    main()
