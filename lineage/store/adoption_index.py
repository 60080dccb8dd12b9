"""The adoption index: one triple per (model, technique) holding the combined status of its ``uses`` claims,
and one per idea-lineage link (technique -> earlier technique) holding the status of its relation claims.

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

Idea relations (:data:`lineage.domain.IDEA_RELATIONS`) are indexed the same way, one triple per
(subject, relation, object) group, written from the newer idea to the one it builds on::

    ent:kda  lin:buildsOnVerified  ent:gated-deltanet .

(``componentOf`` is turned round: the whole builds on its component; ``contrastsWith`` is not
a step back and is not indexed), so ``ancestry`` and ``descendants`` are property paths over
these predicates (``queries/ancestry.rq``).
"""

from __future__ import annotations

from collections.abc import Iterable

from lineage.store.iris import (
    BUILDS_ON_WITH_STATUS,
    INDEX,
    LIN,
    RDF,
    USES_WITH_STATUS,
    entity_iri,
    ref,
    source_iri,
    status_iri,
)
from lineage.vocab import IDEA_RELATIONS, STATUS_RANK, Predicate, Status

VERSION = 2
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
_BUILDS_ON_ROWS = " ".join(f"({STATUS_RANK[s]} {ref(BUILDS_ON_WITH_STATUS[s])})" for s in Status)
_BUILDS_ON = " ".join(ref(p) for p in BUILDS_ON_WITH_STATUS.values())

# Idea relations indexed, and whether the object (1) or the subject (0) is the earlier idea.
_IDEA_ROWS = " ".join(f"({ref(LIN + p.value)} {int(p is not Predicate.COMPONENT_OF)})"
                      for p in IDEA_RELATIONS if p is not Predicate.CONTRASTS_WITH)
_IDEA_CLAIM = f"{ref(RDF + 'subject')} ?m ; {ref(RDF + 'predicate')} ?rel ; {ref(RDF + 'object')} ?t"


def _pair_values(model: str, technique: str) -> str:
    return f"VALUES (?m ?t) {{ ({ref(entity_iri(model))} {ref(entity_iri(technique))}) }}"


def _combined(scope: str, claim: str, group: str) -> str:
    """Subquery and BIND giving ``?rank``: the combined status of the claims ``claim`` matches, per ``group``.

    Same rule as :func:`lineage.verify.combine`: a verified and a contradicted claim make
    the pair disputed; otherwise verified, then contradicted, then the strongest other status.
    """
    return f"""{{ SELECT {group} (MAX(?pro) AS ?anyPro) (MAX(?con) AS ?anyCon) (MIN(?r) AS ?best) WHERE {{
      {scope}
      GRAPH ?src {{ ?c {claim} ; {ref(LIN + 'status')} ?st . }}
      VALUES (?st ?r ?pro ?con) {{ {_STATUS_ROWS} }}
    }} GROUP BY {group} }}
  BIND(IF(?anyPro = 1 && ?anyCon = 1, {STATUS_RANK[Status.DISPUTED]}, IF(?anyPro = 1, {STATUS_RANK[Status.VERIFIED]},
       IF(?anyCon = 1, {STATUS_RANK[Status.CONTRADICTED]}, ?best))) AS ?rank)"""


def _uses_rows(scope: str) -> tuple[str, str]:
    """(template, pattern) of the index rows of the pair ``scope`` (a one-row VALUES block, or empty for every pair)."""
    return "?m ?p ?t", f"""{_combined(scope, _USES_CLAIM, "?m ?t")}
  VALUES (?rank ?p) {{ {_PREDICATE_ROWS} }}"""


def _idea_rows(scope: str) -> tuple[str, str]:
    """(template, pattern) of the ``buildsOn…`` rows of the idea claims in ``scope`` (one (?m ?t) row, or empty for all)."""
    return "?newer ?p ?older", f"""{_combined(scope + f" VALUES (?rel ?forward) {{ {_IDEA_ROWS} }}", _IDEA_CLAIM, "?m ?rel ?t ?forward")}
  VALUES (?rank ?p) {{ {_BUILDS_ON_ROWS} }}
  BIND(IF(?forward = 1, ?m, ?t) AS ?newer)
  BIND(IF(?forward = 1, ?t, ?m) AS ?older)"""


def _insert(scope: str) -> str:
    """INSERT the index rows of the pair ``scope`` (a one-row VALUES block, or empty for every pair)."""
    template, pattern = _uses_rows(scope)
    return f"INSERT {{ GRAPH {ref(INDEX)} {{ {template} }} }} WHERE {{\n  {pattern}\n}}"


def _insert_ideas(scope: str) -> str:
    """INSERT the ``buildsOn…`` rows of the idea claims in ``scope`` (one (?m ?t) row, or empty for all)."""
    template, pattern = _idea_rows(scope)
    return f"INSERT {{ GRAPH {ref(INDEX)} {{ {template} }} }} WHERE {{\n  {pattern}\n}}"


def marker() -> str:
    """The triple saying the index is of this version (full IRIs: it needs no prefixes)."""
    return f"{ref(INDEX)} {ref(LIN + 'indexVersion')} {VERSION} ."


def reindex_pairs(pairs: Iterable[tuple[str, str]], idea_pairs: Iterable[tuple[str, str]] = ()) -> str:
    """SPARQL update recomputing the index rows of the given (model, technique) and idea (technique, technique) pairs.

    One DELETE/INSERT pair of operations per pair: Oxigraph turns a one-row ``VALUES`` into
    index lookups (9 ms at a million models) but joins a longer one after scanning every
    ``uses`` claim (51 s for ten pairs), so the pairs are never batched into one ``VALUES``.
    An idea pair is recomputed both ways round (a ``componentOf`` row points against its claim).
    """
    g = ref(INDEX)
    ops = []
    for model, technique in sorted(set(pairs)):
        values = _pair_values(model, technique)
        ops.append(f"DELETE {{ GRAPH {g} {{ ?m ?p ?t }} }} WHERE {{ {values} GRAPH {g} {{ ?m ?p ?t }} }}")
        ops.append(_insert(values))
    both = {(a, b) for pair in idea_pairs for a, b in (pair, pair[::-1])}
    for a, b in sorted(both):
        values = _pair_values(a, b)
        ops.append(f"DELETE {{ GRAPH {g} {{ ?m ?p ?t }} }} WHERE {{ {values} VALUES ?p {{ {_BUILDS_ON} }} GRAPH {g} {{ ?m ?p ?t }} }}")
    ops += [_insert_ideas(_pair_values(a, b)) for a, b in sorted(both)]
    return " ;\n".join(ops)


def rebuild() -> str:
    """SPARQL update recomputing the whole index (and its version marker)."""
    g = ref(INDEX)
    return f"DROP SILENT GRAPH {g} ;\n{_insert('')} ;\n{_insert_ideas('')} ;\nINSERT DATA {{ GRAPH {g} {{ {marker()} }} }}"


def rows() -> list[str]:
    """CONSTRUCT queries giving every row of the index (the ``uses`` rows, then the idea rows), without the marker.

    The patterns of :func:`rebuild`'s inserts, for a bulk rebuild: the engine writes the rows as N-Triples
    and Oxigraph's bulk loader puts them in the index graph, with no transaction
    (:meth:`lineage.store.Store.reindex`).  A CONSTRUCT may repeat a row (Oxigraph forgets the rows it
    wrote past a million); the store keeps one of each.
    """
    return [f"CONSTRUCT {{ {template} }} WHERE {{\n  {pattern}\n}}" for template, pattern in (_uses_rows(""), _idea_rows(""))]


def is_current() -> str:
    """ASK query: does the store hold an index of this version?"""
    return f"ASK {{ GRAPH {ref(INDEX)} {{ {marker()} }} }}"


def source_pairs(doc_id: str) -> str:
    """SELECT the (model, technique) pairs of a source's ``uses`` claims (the graph IRI is percent-encoded)."""
    return f"SELECT DISTINCT ?m ?t WHERE {{ GRAPH {ref(source_iri(doc_id))} {{ ?c {_USES_CLAIM} }} }}"


def source_idea_pairs(doc_id: str) -> str:
    """SELECT the (subject, object) pairs of a source's indexed idea-relation claims."""
    return (f"SELECT DISTINCT ?m ?t WHERE {{ VALUES (?rel ?forward) {{ {_IDEA_ROWS} }} "
            f"GRAPH {ref(source_iri(doc_id))} {{ ?c {_IDEA_CLAIM} }} }}")
