"""Bulk writes: a graph release's N-Quads (and the catalog graphs) into a store in one load."""

from __future__ import annotations

from collections.abc import Iterable

from lineage.domain import Claim, Entity, SourceDocument
from lineage.errors import StoreError
from lineage.store import rdf


def load_quads(
    store, nquads: bytes, graphs: Iterable[str],
    sources: Iterable[tuple[SourceDocument, Iterable[Claim], Iterable[Entity]]] = (),
) -> None:
    """Bulk-load N-Quads (a graph release) and ``sources`` after dropping their graphs, then rebuild the index.

    ``graphs`` are the IRIs of the graphs ``nquads`` holds.  Oxigraph's bulk loader skips the
    transaction log: measured 2.5x less CPU than a transactional load of the same 69k quads.
    Not atomic: a killed load leaves a partial store, which ``lineage build`` redoes.
    """
    from oxrdflib._converter import to_ox
    from pyoxigraph import NamedNode, RdfFormat

    extra, graphs = [], list(graphs)
    for doc, claims, entities in sources:
        name = rdf.source_iri(doc.id)
        graphs.append(str(name))
        g = str(to_ox(name))
        extra += [f"{to_ox(s)} {to_ox(p)} {to_ox(o)} {g} .\n" for s, p, o in rdf.document_triples(doc, claims, entities)]
    ox = store._ox
    try:
        present = {g.value for g in ox.named_graphs()}
        if present <= {*graphs, str(rdf.INDEX)}:
            ox.clear()  # nothing else in the store (a previous build): measured instant, dropping graphs 1.3 s
        else:
            for g in present.intersection(graphs):
                ox.remove_graph(NamedNode(g))
        ox.bulk_load("".join(extra).encode("utf-8") + nquads, format=RdfFormat.N_QUADS)
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"loading the release failed: {exc}") from None
    store.reindex(bulk=True)
