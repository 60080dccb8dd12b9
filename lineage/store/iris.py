"""The store's IRIs as plain strings: namespaces, ids to IRIs and back, enums from IRIs.

Reading the store needs only these (Oxigraph takes and gives text), so a query command never
loads rdflib (~0.3 s); :mod:`lineage.store.rdf` wraps them in rdflib terms to write graphs.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote, unquote

from lineage.vocab import Status

BASE = "https://w3id.org/lineage/"
LIN = BASE + "vocab#"
ENT = BASE + "id/"
CLAIM = BASE + "claim/"
SOURCE = BASE + "source/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

PREFIXES = {
    "lin": LIN,
    "ent": ENT,
    "claim": CLAIM,
    "src": SOURCE,
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "fabio": "http://purl.org/spar/fabio/",
    "cito": "http://purl.org/spar/cito/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
"""Prefixes every query may use (the vocabulary's and those it reuses)."""

INDEX = BASE + "index/adoption"
"""Named graph of the adoption index (derived data; :mod:`lineage.store.adoption_index`)."""

USES_WITH_STATUS = {s: LIN + "uses" + s.value.title() for s in Status}
"""Index predicate per combined status of a (model, technique) pair's ``uses`` claims."""

BUILDS_ON_WITH_STATUS = {s: LIN + "buildsOn" + s.value.title() for s in Status}
"""Index predicate per combined status of an idea-lineage link (newer technique -> the one it builds on)."""


def ref(iri: str) -> str:
    """``<iri>``: an IRI as SPARQL text (every IRI built here is safe to write so)."""
    return f"<{iri}>"


def entity_iri(ident: str) -> str:
    """IRI of a catalog entity (ids are validated kebab-case, so safe as local names)."""
    return ENT + ident


def entity_id(iri: str) -> str:
    """Inverse of :func:`entity_iri`."""
    return str(iri).removeprefix(ENT)


def source_iri(doc_id: str) -> str:
    """IRI (and named-graph name) of a source document; the id is percent-encoded."""
    return SOURCE + quote(doc_id, safe="")


def source_id(iri: str) -> str:
    """Inverse of :func:`source_iri`."""
    local = str(iri).removeprefix(SOURCE)
    return unquote(local) if "%" in local else local


def status_iri(status: Status) -> str:
    return LIN + status.value.title()


def enum_from_iri(enum, iri: str, suffix: str = ""):
    """The member of ``enum`` an IRI names (``lin:Verified`` -> ``Status.VERIFIED``)."""
    return enum(str(iri).removeprefix(LIN).removesuffix(suffix).lower())


def evidence_node(ev, doc_id: str) -> str:
    """The IRI of an evidence node in the graph of source ``doc_id``, named by what the evidence says: every field
    it is written with but the time it was read.  Claims resting on the same evidence share one node, whichever
    write of the source and in whatever order they come (a re-ingest keeping earlier discoveries gives the same
    quads; a node read twice carries both times)."""
    what = (ev.source, ev.revision, ev.source_kind, ev.locator, ev.snippet, ev.method, ev.supports, ev.span_start,
            ev.span_end, ev.span_sha256)
    return f"{CLAIM}ev-{hashlib.sha256(repr((doc_id, what)).encode()).hexdigest()[:20]}"
