"""Every RDF export of a built store conforms to ontology/shapes.ttl; a broken store does not."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph

from lineage.export import export
from lineage.store import Store
from lineage.store.shapes import validate


def _parse(path, fmt) -> Graph:
    if fmt == "trig":
        ds = Dataset()
        ds.parse(path, format="trig")
        merged = Graph()
        for s, p, o, _ in ds.quads():
            merged.add((s, p, o))
        return merged
    return Graph().parse(path, format={"ttl": "turtle", "jsonld": "json-ld"}[fmt])


@pytest.mark.parametrize("fmt", ["ttl", "trig", "jsonld"])
def test_export_conforms_to_the_shapes(built_store, catalog, tmp_path, fmt):
    out = tmp_path / f"dump.{fmt}"
    export(built_store, catalog, fmt, out)
    conforms, report = validate(_parse(out, fmt))
    assert conforms, report[:2000]


def test_a_claim_without_evidence_is_a_violation(built_copy, catalog, tmp_path):
    with Store(built_copy) as s:
        s._ox.update(
            "DELETE { GRAPH ?g { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?e } } "
            "WHERE { GRAPH ?g { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?e ; "
            "<https://w3id.org/lineage/vocab#claimKey> ?k } } "
        )
        out = tmp_path / "broken.ttl"
        export(s, catalog, "ttl", out)
    conforms, report = validate(_parse(out, "ttl"))
    assert not conforms
    assert "wasDerivedFrom" in report
