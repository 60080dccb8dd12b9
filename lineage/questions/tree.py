"""The model tree at Hub scale: descendants of a model by relation and depth, the most-derived bases, who quantizes whom.

Every question reads the ``derivedFrom`` edges once: from the store (:func:`store_edges`, range reads of
the store's quad indexes, the claims and the discovered models' records), or from
the projected graph (:func:`graph_edges`, what the saved Cypher twins are checked against).  An edge
carries its relation (``quantized``, ``finetune``, ``adapter``, ``merge``, ``distill``…), its combined
status and the organizations on both sides; an edge whose status is ``contradicted`` or weaker than
``min_status`` is left out.  The saved Cypher queries ``derivatives``, ``most_derived`` and
``who_quantizes`` answer the same on a Bolt server.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict, deque
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING

from lineage.combine import combine
from lineage.domain import Status
from lineage.errors import SourceFormatError
from lineage.questions.answer import Answer, Field
from lineage.questions.status import at_least
from lineage.vocab import Predicate

if TYPE_CHECKING:
    import networkx as nx

    from lineage.catalog import Catalog
    from lineage.store import Store


class Edge(Answer):
    """One derivation: ``model`` is derived from ``base``."""

    model: str = Field(description="The derivative's model id.")
    base: str = Field(description="The base model's id.")
    relation: str = Field(description="quantized, finetune, adapter, merge, distill… (the claims' qualifier).")
    status: str = Field(description="Combined status of the edge's claims.")
    model_org: str | None = Field(default=None, description="Organization publishing the derivative.")
    base_org: str | None = Field(default=None, description="Organization of the base model.")


class Descendant(Answer):
    """A model below the asked one, with the step that reaches it."""

    model: str = Field(description="Derivative model id.")
    base: str = Field(description="The model it is derived from (one generation up).")
    relation: str = Field(description="Relation of that step.")
    depth: int = Field(description="Generations below the asked model (1: a direct derivative).")
    status: str = Field(description="Combined status of that step.")


class DerivativeCount(Answer):
    """A base and how many direct derivatives name it."""

    base: str = Field(description="Base model id.")
    derivatives: int = Field(description="Direct derivatives (of the asked relation, or of any).")
    relations: dict[str, int] = Field(description="Direct derivatives per relation.")


class Quantizer(Answer):
    """An organization publishing quantized copies of another organization's models."""

    publisher: str = Field(description="Organization (or Hub user) publishing the quantized copies.")
    of: str = Field(description="Organization whose models it quantizes.")
    copies: int = Field(description="Quantized copies.")
    bases: int = Field(description="Distinct base models quantized.")


def store_edges(store: Store, catalog: Catalog, min_status: str = "unverified") -> list[Edge]:
    """Every derivation in the store, one per (model, base), its claims' statuses combined.

    Read through the store's own quad indexes, not a SPARQL join (:meth:`lineage.store.Store.statements`);
    the discovered models' organizations from their records, parsed only for models on an edge.
    """
    from lineage.store import iris

    statuses: dict[tuple[str, str], list] = defaultdict(list)
    relations: dict[tuple[str, str], Counter] = defaultdict(Counter)
    status_of = {iris.status_iri(s): s for s in Status}
    for subject, obj, status, qualifiers in store.statements(Predicate.DERIVED_FROM):
        key = (iris.entity_id(subject), iris.entity_id(obj))
        statuses[key].append(status_of[status])
        relations[key][_relation(qualifiers)] += 1
    orgs = {}
    for model, text in store.entity_records({m for pair in statuses for m in pair if m not in catalog.entities}).items():
        try:
            record = json.loads(text)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("kind") == "model":
            orgs[model] = record.get("organization")
    return _edges(statuses, relations, lambda m: _org(m, catalog, orgs), min_status)


def graph_edges(g: nx.MultiDiGraph, min_status: str = "unverified") -> list[Edge]:
    """Every derivation of the projected graph (the edges ``push neo4j`` sends)."""
    out = []
    for s, o, k, d in g.edges(keys=True, data=True):
        if k != "derivedFrom" or d["status"] == "contradicted" or not at_least(d["status"], min_status):
            continue
        out.append(Edge(model=s, base=o, relation=(d.get("qualifiers") or {}).get("relation") or "unknown",
                        status=d["status"], model_org=g.nodes[s].get("organization"), base_org=g.nodes[o].get("organization")))
    return out


@lru_cache(maxsize=1024)
def _relation(q: str | None) -> str:
    """The relation of a claim's qualifiers (JSON text; a crawl's claims share a handful of values)."""
    try:
        return json.loads(q).get("relation") or "unknown" if q else "unknown"
    except (ValueError, AttributeError):
        return "unknown"


def _org(model: str, catalog: Catalog, discovered: dict[str, str | None]) -> str | None:
    known = catalog.entities.get(model)
    return getattr(known, "organization", None) if known is not None else discovered.get(model)


def _edges(claims, relations, org, min_status: str) -> list[Edge]:
    out = []
    for (model, base), statuses in claims.items():
        status = statuses[0] if len(set(statuses)) == 1 else combine(
            [SimpleNamespace(status=s, reason="-", evidence=()) for s in statuses])[0]
        if status.value == "contradicted" or not at_least(status.value, min_status):
            continue
        out.append(Edge(model=model, base=base, relation=relations[(model, base)].most_common(1)[0][0], status=status.value,
                        model_org=org(model), base_org=org(base)))
    return out


def descendants(edges: list[Edge], model: str, relation: str | None = None, depth: int | None = None) -> list[Descendant]:
    """Every model below ``model``, breadth first (each reached once, at its shallowest depth), each step of
    ``relation`` when given, at most ``depth`` generations down."""
    if depth is not None and depth < 1:
        raise SourceFormatError("--depth must be at least 1")
    children: dict[str, list[Edge]] = defaultdict(list)
    for e in edges:
        if relation is None or e.relation == relation:
            children[e.base].append(e)
    out, seen, queue = [], {model}, deque([(model, 0)])
    while queue:
        node, level = queue.popleft()
        if depth is not None and level >= depth:
            continue
        for e in sorted(children.get(node, ()), key=lambda x: x.model):
            if e.model in seen:
                continue  # a cycle in base_model, or a model reached by a shorter route
            seen.add(e.model)
            out.append(Descendant(model=e.model, base=node, relation=e.relation, depth=level + 1, status=e.status))
            queue.append((e.model, level + 1))
    return out


def most_derived(edges: list[Edge], relation: str | None = None, limit: int | None = 10) -> list[DerivativeCount]:
    """Bases by how many direct derivatives name them (of ``relation`` when given), most first."""
    per: dict[str, Counter] = defaultdict(Counter)
    for e in edges:
        per[e.base][e.relation] += 1
    rows = [DerivativeCount(base=b, derivatives=c[relation] if relation else sum(c.values()), relations=dict(sorted(c.items())))
            for b, c in per.items()]
    rows = sorted((r for r in rows if r.derivatives), key=lambda r: (-r.derivatives, r.base))
    return rows[:limit] if limit else rows


def who_quantizes(edges: list[Edge], limit: int | None = None) -> list[Quantizer]:
    """(publisher, whose models) pairs of quantized copies, most copies first; a lab quantizing its own models is left out."""
    copies: Counter = Counter()
    bases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in edges:
        if e.relation != "quantized" or not e.model_org or not e.base_org or e.model_org == e.base_org:
            continue
        copies[(e.model_org, e.base_org)] += 1
        bases[(e.model_org, e.base_org)].add(e.base)
    rows = [Quantizer(publisher=a, of=b, copies=n, bases=len(bases[(a, b)])) for (a, b), n in copies.items()]
    rows.sort(key=lambda r: (-r.copies, r.publisher, r.of))
    return rows[:limit] if limit else rows
