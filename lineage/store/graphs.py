"""The store seen through rdflib: its SPARQL engine and a merged graph.

SHACL validation and saved queries with bindings need these; the read questions
go straight to Oxigraph (:meth:`lineage.store.Store.select`), so rdflib (~0.3 s to import) loads
here and nowhere on their path.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef

from lineage.store import iris, rdf
from lineage.store.serialize import source_quads


def rdflib_dataset(ox_store) -> Dataset:
    """A pyoxigraph store as an rdflib ``Dataset`` (union default graph, the store's prefixes bound)."""
    from oxrdflib import OxigraphStore

    dataset = Dataset(store=OxigraphStore(store=ox_store), default_union=True)
    for prefix, ns in rdf.PREFIXES.items():
        dataset.bind(prefix, ns)
    return dataset


def query(dataset: Dataset, sparql: str, **bindings) -> list[dict[str, object]]:
    """Run SPARQL with rdflib over ``dataset``; ``bindings`` are substituted as terms, never as text."""
    init = {k: v if isinstance(v, (URIRef, Literal)) else Literal(v) for k, v in bindings.items()}
    result = dataset.query(sparql, initNs=iris.PREFIXES, initBindings=init)
    if result.type == "ASK":
        return [{"ask": bool(result.askAnswer)}]
    if result.type == "CONSTRUCT":
        assert result.graph is not None  # a CONSTRUCT's answer is a graph
        return [{"subject": s, "predicate": p, "object": o} for s, p, o in result.graph]
    return [{str(k): row[k] for k in result.vars or () if row[k] is not None} for row in result.bindings]


def union_graph(ox_store) -> Graph:
    """All source graphs merged into one in-memory rdflib graph (the adoption index left out)."""
    merged = Graph()
    for prefix, ns in rdf.PREFIXES.items():
        merged.bind(prefix, ns)
    for quad in source_quads(ox_store):
        merged.add(_triple_from_ox(quad))
    return merged


def _triple_from_ox(quad):
    from oxrdflib._converter import from_ox

    return from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)
