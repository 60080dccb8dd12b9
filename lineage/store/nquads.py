"""Many small sources written at once: their graphs as N-Quads text, loaded a batch per transaction.

A Hub crawl writes one source per listing page (each listed repository's ``derivedFrom`` claims, its
discovered model, its commit: :func:`commit_nquads`): 100,000 repositories must take seconds.  :func:`lineage.store.rdf.document_triples` builds rdflib
terms (measured 0.4 ms a source, 40 s for 100k); :func:`document_nquads` writes the same quads as
text directly (``tests/store/test_nquads.py`` checks both give the same quads, source by source), and
falls back to the rdflib mapping for anything it does not cover (entities other than models and
labs, claims with a value, evidence with spans).

:func:`load_sources` drops the graphs a batch replaces and loads the batch with Oxigraph's
bulk loader, as a graph release is loaded (:mod:`lineage.store.bulk`; Oxigraph's transactional ``load``
measured 46 µs a quad, 15x slower).  The bulk loader skips the transaction log: a load killed midway may
leave part of its batch, which the caller redoes whole (the crawl's journal marks a page written only after
its load returned, and the batch's graphs are dropped before they are loaded again).  Sources whose claims touch the adoption
index (``uses``, idea relations) go through :meth:`~lineage.store.dataset.Store.replace_sources`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from lineage.domain import Claim, Entity, Model, Organization, SourceDocument, Status
from lineage.errors import StoreError
from lineage.store import iris
from lineage.store.adoption_index import VERSION
from lineage.vocab import IDEA_RELATIONS, Predicate

_XSD = "http://www.w3.org/2001/XMLSchema#"
_DC, _SKOS, _PROV = (iris.PREFIXES[p] for p in ("dcterms", "skos", "prov"))
_SCHEMA, _RDFS = iris.PREFIXES["schema"], iris.PREFIXES["rdfs"]
_TYPE = f"<{iris.RDF}type>"


def _lit(text: str, datatype: str | None = None) -> str:
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"^^<{datatype}>' if datatype else f'"{text}"'


def _lin(name: str) -> str:
    return f"<{iris.LIN}{name}>"


def covered(claims: list[Claim], entities: list[Entity]) -> bool:
    """Whether :func:`document_nquads` writes these itself (else the rdflib mapping does)."""
    for e in entities:
        fields = vars(e)
        if type(e) not in (Model, Organization) or fields["curation"] != "discovered" or any(
                fields.get(name) for name in _UNCOVERED):
            return False
    return all(c.object is not None and not c.unit and all(ev.span_sha256 is None for ev in c.evidence) for c in claims)


_UNCOVERED = ("aliases", "description", "family", "report", "homepage", "country")
"""Entity fields :func:`document_nquads` does not write (an entity with any of them goes through rdflib)."""


def document_nquads(doc: SourceDocument, claims: list[Claim], entities: list[Entity]) -> list[str]:
    """The quads of one source's graph as N-Quads lines (the quads :func:`rdf.document_triples` makes)."""
    g = s = _source(doc.id)
    if not covered(claims, entities):
        from oxrdflib._converter import to_ox  # Oxigraph's term syntax is N-Quads (rdflib's n3() is not)

        from lineage.store import rdf  # deferred for start-up: rdflib

        return [f"{to_ox(a)} {to_ox(b)} {to_ox(c)} {g} ." for a, b, c in rdf.document_triples(doc, claims, entities)]
    rows = [(s, _TYPE, _lin("SourceDocument")), (s, f"<{_DC}identifier>", _lit(doc.id)), (s, f"<{_DC}title>", _lit(doc.title)),
            (s, _lin("sourceKind"), _lin(doc.kind.value.title() + "Source")), (s, _lin("format"), _lit(doc.format))]
    if doc.url:
        rows.append((s, f"<{_SCHEMA}url>", _lit(doc.url, _XSD + "anyURI")))
    for pred, value in ((_lin("revision"), doc.revision), (f"<{_DC}publisher>", doc.publisher), (f"<{_SKOS}note>", doc.note)):
        if value:
            rows.append((s, pred, _lit(value)))
    if doc.about:
        rows.append((s, _lin("about"), f"<{iris.entity_iri(doc.about)}>"))
    for e in entities:
        assert isinstance(e, Model | Organization)  # covered(): the others go through rdflib
        rows += _entity(e)
    written: set[str] = set()
    for c in claims:
        rows += _claim(c, doc.id, s, written)
    return [f"{a} {b} {c} {g} ." for a, b, c in dict.fromkeys(rows)]


def _entity(e: Model | Organization) -> list[tuple[str, str, str]]:
    n = f"<{iris.entity_iri(e.id)}>"
    rows = [(n, _TYPE, _lin(type(e).__name__)), (n, f"<{_DC}identifier>", _lit(e.id)), (n, f"<{_RDFS}label>", _lit(e.name))]
    rows += [(n, f"<{_DC}source>", _lit(ref.url, _XSD + "anyURI")) for ref in e.sources]
    rows.append((n, _TYPE, _lin("DiscoveredEntity")))
    if e.discovered_in:
        rows.append((n, _lin("discoveredIn"), _source(e.discovered_in)))
    record = e.model_dump(mode="json", exclude_none=True)
    if isinstance(e, Model):
        record.setdefault("organization", None)
    rows.append((n, _lin("entityRecord"), _lit(json.dumps(record, ensure_ascii=False, separators=(",", ":")))))
    if isinstance(e, Model) and e.hf_repo:
        rows.append((n, _lin("hfRepo"), _lit(e.hf_repo)))
    if isinstance(e, Organization) and e.hf_org:
        rows.append((n, _lin("hfOrg"), _lit(e.hf_org)))
    return rows


def _claim(claim: Claim, doc_id: str, graph: str, written: set[str]) -> list[tuple[str, str, str]]:
    """A claim's quads (``graph``: the source's IRI, written as a term; ``written``: the source's evidence nodes so
    far, :func:`lineage.store.iris.evidence_node`, one node per distinct evidence as the rdflib mapping writes it)."""
    import hashlib

    assert claim.object is not None  # covered(): a claim with a value goes through rdflib
    key = claim.id
    c = f"<{iris.CLAIM}{key}-{hashlib.sha256(doc_id.encode()).hexdigest()[:8]}>"
    subject, predicate, obj = (f"<{iris.entity_iri(claim.subject)}>", _lin(claim.predicate.value),
                               f"<{iris.entity_iri(claim.object)}>")
    rows = [(c, _TYPE, _lin("Claim")), (c, _lin("claimKey"), _lit(key)), (c, f"<{iris.RDF}subject>", subject),
            (c, f"<{iris.RDF}predicate>", predicate), (c, f"<{iris.RDF}object>", obj)]
    if claim.status is not Status.CONTRADICTED:
        rows.append((subject, predicate, obj))
    if claim.qualifiers:
        rows.append((c, _lin("qualifiers"), _qualifiers(json.dumps(claim.qualifiers, sort_keys=True))))
    rows += [(c, _lin("status"), f"<{iris.status_iri(claim.status)}>"), (c, _lin("statusReason"), _lit(claim.reason)),
             (c, _lin("claimedIn"), graph)]
    for ev in claim.evidence:
        node = f"<{iris.evidence_node(ev, doc_id)}>"
        rows.append((c, f"<{_PROV}wasDerivedFrom>", node))
        if node in written:
            continue
        written.add(node)
        rows += [(node, _TYPE, _lin("Evidence")),
                 (node, f"<{_PROV}hadPrimarySource>", graph if ev.source == doc_id else _source(ev.source))]
        if ev.revision:
            rows.append((node, _lin("revision"), _lit(ev.revision)))
        rows += [(node, _lin("sourceKind"), _lin(ev.source_kind.value.title() + "Source")), (node, _lin("locator"), _lit(ev.locator)),
                 (node, _lin("snippet"), _lit(ev.snippet)), (node, _lin("method"), _lin(ev.method.value.title() + "Method")),
                 (node, f"<{_PROV}generatedAtTime>", _lit(ev.retrieved_at.isoformat(), _XSD + "dateTime")),
                 (node, _lin("supports"), _lit("true" if ev.supports else "false", _XSD + "boolean"))]
    return rows


@lru_cache(maxsize=4096)
def _source(doc_id: str) -> str:
    """A source's IRI as a term (a crawl names each source three times: graph, discoveredIn, evidence)."""
    return f"<{iris.source_iri(doc_id)}>"


@lru_cache(maxsize=256)
def _qualifiers(text: str) -> str:
    return _lit(text, iris.RDF + "JSON")


def load_sources(store, sources: Iterable[tuple[SourceDocument, list[Claim], list[Entity]]]) -> int:
    """Write a batch of sources, each replacing the graph of its id; returns the quads written.

    Graphs the batch replaces are dropped first, in one update; then the batch goes in through Oxigraph's
    bulk loader, whose files are on disk when it returns.
    """
    return load_prepared(store, prepare(sources))


class Prepared(NamedTuple):
    """A batch of sources ready to load: :func:`prepare`'s work (pure Python, no store) done ahead."""

    indexed: list
    """Sources whose claims touch the adoption index (written through ``replace_sources``)."""
    doc_ids: list[str]
    """The other sources' ids, in the batch's order."""
    text: bytes
    """Their quads as N-Quads (with the index version line)."""
    quads: int


def commit_nquads(commits: Iterable[tuple[str, str, str | None, str]]) -> list[str]:
    """(source id, model id, repo, commit) of Hub listing entries as quads in their source's graph:
    ``model lin:hfRepo repo ; lin:revision commit`` (what ``ingest refresh`` asks the Hub about again);
    repo None: the graph names it already (the discovered model's ``hfRepo``)."""
    out = []
    for doc_id, model_id, repo, sha in commits:
        m, g = f"<{iris.entity_iri(model_id)}>", _source(doc_id)
        if repo is not None:
            out.append(f"{m} {_lin('hfRepo')} {_lit(repo)} {g} .")
        out.append(f"{m} {_lin('revision')} {_lit(sha)} {g} .")
    return out


def prepare(sources: Iterable[tuple[SourceDocument, list[Claim], list[Entity]]], extra: Iterable[str] = ()) -> Prepared:
    """A batch's quads, rendered without touching the store (a crawl renders the next page while one loads);
    ``extra``: more N-Quads lines, in the batch's graphs (:func:`commit_nquads`)."""
    sources = list(sources)
    indexed = [s for s in sources if any(c.predicate is Predicate.USES or c.predicate in IDEA_RELATIONS for c in s[1])]
    plain = [s for s in sources if s not in indexed] if indexed else sources
    lines = [line for doc, claims, entities in plain for line in document_nquads(doc, list(claims), list(entities))]
    lines += extra
    index = iris.ref(iris.INDEX)
    text = "\n".join(lines) + f"\n{index} {_lin('indexVersion')} {_lit(_index_version(), _XSD + 'integer')} {index} .\n"
    return Prepared(indexed, [doc.id for doc, _, _ in plain], text.encode("utf-8"), len(lines))


def load_prepared(store, batch: Prepared) -> int:
    """Write a :func:`prepare`\\ d batch (see :func:`load_sources`); returns the quads written."""
    from pyoxigraph import RdfFormat

    if batch.indexed:
        store.replace_sources(batch.indexed)
    if not batch.doc_ids:
        return 0
    present = _present(store, batch.doc_ids)
    if present:
        store._update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in present), f"replacing {len(present)} sources failed")
    try:
        store._ox.bulk_load(batch.text, format=RdfFormat.N_QUADS)
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"writing {len(batch.doc_ids)} sources to the store failed: {str(exc).splitlines()[0]}") from None
    return batch.quads


def _index_version() -> str:

    return str(VERSION)


def _present(store, doc_ids: list[str]) -> list[str]:
    """The graphs of ``doc_ids`` the store already holds."""
    from pyoxigraph import NamedNode

    ox = store._ox
    return [g for g in (iris.source_iri(d) for d in doc_ids) if ox.contains_named_graph(NamedNode(g))]
