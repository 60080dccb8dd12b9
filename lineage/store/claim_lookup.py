"""Claims about one entity or from one source, read by index lookups instead of a SPARQL join.

``queries/claims.rq`` joins some twenty patterns per claim; Oxigraph plans that join from
``?c a lin:Claim`` whatever is substituted, so asking for the 8 claims that name one technique
costs as much as reading all 3,500 (measured: 0.4-0.7 s on a 2-core machine).  When a subject,
an object or a source is given, the claims are found through that one pattern and each claim and
evidence node is read with one quad-pattern lookup in its own graph (same 8 claims: ~5 ms).
Rows come out as ``claims.rq`` gives them, so :meth:`lineage.store.Store.claims` assembles both alike.
"""

from __future__ import annotations

from lineage.store.iris import LIN, RDF
from lineage.store.results import plain_ox

PROV = "http://www.w3.org/ns/prov#"

_CLAIM_FIELDS = {
    RDF + "subject": "s",
    RDF + "predicate": "p",
    RDF + "object": "o",
    LIN + "value": "v",
    LIN + "unit": "unit",
    LIN + "qualifiers": "q",
    LIN + "status": "status",
    LIN + "statusReason": "reason",
}
_EVIDENCE_FIELDS = {
    PROV + "hadPrimarySource": "evsrc",
    LIN + "revision": "rev",
    LIN + "sourceKind": "kind",
    LIN + "locator": "loc",
    LIN + "snippet": "snip",
    LIN + "method": "meth",
    PROV + "generatedAtTime": "at",
    LIN + "supports": "sup",
    LIN + "spanStart": "s0",
    LIN + "spanEnd": "s1",
    LIN + "spanSha256": "sh",
}
_CLAIM_REQUIRED = {"s", "p", "status", "reason"}
_EVIDENCE_REQUIRED = {"evsrc", "kind", "loc", "snip", "meth", "at", "sup"}
_SPAN = ("s0", "s1", "sh")
_DERIVED_FROM = PROV + "wasDerivedFrom"
_TYPE, _CLAIM_CLASS = RDF + "type", LIN + "Claim"


def claim_rows(ox_store, filters: dict[str, str]) -> list[dict] | None:
    """Rows of ``claims.rq`` for the claims matching ``filters`` (column -> IRI: ``s``, ``p``,
    ``o``, ``status``, ``g``), or None when none of ``s``, ``o``, ``g`` narrows the search."""
    from pyoxigraph import NamedNode

    graph = NamedNode(filters["g"]) if "g" in filters else None
    if "o" in filters:
        found = ox_store.quads_for_pattern(None, NamedNode(RDF + "object"), NamedNode(filters["o"]), graph)
    elif "s" in filters:
        found = ox_store.quads_for_pattern(None, NamedNode(RDF + "subject"), NamedNode(filters["s"]), graph)
    elif graph is not None:
        found = ox_store.quads_for_pattern(None, NamedNode(_TYPE), NamedNode(_CLAIM_CLASS), graph)
    else:
        return None
    if "p" in filters:  # a subject's claims of one predicate (a model's derivedFrom): the others are not read
        wanted, predicate = NamedNode(filters["p"]), NamedNode(RDF + "predicate")
        found = [q for q in found if next(ox_store.quads_for_pattern(q.subject, predicate, wanted, q.graph_name), None)]
    rows = []
    for quad in found:
        rows += _rows_of(ox_store, quad.subject, quad.graph_name, filters)
    return rows


def _rows_of(ox_store, claim, graph, filters: dict[str, str]) -> list[dict]:
    """One row per evidence of ``claim`` in ``graph`` (none unless it is a complete claim matching ``filters``)."""
    head: dict = {}
    evidence, is_claim = [], False
    for quad in ox_store.quads_for_pattern(claim, None, None, graph):
        predicate = quad.predicate.value
        if predicate == _DERIVED_FROM:
            evidence.append(quad.object)
        elif predicate in _CLAIM_FIELDS:
            head[_CLAIM_FIELDS[predicate]] = plain_ox(quad.object)
        elif predicate == _TYPE:
            is_claim = is_claim or quad.object.value == _CLAIM_CLASS
    if not is_claim or not head.keys() >= _CLAIM_REQUIRED or any(head.get(k) != v for k, v in filters.items() if k != "g"):
        return []
    head["c"], head["g"] = claim.value, graph.value
    rows = []
    for node in evidence:
        row = dict(head, ev=node.value)
        for quad in ox_store.quads_for_pattern(node, None, None, graph):
            if (key := _EVIDENCE_FIELDS.get(quad.predicate.value)) is not None:
                row[key] = plain_ox(quad.object)
        if row.keys() >= _EVIDENCE_REQUIRED:
            if not all(k in row for k in _SPAN):  # the span is optional as a whole
                for k in _SPAN:
                    row.pop(k, None)
            rows.append(row)
    return rows


LOOKUPS = 5000
"""Up to this many claims of a predicate, :func:`statements` reads each by its own lookups; above, by predicate ranges."""


def statements(ox_store, predicate: str) -> list[tuple[str, str, str, str | None]]:
    """(subject IRI, object IRI, status IRI, qualifiers JSON or None) of every whole claim of ``predicate``.

    The claims are one range of ``(?, rdf:predicate, predicate)``; their fields come by one lookup per claim,
    or, for many claims, by one range of each field's predicate (kept for these claims): no SPARQL join
    (measured at 100,000 ``derivedFrom`` claims: ``benchmarks/results/crawl.txt``).
    """
    from pyoxigraph import NamedNode

    claims = {(q.subject, q.graph_name) for q in ox_store.quads_for_pattern(
        None, NamedNode(RDF + "predicate"), NamedNode(predicate))}
    wanted = {RDF + "subject": 0, RDF + "object": 1, LIN + "status": 2, LIN + "qualifiers": 3}
    fields: list[dict] = [{} for _ in wanted]
    if len(claims) <= LOOKUPS:  # few: each claim's own quads (a store of many other claims is not scanned)
        for c in claims:
            for q in ox_store.quads_for_pattern(c[0], None, None, c[1]):
                if (i := wanted.get(q.predicate.value)) is not None:
                    fields[i][c] = q.object.value
    else:  # many: one range of each field's predicate
        for field, i in wanted.items():
            fields[i] = {(q.subject, q.graph_name): q.object.value for q in ox_store.quads_for_pattern(
                None, NamedNode(field), None) if (q.subject, q.graph_name) in claims}
    subjects, objects, statuses, qualifiers = fields
    return [(subjects[c], objects[c], statuses[c], qualifiers.get(c)) for c in claims
            if c in subjects and c in objects and c in statuses]


def entity_records(ox_store, ids: set[str]) -> dict[str, str]:
    """id -> ``lin:entityRecord`` JSON of the discovered entities among ``ids`` (the first record read of each)."""
    from pyoxigraph import NamedNode

    from lineage.store.iris import entity_id

    out: dict[str, str] = {}
    for q in ox_store.quads_for_pattern(None, NamedNode(LIN + "entityRecord"), None):
        if (e := entity_id(q.subject.value)) in ids and e not in out:
            out[e] = q.object.value
    return out
