"""Every lin: term that lineage/store/rdf.py writes is defined in ontology/lineage.ttl, and documented."""

from __future__ import annotations

import pytest
from ontology_sample import sample_graph
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from lineage.domain import ENTITY_PREDICATES, Method, Predicate, SourceKind, Status, TechniqueCategory
from lineage.store import rdf
from lineage.store.rdf import CITO, FABIO, LIN, SCHEMA

VOCAB = URIRef("https://w3id.org/lineage/vocab")
VANN = "http://purl.org/vocab/vann/"


def lin_terms(graph) -> set[URIRef]:
    """Every IRI in the lin: namespace used anywhere in ``graph``."""
    return {
        term
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(LIN))
    }


def assert_documented(ontology, term: URIRef) -> None:
    assert (term, None, None) in ontology, f"{term} is not defined in ontology/lineage.ttl"
    labels = list(ontology.objects(term, RDFS.label))
    assert labels, f"{term} has no rdfs:label"
    assert list(ontology.objects(term, SKOS.definition)), f"{term} has no skos:definition"
    assert (term, RDFS.isDefinedBy, VOCAB) in ontology, f"{term} lacks rdfs:isDefinedBy <{VOCAB}>"


EMITTED = sorted(lin_terms(sample_graph()))


def test_sample_exercises_the_mapping():
    # The sample must reach every branch of rdf.py that emits a lin: term.
    local = {str(t).removeprefix(str(LIN)) for t in EMITTED}
    assert {
        "Claim", "Evidence", "SourceDocument", "Model", "Technique", "Paper", "Organization", "Hardware",
        "claimKey", "value", "unit", "qualifiers", "status", "statusReason", "claimedIn", "revision",
        "sourceKind", "locator", "snippet", "method", "supports", "format", "about", "category", "variantOf",
        "inventor", "hfRepo", "family", "report", "arxivId", "memoryGB", "hfOrg", "fp8Support", "fp4Support",
        "exportControl", "spanStart", "spanEnd", "spanSha256",
    } <= local
    assert {p.value for p in Predicate} <= local
    assert {status.value.title() for status in Status} <= local


@pytest.mark.parametrize("term", EMITTED, ids=lambda t: str(t).removeprefix(str(LIN)))
def test_emitted_term_is_defined(ontology, term):
    assert_documented(ontology, term)


@pytest.mark.parametrize("pred", list(Predicate), ids=lambda p: p.value)
def test_every_predicate_is_a_defined_property(ontology, pred):
    term = LIN[pred.value]
    assert_documented(ontology, term)
    expected = OWL.ObjectProperty if pred in ENTITY_PREDICATES else OWL.DatatypeProperty
    assert (term, RDF.type, expected) in ontology
    assert (term, RDF.type, LIN.ClaimPredicate) in ontology


@pytest.mark.parametrize(
    ("term", "cls", "scheme", "notation"),
    [(rdf.status_iri(s), LIN.Status, LIN.StatusScheme, s.value) for s in Status]
    + [(rdf.method_iri(m), LIN.Method, LIN.MethodScheme, m.value) for m in Method]
    + [(rdf.kind_iri(k), LIN.SourceKindValue, LIN.SourceKindScheme, k.value) for k in SourceKind]
    + [
        (LIN[c.value.title() + "Category"], LIN.TechniqueCategory, LIN.TechniqueCategoryScheme, c.value)
        for c in TechniqueCategory
    ],
    ids=lambda v: str(v).removeprefix(str(LIN)) if isinstance(v, URIRef) else None,
)
def test_every_enum_value_is_a_concept_in_its_scheme(ontology, term, cls, scheme, notation):
    assert_documented(ontology, term)
    assert (term, RDF.type, cls) in ontology
    assert (term, RDF.type, SKOS.Concept) in ontology
    assert (term, SKOS.inScheme, scheme) in ontology
    assert (scheme, SKOS.hasTopConcept, term) in ontology
    assert (term, SKOS.notation, Literal(notation)) in ontology


def test_iri_helpers_round_trip():
    for s in Status:
        assert rdf.status_from_iri(rdf.status_iri(s)) is s
    for m in Method:
        assert rdf.method_from_iri(rdf.method_iri(m)) is m
    for k in SourceKind:
        assert rdf.kind_from_iri(rdf.kind_iri(k)) is k


def test_every_lin_term_in_ontology_and_shapes_is_defined(ontology, shapes):
    """No typo'd lin: IRI in a domain, range, sh:in list or sh:class."""
    for graph in (ontology, shapes):
        for term in lin_terms(graph):
            assert_documented(ontology, term)


def test_scheme_members_are_exactly_the_enum_values(ontology):
    for scheme, values in (
        (LIN.StatusScheme, {rdf.status_iri(s) for s in Status}),
        (LIN.MethodScheme, {rdf.method_iri(m) for m in Method}),
        (LIN.SourceKindScheme, {rdf.kind_iri(k) for k in SourceKind}),
        (LIN.TechniqueCategoryScheme, {LIN[c.value.title() + "Category"] for c in TechniqueCategory}),
    ):
        assert set(ontology.subjects(SKOS.inScheme, scheme)) == values


def test_claim_predicates_are_exactly_the_enum(ontology):
    assert set(ontology.subjects(RDF.type, LIN.ClaimPredicate)) == {LIN[p.value] for p in Predicate}


def test_ontology_header(ontology):
    assert (VOCAB, RDF.type, OWL.Ontology) in ontology
    for prop in (DCTERMS.title, DCTERMS.description, OWL.versionInfo):
        assert ontology.value(VOCAB, prop) is not None, prop
    assert str(ontology.value(VOCAB, URIRef(VANN + "preferredNamespacePrefix"))) == "lin"
    assert str(ontology.value(VOCAB, URIRef(VANN + "preferredNamespaceUri"))) == str(LIN)


@pytest.mark.parametrize(
    ("sub", "prop", "sup"),
    [
        (LIN.Claim, RDFS.subClassOf, RDF.Statement),
        (LIN.Claim, RDFS.subClassOf, PROV.Entity),
        (LIN.Evidence, RDFS.subClassOf, PROV.Entity),
        (LIN.SourceDocument, RDFS.subClassOf, PROV.Entity),
        (LIN.SourceDocument, RDFS.subClassOf, SCHEMA.CreativeWork),
        (LIN.Paper, RDFS.subClassOf, FABIO.ScholarlyWork),
        (LIN.Organization, RDFS.subClassOf, PROV.Organization),
        (LIN.Organization, RDFS.subClassOf, SCHEMA.Organization),
        (LIN.Technique, RDFS.subClassOf, SKOS.Concept),
        (LIN.Model, RDFS.subClassOf, PROV.Entity),
        (LIN.Model, RDFS.subClassOf, SCHEMA.SoftwareApplication),
        (LIN.Hardware, RDFS.subClassOf, SCHEMA.Product),
        (LIN.cites, RDFS.subPropertyOf, CITO.cites),
        (LIN.variantOf, RDFS.subPropertyOf, PROV.wasDerivedFrom),
        (LIN.claimedIn, RDFS.subPropertyOf, DCTERMS.source),
        (LIN.derivedFrom, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    ],
    ids=lambda t: t.n3(rdf_namespace_manager()),
)
def test_reused_terms(ontology, sub, prop, sup):
    assert (sub, prop, sup) in ontology


def rdf_namespace_manager():
    from rdflib import Graph

    g = Graph()
    for prefix, ns in rdf.PREFIXES.items():
        g.bind(prefix, ns)
    return g.namespace_manager


def test_no_strict_range_or_domain_on_claim_predicates(ontology):
    """RDFS inference over direct edges must never invent types: claim predicates only carry hints."""
    for pred in Predicate:
        assert ontology.value(LIN[pred.value], RDFS.domain) is None, pred
        assert ontology.value(LIN[pred.value], RDFS.range) is None, pred
