"""Time lineage.store.shapes.validate on a built store padded to about 20k triples.

    python benchmarks/validate_shapes.py [target_triples]

Builds an in-memory store from the catalog and bundled configs, adds synthetic
article claims (each with two pieces of evidence) until the union graph reaches
the target size, then validates it with inference "none" (the default) and "rdfs".
"""

from __future__ import annotations

import sys
import time

from lineage.build import build
from lineage.domain import Claim, Evidence, Method, Predicate, SourceDocument, SourceKind, Status, utcnow
from lineage.store import Store
from lineage.store.shapes import validate


def padded_store(target: int) -> Store:
    store = Store(memory=True)
    build(store)
    models = sorted({str(s).rsplit("/", 1)[1] for s in store.union_graph().subjects()
                     if "/id/" in str(s)})
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
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    graph = padded_store(target).union_graph()
    print(f"{len(graph)} triples")
    for inference in ("none", "rdfs"):
        start = time.perf_counter()
        conforms, _text = validate(graph, inference=inference)
        print(f"inference={inference}: conforms={conforms} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
