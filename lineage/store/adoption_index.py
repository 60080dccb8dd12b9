"""The adoption index: one triple per (model, technique) holding the combined status of its ``uses`` claims.

Answering "who uses MLA?" from the claims means grouping every ``uses`` claim of every
adopter across source graphs and combining their statuses (:func:`lineage.verify.combine`)
at query time: four or more index lookups per claim, about 200 µs per adopter on disk at a
million models.  The index keeps that answer materialised in its own named graph,
:data:`lineage.store.iris.INDEX`::

    ent:deepseek-v3  lin:usesVerified  ent:mla .
    ent:kimi-k2.6    lin:usesReported  ent:mla .

so ``who-uses`` is one index range scan (see ``queries/who_uses.rq``).  The status is in the
predicate (``lin:usesVerified`` … ``lin:usesUnverified``), so a row costs one term to decode.

The store keeps the index exact: :meth:`lineage.store.Store.replace_source` and
``remove_source`` recompute the rows of every (model, technique) pair the source had or has
in the same SPARQL update that rewrites the source graph, so a reader never sees claims and
index disagree.  A store written before the index existed is indexed when it is opened.
The index is derived data: exports and SHACL validation leave it out.
"""

from __future__ import annotations

from collections.abc import Iterable

from lineage.domain import STATUS_RANK, Status
from lineage.store.iris import INDEX, LIN, RDF, USES_WITH_STATUS, entity_iri, ref, source_iri, status_iri

VERSION = 1
"""Bumped when the index layout changes; a store holding another version is re-indexed on open."""

# Every IRI is written in full: Oxigraph accepts PREFIX only at the start of an update request,
# and these operations are appended to the store's own.
_USES_CLAIM = f"{ref(RDF + 'subject')} ?m ; {ref(RDF + 'predicate')} {ref(LIN + 'uses')} ; {ref(RDF + 'object')} ?t"

# One row per status: the claim status, its rank, whether it is primary support / refutation,
# and the index predicate a pair with that combined status gets.
_STATUS_ROWS = " ".join(
    f"({ref(status_iri(s))} {STATUS_RANK[s]} {int(s is Status.VERIFIED)} {int(s is Status.CONTRADICTED)})"
    for s in Status
)
_PREDICATE_ROWS = " ".join(f"({STATUS_RANK[s]} {ref(USES_WITH_STATUS[s])})" for s in Status)


def _pair_values(model: str, technique: str) -> str:
    return f"VALUES (?m ?t) {{ ({ref(entity_iri(model))} {ref(entity_iri(technique))}) }}"


def _insert(scope: str) -> str:
    """INSERT the index rows of the pair ``scope`` (a one-row VALUES block, or empty for every pair).

    Same rule as :func:`lineage.verify.combine`: a verified and a contradicted claim make
    the pair disputed; otherwise verified, then contradicted, then the strongest other status.
    """
    g = ref(INDEX)
    return f"""INSERT {{ GRAPH {g} {{ ?m ?p ?t }} }} WHERE {{
  {{ SELECT ?m ?t (MAX(?pro) AS ?anyPro) (MAX(?con) AS ?anyCon) (MIN(?r) AS ?best) WHERE {{
      {scope}
      GRAPH ?src {{ ?c {_USES_CLAIM} ; {ref(LIN + 'status')} ?st . }}
      VALUES (?st ?r ?pro ?con) {{ {_STATUS_ROWS} }}
    }} GROUP BY ?m ?t }}
  BIND(IF(?anyPro = 1 && ?anyCon = 1, {STATUS_RANK[Status.DISPUTED]}, IF(?anyPro = 1, {STATUS_RANK[Status.VERIFIED]},
       IF(?anyCon = 1, {STATUS_RANK[Status.CONTRADICTED]}, ?best))) AS ?rank)
  VALUES (?rank ?p) {{ {_PREDICATE_ROWS} }}
}}"""


def marker() -> str:
    """The triple saying the index is of this version (full IRIs: it needs no prefixes)."""
    return f"{ref(INDEX)} {ref(LIN + 'indexVersion')} {VERSION} ."


def reindex_pairs(pairs: Iterable[tuple[str, str]]) -> str:
    """SPARQL update recomputing the index rows of the given (model, technique) pairs.

    One DELETE/INSERT pair of operations per pair: Oxigraph turns a one-row ``VALUES`` into
    index lookups (9 ms at a million models) but joins a longer one after scanning every
    ``uses`` claim (51 s for ten pairs), so the pairs are never batched into one ``VALUES``.
    """
    g = ref(INDEX)
    ops = []
    for model, technique in sorted(set(pairs)):
        values = _pair_values(model, technique)
        ops.append(f"DELETE {{ GRAPH {g} {{ ?m ?p ?t }} }} WHERE {{ {values} GRAPH {g} {{ ?m ?p ?t }} }}")
        ops.append(_insert(values))
    return " ;\n".join(ops)


def rebuild() -> str:
    """SPARQL update recomputing the whole index (and its version marker)."""
    g = ref(INDEX)
    return f"DROP SILENT GRAPH {g} ;\n{_insert('')} ;\nINSERT DATA {{ GRAPH {g} {{ {marker()} }} }}"


def is_current() -> str:
    """ASK query: does the store hold an index of this version?"""
    return f"ASK {{ GRAPH {ref(INDEX)} {{ {marker()} }} }}"


def source_pairs(doc_id: str) -> str:
    """SELECT the (model, technique) pairs of a source's ``uses`` claims (the graph IRI is percent-encoded)."""
    return f"SELECT DISTINCT ?m ?t WHERE {{ GRAPH {ref(source_iri(doc_id))} {{ ?c {_USES_CLAIM} }} }}"
