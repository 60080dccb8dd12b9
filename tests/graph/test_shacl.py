"""A broken store's export does not conform to ontology/shapes.ttl.

That every RDF export of a built store conforms (Turtle, TriG, JSON-LD) is checked in
tests/graph/test_export.py::test_rdf_exports_parse_back_to_the_same_triples, on the graph it parses anyway.
"""

from __future__ import annotations

from rdflib import Graph

from lineage.export import export
from lineage.store import Store
from lineage.store.shapes import validate


def test_a_claim_without_evidence_is_a_violation(built_copy, catalog, tmp_path):
    with Store(built_copy) as s:
        s._ox.update(
            "DELETE { GRAPH ?g { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?e } } "
            "WHERE { GRAPH ?g { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?e ; "
            "<https://w3id.org/lineage/vocab#claimKey> ?k } } "
        )
        out = tmp_path / "broken.ttl"
        export(s, catalog, "ttl", out)
    conforms, report = validate(Graph().parse(out, format="turtle"))
    assert not conforms
    assert "wasDerivedFrom" in report
