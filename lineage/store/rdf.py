"""Mapping between the domain model and RDF (the vocabulary in ``ontology/lineage.ttl``).

Layout, nanopublication style: every source document gets one named graph that
holds the document's description, its claims and their evidence.  A claim is a
``lin:Claim`` resource (an ``rdf:Statement`` with ``rdf:subject``/``rdf:predicate``
/``rdf:object`` or ``lin:value``) linked to ``lin:Evidence`` through
``prov:wasDerivedFrom`` — PROV-O's qualified pattern for an edge with attributes.
Relations that are not contradicted are also asserted directly
(``ent:deepseek-v3 lin:uses ent:mla``) so property paths work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from lineage.domain import (
    Claim,
    Entity,
    Evidence,
    Hardware,
    Method,
    Model,
    Organization,
    Paper,
    Predicate,
    SourceDocument,
    SourceKind,
    Status,
    Technique,
)
from lineage.store import iris
from lineage.store.iris import evidence_node

BASE = iris.BASE
LIN = Namespace(iris.LIN)
ENT = Namespace(iris.ENT)
CLAIM = Namespace(iris.CLAIM)
SOURCE = Namespace(iris.SOURCE)
SCHEMA, FABIO, CITO = (Namespace(iris.PREFIXES[p]) for p in ("schema", "fabio", "cito"))

PREFIXES = {prefix: Namespace(ns) for prefix, ns in iris.PREFIXES.items()}

CLASS_OF = {
    Organization: LIN.Organization,
    Hardware: LIN.Hardware,
    Paper: LIN.Paper,
    Technique: LIN.Technique,
    Model: LIN.Model,
}

Triple = tuple[URIRef, URIRef, URIRef | Literal]

INDEX = URIRef(iris.INDEX)
"""Named graph of the adoption index (derived data; :mod:`lineage.store.adoption_index`)."""

USES_WITH_STATUS = {s: URIRef(iri) for s, iri in iris.USES_WITH_STATUS.items()}
"""Index predicate per combined status of a (model, technique) pair's ``uses`` claims."""

BUILDS_ON_WITH_STATUS = {s: URIRef(iri) for s, iri in iris.BUILDS_ON_WITH_STATUS.items()}
"""Index predicate per combined status of an idea relation, from the newer technique to the earlier one."""


# --------------------------------------------------------------------------- IRIs


entity_id, source_id = iris.entity_id, iris.source_id


def entity_iri(ident: str) -> URIRef:
    """IRI of a catalog entity (ids are validated kebab-case, so safe as local names)."""
    return URIRef(iris.entity_iri(ident))


def source_iri(doc_id: str) -> URIRef:
    """IRI (and named-graph name) of a source document; the id is percent-encoded."""
    return URIRef(iris.source_iri(doc_id))


def claim_iri(claim: Claim, doc_id: str) -> URIRef:
    """One IRI per claim per source: the same statement from two sources is two claims."""
    salt = hashlib.sha256(doc_id.encode()).hexdigest()[:8]
    return CLAIM[f"{claim.id}-{salt}"]


def status_iri(status: Status) -> URIRef:
    return URIRef(iris.status_iri(status))


def method_iri(method: Method) -> URIRef:
    return LIN[method.value.title() + "Method"]


def kind_iri(kind: SourceKind) -> URIRef:
    return LIN[kind.value.title() + "Source"]


def status_from_iri(iri) -> Status:
    return iris.enum_from_iri(Status, iri)


def method_from_iri(iri) -> Method:
    return iris.enum_from_iri(Method, iri, "Method")


def kind_from_iri(iri) -> SourceKind:
    return iris.enum_from_iri(SourceKind, iri, "Source")


def literal(value: str | int | float) -> Literal:
    """Typed literal: integers as xsd:integer, floats as xsd:decimal, the rest as strings."""
    if isinstance(value, bool):
        return Literal(str(value).lower())
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(repr(value), datatype=XSD.decimal)
    return Literal(value)


def date_literal(value: str) -> Literal:
    """YYYY, YYYY-MM or YYYY-MM-DD as the matching XSD type."""
    kind = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}.get(len(value), XSD.string)
    return Literal(value, datatype=kind)


# --------------------------------------------------------------------------- to RDF


def source_triples(doc: SourceDocument) -> Iterator[Triple]:
    """Description of a source document."""
    s = source_iri(doc.id)
    yield s, RDF.type, LIN.SourceDocument
    yield s, DCTERMS.identifier, Literal(doc.id)
    yield s, DCTERMS.title, Literal(doc.title)
    yield s, LIN.sourceKind, kind_iri(doc.kind)
    yield s, LIN["format"], Literal(doc.format)
    if doc.url:
        yield s, SCHEMA.url, Literal(doc.url, datatype=XSD.anyURI)
    if doc.revision:
        yield s, LIN.revision, Literal(doc.revision)
    if doc.publisher:
        yield s, DCTERMS.publisher, Literal(doc.publisher)
    if doc.about:
        yield s, LIN.about, entity_iri(doc.about)
    if doc.note:
        yield s, SKOS.note, Literal(doc.note)


def evidence_triples(ev: Evidence, claim_node: URIRef, doc_id: str, written: set[URIRef]) -> Iterator[Triple]:
    """One evidence record of a claim of source ``doc_id``.  Claims resting on the same evidence (a listing page
    naming many repositories' bases in one field) point at one node, named by what it says
    (:func:`lineage.store.iris.evidence_node`); its own triples are written once (``written``: the source's
    evidence nodes so far)."""
    node = URIRef(evidence_node(ev, doc_id))
    yield claim_node, PROV.wasDerivedFrom, node
    if node in written:
        return
    written.add(node)
    yield node, RDF.type, LIN.Evidence
    yield node, PROV.hadPrimarySource, source_iri(ev.source)
    if ev.revision:
        yield node, LIN.revision, Literal(ev.revision)
    yield node, LIN.sourceKind, kind_iri(ev.source_kind)
    yield node, LIN.locator, Literal(ev.locator)
    yield node, LIN.snippet, Literal(ev.snippet)
    if ev.span_sha256 is not None:
        yield node, LIN.spanStart, Literal(ev.span_start)
        yield node, LIN.spanEnd, Literal(ev.span_end)
        yield node, LIN.spanSha256, Literal(ev.span_sha256)
    yield node, LIN.method, method_iri(ev.method)
    yield node, PROV.generatedAtTime, Literal(ev.retrieved_at.isoformat(), datatype=XSD.dateTime)
    yield node, LIN.supports, Literal(ev.supports)


def claim_triples(claim: Claim, doc_id: str, written: set[URIRef]) -> Iterator[Triple]:
    """A claim, its evidence and (unless contradicted) the direct edge (``written``: :func:`evidence_triples`)."""
    c = claim_iri(claim, doc_id)
    subject, predicate = entity_iri(claim.subject), LIN[claim.predicate.value]
    yield c, RDF.type, LIN.Claim
    yield c, LIN.claimKey, Literal(claim.id)
    yield c, RDF.subject, subject
    yield c, RDF.predicate, predicate
    if claim.object is not None:
        yield c, RDF.object, entity_iri(claim.object)
        if claim.status is not Status.CONTRADICTED:
            yield subject, predicate, entity_iri(claim.object)
    elif claim.value is not None:  # a claim has exactly one of object or value
        yield c, LIN.value, literal(claim.value)
    if claim.unit:
        yield c, LIN.unit, Literal(claim.unit)
    if claim.qualifiers:
        yield c, LIN.qualifiers, Literal(json.dumps(claim.qualifiers, sort_keys=True), datatype=RDF.JSON)
    yield c, LIN.status, status_iri(claim.status)
    yield c, LIN.statusReason, Literal(claim.reason)
    yield c, LIN.claimedIn, source_iri(doc_id)
    for ev in claim.evidence:
        yield from evidence_triples(ev, c, doc_id, written)


def entity_triples(entity: Entity) -> Iterator[Triple]:
    """What a catalog entity is: type, names, definition, sources and static links."""
    e = entity_iri(entity.id)
    yield e, RDF.type, CLASS_OF[type(entity)]
    yield e, DCTERMS.identifier, Literal(entity.id)
    yield e, RDFS.label, Literal(entity.name)
    for alias in entity.aliases:
        yield e, SKOS.altLabel, Literal(alias)
    if entity.description:
        yield e, SKOS.definition, Literal(entity.description)
    for ref in entity.sources:
        yield e, DCTERMS.source, Literal(ref.url, datatype=XSD.anyURI)
    if entity.curation == "discovered":
        # found in a source, not curated: typed, linked to that source, and kept whole for reading back
        yield e, RDF.type, LIN.DiscoveredEntity
        if entity.discovered_in:
            yield e, LIN.discoveredIn, source_iri(entity.discovered_in)
        record = entity.model_dump(mode="json", exclude_none=True)
        if isinstance(entity, Model):
            record.setdefault("organization", None)  # required, though None for a discovered model of no lab
        yield e, LIN.entityRecord, Literal(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    if isinstance(entity, Technique):
        yield e, LIN.category, LIN[entity.category.value.title() + "Category"]
        for other in entity.broader:
            yield e, SKOS.broader, entity_iri(other)
        for other in entity.variant_of:
            yield e, LIN.variantOf, entity_iri(other)
        for person in entity.inventors:
            yield e, LIN.inventor, Literal(person)
    elif isinstance(entity, Model):
        if entity.hf_repo:
            yield e, LIN.hfRepo, Literal(entity.hf_repo)
        if entity.family:
            yield e, LIN.family, Literal(entity.family)
        if entity.report:
            yield e, LIN.report, entity_iri(entity.report)
    elif isinstance(entity, Paper):
        if entity.arxiv:
            yield e, LIN.arxivId, Literal(entity.arxiv)
        if entity.title:
            yield e, DCTERMS.title, Literal(entity.title)
        if entity.published:
            yield e, DCTERMS.issued, date_literal(entity.published)
        for author in entity.authors:
            yield e, DCTERMS.creator, Literal(author)
        if entity.updated:
            yield e, DCTERMS.modified, date_literal(entity.updated)
        if entity.version:
            yield e, SCHEMA.version, Literal(entity.version)
        for category in entity.categories:
            yield e, DCTERMS.subject, Literal(category)
    elif isinstance(entity, Hardware):
        if entity.vendor:
            yield e, SCHEMA.manufacturer, entity_iri(entity.vendor)
        if entity.family:
            yield e, LIN.family, Literal(entity.family)
        if entity.memory_gb is not None:
            yield e, LIN.memoryGB, Literal(repr(float(entity.memory_gb)), datatype=XSD.decimal)
        for flag, value in (("fp8Support", entity.fp8), ("fp4Support", entity.fp4)):
            if value is not None:
                yield e, LIN[flag], Literal(value)
        if entity.export_control:
            yield e, LIN.exportControl, Literal(entity.export_control)
        for other in entity.broader:
            yield e, SKOS.broader, entity_iri(other)
    elif isinstance(entity, Organization):
        if entity.homepage:
            yield e, SCHEMA.url, Literal(entity.homepage, datatype=XSD.anyURI)
        if entity.country:
            yield e, SCHEMA.addressCountry, Literal(entity.country)
        if entity.hf_org:
            yield e, LIN.hfOrg, Literal(entity.hf_org)


def document_triples(doc: SourceDocument, claims: Iterable[Claim], entities: Iterable[Entity] = ()) -> list[Triple]:
    """Everything that goes into one source's named graph, deduplicated."""
    out: dict[Triple, None] = {}
    for t in source_triples(doc):
        out[t] = None
    for entity in entities:
        for t in entity_triples(entity):
            out[t] = None
    written: set[URIRef] = set()
    for claim in claims:
        for t in claim_triples(claim, doc.id, written):
            out[t] = None
    return list(out)


__all__ = [
    "BASE",
    "CITO",
    "CLAIM",
    "ENT",
    "FABIO",
    "LIN",
    "PREFIXES",
    "SCHEMA",
    "SOURCE",
    "Predicate",
    "claim_triples",
    "document_triples",
    "entity_id",
    "entity_iri",
    "source_id",
    "source_iri",
]
