"""How the store is written and read: an Oxigraph dataset, its RDF mapping, the adoption index, SHACL.

* ``dataset`` — :class:`Store`: one named graph per source document, replaced in one transaction;
* ``rdf`` — claims, evidence and entities as RDF terms (the vocabulary in ``ontology/``);
* ``adoption_index`` — one row per (model, technique) kept exact inside every write;
* ``read_model`` — what readers compile once per store state (every claim, the catalog with what
  sources discovered), kept beside RocksDB's files with the state they were read from;
* ``results`` — decoding Oxigraph results into Python values;
* ``shapes`` — SHACL validation of the stored graph.

``Store``, ``StoredClaim`` and ``open_store`` are imported from here; they load on first use, so
importing a sibling (``lineage.store.shapes``) does not pull in rdflib and Oxigraph.
"""

__all__ = ["Store", "StoredClaim", "open_store"]


def __getattr__(name: str):
    if name == "StoredClaim":  # a domain model; here too, where the store hands claims out
        from lineage.domain import StoredClaim  # deferred for start-up: pydantic

        return StoredClaim
    if name in __all__:
        from lineage.store import dataset  # deferred: rdflib and Oxigraph load on first use (module docstring)

        return getattr(dataset, name)
    raise AttributeError(f"module 'lineage.store' has no attribute {name!r}")
