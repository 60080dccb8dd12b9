"""ontology/shapes.ttl: lineage's own output conforms, and broken claims are caught where they break."""

from __future__ import annotations

import subprocess
import sys
import typing

import pyshacl
import pytest
from ontology_sample import ARTICLE_DOC, CONFIG_DOC, PAPER, sample_claims
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, SH

from lineage.domain import (
    ID_PATTERN,
    SNIPPET_MAX,
    Method,
    Paper,
    Predicate,
    SourceDocument,
    SourceKind,
    Status,
    TechniqueCategory,
)
from lineage.store import iris, rdf
from lineage.store.rdf import LIN
from lineage.store.shapes import validate, validation_results

SHAPES = "https://w3id.org/lineage/shapes#"


# --------------------------------------------------------------------------- conforming data


def test_sample_conforms_with_rdfs_inference(sample, shapes, ontology):
    conforms, _graph, text = pyshacl.validate(sample, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
    assert conforms, text


def test_sample_conforms_with_validate(sample):
    n = len(sample)
    conforms, text = validate(sample)
    assert conforms, text
    assert len(sample) == n, "validate() must not modify its input"


def test_seed_catalog_conforms(catalog):
    """The curated catalog, as ``lineage build`` writes it (without the bundled configs)."""
    from lineage.build import catalog_claims, catalog_document
    from lineage.catalog.seeds import SEED_FILES

    graph = Graph()
    for filename, cls in SEED_FILES.items():
        doc = catalog_document(filename)
        entities = [e for e in catalog.entities.values() if isinstance(e, cls)]
        claims = [c for e in entities for c in catalog_claims(e, doc)]
        for t in rdf.document_triples(doc, claims, entities):
            graph.add(t)
    conforms, text = validate(graph)
    assert conforms, text


def test_store_round_trip_conforms(sample):
    """Oxigraph gives plain literals back as ^^xsd:string; the shapes must accept both."""
    from lineage.store import Store

    config_claims, article_claims = sample_claims()
    with Store(memory=True) as store:
        from ontology_sample import ENTITIES

        store.replace_source(CONFIG_DOC, config_claims, ENTITIES)
        store.replace_source(ARTICLE_DOC, article_claims)
        merged = store.union_graph()
    assert len(merged) == len(sample)
    conforms, text = validate(merged)
    assert conforms, text


# --------------------------------------------------------------------------- broken data

CLAIM = rdf.claim_iri(sample_claims()[0][0], CONFIG_DOC.id)  # lin:uses demo-1 -> demo-attention
EVIDENCE = URIRef(iris.evidence_node(sample_claims()[0][0].evidence[0], CONFIG_DOC.id))  # named by what it says
VALUE_CLAIM = rdf.claim_iri(
    next(c for c in sample_claims()[0] if c.predicate is Predicate.TOTAL_PARAMETERS), CONFIG_DOC.id
)
DOC = rdf.source_iri(CONFIG_DOC.id)
PAPER_IRI = rdf.entity_iri(PAPER.id)


def both_object_and_value(g: Graph) -> None:
    g.add((CLAIM, LIN.value, Literal(3)))


def neither_object_nor_value(g: Graph) -> None:
    g.remove((VALUE_CLAIM, LIN.value, None))


def no_evidence(g: Graph) -> None:
    g.remove((CLAIM, PROV.wasDerivedFrom, None))


def long_snippet(g: Graph) -> None:
    g.set((EVIDENCE, LIN.snippet, Literal("x" * 400)))


def status_outside_list(g: Graph) -> None:
    g.set((CLAIM, LIN.status, LIN.Plausible))


def two_statuses(g: Graph) -> None:
    g.add((CLAIM, LIN.status, LIN.Disputed))


def unknown_predicate(g: Graph) -> None:
    g.set((CLAIM, RDF.predicate, LIN.likes))


def evidence_without_time(g: Graph) -> None:
    g.remove((EVIDENCE, PROV.generatedAtTime, None))


def evidence_with_string_supports(g: Graph) -> None:
    g.set((EVIDENCE, LIN.supports, Literal("yes")))


def evidence_with_unknown_method(g: Graph) -> None:
    g.set((EVIDENCE, LIN.method, LIN.GuessMethod))


def claimed_in_undescribed_document(g: Graph) -> None:
    g.set((CLAIM, LIN.claimedIn, rdf.source_iri("nowhere")))


def document_with_unknown_format(g: Graph) -> None:
    g.set((DOC, LIN["format"], Literal("tweet")))


def paper_with_bad_arxiv_id(g: Graph) -> None:
    g.set((PAPER_IRI, LIN.arxivId, Literal("arXiv:2501.01234v2")))


def entity_with_bad_id(g: Graph) -> None:
    g.set((PAPER_IRI, DCTERMS.identifier, Literal("Demo_1 Report")))


def entity_without_source(g: Graph) -> None:
    g.remove((PAPER_IRI, DCTERMS.source, None))


def entity_with_two_labels(g: Graph) -> None:
    g.add((PAPER_IRI, RDFS.label, Literal("Another name")))


def technique_without_category(g: Graph) -> None:
    g.remove((rdf.entity_iri("demo-attention"), LIN.category, None))


# (mutation, focus node, result path or None for node-level constraints, constraint component)
BROKEN = [
    (both_object_and_value, CLAIM, None, SH.XoneConstraintComponent),
    (neither_object_nor_value, VALUE_CLAIM, None, SH.XoneConstraintComponent),
    (no_evidence, CLAIM, PROV.wasDerivedFrom, SH.MinCountConstraintComponent),
    (long_snippet, EVIDENCE, LIN.snippet, SH.MaxLengthConstraintComponent),
    (status_outside_list, CLAIM, LIN.status, SH.InConstraintComponent),
    (two_statuses, CLAIM, LIN.status, SH.MaxCountConstraintComponent),
    (unknown_predicate, CLAIM, RDF.predicate, SH.InConstraintComponent),
    (evidence_without_time, EVIDENCE, PROV.generatedAtTime, SH.MinCountConstraintComponent),
    (evidence_with_string_supports, EVIDENCE, LIN.supports, SH.DatatypeConstraintComponent),
    (evidence_with_unknown_method, EVIDENCE, LIN.method, SH.InConstraintComponent),
    (claimed_in_undescribed_document, CLAIM, LIN.claimedIn, SH.ClassConstraintComponent),
    (document_with_unknown_format, DOC, LIN["format"], SH.PatternConstraintComponent),
    (paper_with_bad_arxiv_id, PAPER_IRI, LIN.arxivId, SH.PatternConstraintComponent),
    (entity_with_bad_id, PAPER_IRI, DCTERMS.identifier, SH.PatternConstraintComponent),
    (entity_without_source, PAPER_IRI, DCTERMS.source, SH.MinCountConstraintComponent),
    (entity_with_two_labels, PAPER_IRI, RDFS.label, SH.MaxCountConstraintComponent),
    (technique_without_category, rdf.entity_iri("demo-attention"), LIN.category, SH.MinCountConstraintComponent),
]


# With RDFS inference, lin:claimedIn's rdfs:range types the dangling target a lin:SourceDocument,
# so the violation moves from the claim to the undescribed document (caught either way).
UNDER_RDFS = {
    claimed_in_undescribed_document: (rdf.source_iri("nowhere"), DCTERMS.identifier, SH.MinCountConstraintComponent),
}


@pytest.mark.parametrize("inference", ["none", "rdfs"])
@pytest.mark.parametrize(("mutate", "focus", "path", "component"), BROKEN, ids=[b[0].__name__ for b in BROKEN])
def test_broken_data_is_caught_at_its_focus(sample, mutate, focus, path, component, inference):
    mutate(sample)
    if inference == "rdfs" and mutate in UNDER_RDFS:
        focus, path, component = UNDER_RDFS[mutate]
    results = validation_results(sample, inference=inference)
    assert results, "broken data conforms"
    hits = [
        r for r in results
        if r["focus"] == str(focus) and r.get("path") == (str(path) if path else None)
        and r["component"] == str(component)
    ]
    assert hits, f"expected {component} at {focus} {path}; got:\n" + "\n".join(map(str, results))


@pytest.mark.parametrize("mutate", [b[0] for b in BROKEN[:5]], ids=[b[0].__name__ for b in BROKEN[:5]])
def test_validate_reports_broken_data(sample, mutate):
    mutate(sample)
    conforms, text = validate(sample)
    assert not conforms
    assert "Conforms: False" in text and "Focus Node:" in text


def test_broken_evidence_also_breaks_its_claim(sample):
    """A claim's evidence must conform to the evidence shape (sh:node), not merely exist."""
    long_snippet(sample)
    foci = {r["focus"] for r in validation_results(sample)}
    assert {str(EVIDENCE), str(CLAIM)} <= foci


def test_brief_broken_cases_fail_under_plain_pyshacl(sample, shapes, ontology):
    """The four cases of the brief, run with pyshacl directly and RDFS inference."""
    for mutate, focus in (
        (both_object_and_value, CLAIM),
        (no_evidence, CLAIM),
        (long_snippet, EVIDENCE),
        (status_outside_list, CLAIM),
    ):
        g = Graph()
        for t in sample:
            g.add(t)
        mutate(g)
        conforms, report, _text = pyshacl.validate(g, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
        assert not conforms, mutate.__name__
        assert (None, SH.focusNode, focus) in report, mutate.__name__


def test_validate_rejects_unknown_inference(sample):
    with pytest.raises(ValueError, match="inference"):
        validate(sample, inference="magic")


# --------------------------------------------------------------------------- shapes mirror the Python model


def property_shape(shapes: Graph, node_shape: str, path: URIRef) -> URIRef:
    (found,) = [
        p for p in shapes.objects(URIRef(SHAPES + node_shape), SH.property) if (p, SH.path, path) in shapes
    ]
    return found


def in_list(shapes: Graph, node_shape: str, path: URIRef) -> set:
    return set(Collection(shapes, shapes.value(property_shape(shapes, node_shape, path), SH["in"])))


def test_closed_lists_match_the_enums(shapes):
    assert in_list(shapes, "ClaimShape", LIN.status) == {rdf.status_iri(s) for s in Status}
    assert in_list(shapes, "ClaimShape", RDF.predicate) == {LIN[p.value] for p in Predicate}
    assert in_list(shapes, "EvidenceShape", LIN.method) == {rdf.method_iri(m) for m in Method}
    kinds = {rdf.kind_iri(k) for k in SourceKind}
    assert in_list(shapes, "EvidenceShape", LIN.sourceKind) == kinds
    assert in_list(shapes, "SourceDocumentShape", LIN.sourceKind) == kinds
    categories = {LIN[c.value.title() + "Category"] for c in TechniqueCategory}
    assert in_list(shapes, "TechniqueShape", LIN.category) == categories


def test_literal_constraints_match_the_model(shapes):
    import re

    snippet = property_shape(shapes, "EvidenceShape", LIN.snippet)
    assert shapes.value(snippet, SH.maxLength).toPython() == SNIPPET_MAX
    ident = property_shape(shapes, "CatalogEntityShape", DCTERMS.identifier)
    assert str(shapes.value(ident, SH.pattern)) == ID_PATTERN
    arxiv = property_shape(shapes, "PaperShape", LIN.arxivId)
    (pattern,) = [m.pattern for m in Paper.model_fields["arxiv"].metadata if hasattr(m, "pattern")]
    assert str(shapes.value(arxiv, SH.pattern)) == pattern
    fmt = str(shapes.value(property_shape(shapes, "SourceDocumentShape", LIN["format"]), SH.pattern))
    formats = typing.get_args(SourceDocument.model_fields["format"].annotation)
    assert all(re.search(fmt, f) for f in formats)
    assert re.fullmatch(r"\^\((.*)\)\$", fmt).group(1).split("|") == list(formats)


def test_every_shape_is_labelled_and_commented(shapes):
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= 8
    for shape in node_shapes:
        assert shapes.value(shape, RDFS.label) is not None, shape
        assert shapes.value(shape, RDFS.comment) is not None, shape
    for prop in shapes.objects(None, SH.property):
        assert shapes.value(prop, SH.name) is not None, prop
        assert shapes.value(prop, SH.description) is not None, prop


def test_import_lineage_shapes_does_not_import_pyshacl():
    code = "import sys, lineage.store.shapes; assert 'pyshacl' not in sys.modules and 'rdflib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_xsd_string_literal_checks_accept_typed_and_plain(sample):
    """Guard for the store round trip: ^^xsd:string and plain literals are both strings to the shapes."""
    from rdflib.namespace import XSD  # not at module level: pytest probes module globals

    sample.set((CLAIM, LIN.statusReason, Literal("typed reason", datatype=XSD.string)))
    conforms, text = validate(sample)
    assert conforms, text
