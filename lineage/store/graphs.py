"""The store seen through rdflib: its SPARQL engine, a merged graph, and serializations.

Only exports, SHACL validation and saved queries with bindings need these; the read questions
go straight to Oxigraph (:meth:`lineage.store.Store.select`), so rdflib (~0.3 s to import) loads
here and nowhere on their path.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef

from lineage.store import iris, rdf


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
        return [{"subject": s, "predicate": p, "object": o} for s, p, o in result]
    return [{str(k): row[k] for k in result.vars if row[k] is not None} for row in result.bindings]


def source_quads(ox_store):
    """Every quad of the source graphs (the derived adoption index left out)."""
    from pyoxigraph import NamedNode

    index = NamedNode(iris.INDEX)
    return (q for q in ox_store if q.graph_name != index)


def union_graph(ox_store) -> Graph:
    """All source graphs merged into one in-memory rdflib graph (the adoption index left out)."""
    merged = Graph()
    for prefix, ns in rdf.PREFIXES.items():
        merged.bind(prefix, ns)
    for quad in source_quads(ox_store):
        merged.add(_triple_from_ox(quad))
    return merged


def serialize(ox_store, fmt: str) -> str:
    """The whole dataset as ``trig`` (graphs kept), ``ttl`` or ``jsonld`` (graphs merged).

    The adoption index is derived data and is left out; a store that loads the export
    rebuilds it.
    """
    if fmt == "trig":
        from oxrdflib._converter import from_ox

        out = Dataset()
        for prefix, ns in rdf.PREFIXES.items():
            out.bind(prefix, ns)
        for quad in source_quads(ox_store):
            out.add((*_triple_from_ox(quad), from_ox(quad.graph_name)))
        return out.serialize(format="trig")
    return union_graph(ox_store).serialize(format={"ttl": "turtle", "jsonld": "json-ld"}[fmt])


def _triple_from_ox(quad):
    from oxrdflib._converter import from_ox

    return from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)
