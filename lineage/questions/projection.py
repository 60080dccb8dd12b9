"""networkx projection of the store, for graph algorithms and the HTML export.

The store is the source of truth; this is a derived, in-memory view.  Nodes are
catalog entities (``kind``, ``label``); edges are relation claims keyed by
predicate, carrying the combined status, its reason and the evidence.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Literal, overload

from lineage.combine import combine
from lineage.questions.derivatives import links
from lineage.vocab import ENTITY_PREDICATES, EntityKind, Status

if TYPE_CHECKING:
    import networkx as nx

    from lineage.catalog import Catalog
    from lineage.questions.light_graph import LightGraph
    from lineage.store import Store, StoredClaim

NODE_FIELDS = ("organization", "released", "published", "first_appeared", "inventors", "introduced_in",
               "category", "family", "report", "introduced_by", "vendor", "memory_gb", "fp8", "fp4", "export_control", "country")
"""Catalog fields copied onto nodes (what a thing *is*; relations between things stay claims)."""


def _node_attrs(entity) -> dict:
    out = {"kind": entity.kind, "label": entity.name, "description": entity.description or ""}
    for name in NODE_FIELDS:
        value = getattr(entity, name, None)
        if value is None or value == ():
            continue
        out[name] = list(value) if isinstance(value, tuple) else getattr(value, "value", value)
    return out


@overload
def project(store: Store, catalog: Catalog, derivatives: bool = ..., light: Literal[False] = ...) -> nx.MultiDiGraph: ...
@overload
def project(store: Store, catalog: Catalog, derivatives: bool, light: Literal[True]) -> LightGraph: ...
@overload
def project(store: Store, catalog: Catalog, *, light: Literal[True]) -> LightGraph: ...


def project(store: Store, catalog: Catalog, derivatives: bool = False, light: bool = False) -> nx.MultiDiGraph | LightGraph:
    """Catalog entities as nodes, relation claims as edges (one per subject, predicate, object).

    Literal claims (architecture, parameter counts, release dates …) go to the subject node's
    ``facts``: predicate -> list of ``{value, unit, qualifiers, status, reason, evidence}``.
    A derivative (a quantization, adapter, merge, or another lab's fine-tune or distillation of a
    base model: :mod:`lineage.questions.derivatives`) gets ``derivative_of`` (``[{base, relation,
    status}]``); its ``uses`` edges are left out unless ``derivatives``, so the graph questions
    (adopters, flow, symbiosis, timeline, the explorer) count base models only.
    With ``light``, the same graph as a :class:`~lineage.questions.light_graph.LightGraph` (networkx not imported).
    """

    g: Any
    if light:
        from lineage.questions.light_graph import LightGraph

        g = LightGraph()
    else:
        import networkx as nx

        g = nx.MultiDiGraph()
    for e in catalog.entities.values():
        g.add_node(e.id, **_node_attrs(e))
    groups: dict[tuple[str, str, str], list[StoredClaim]] = defaultdict(list)
    literals: dict[tuple, list[StoredClaim]] = defaultdict(list)
    for c in store.claim_records():  # read as records: no pydantic model per claim
        if c.predicate in ENTITY_PREDICATES:
            groups[(c.subject, c.predicate.value, c.object)].append(c)
        else:
            literals[(c.subject, c.predicate.value, c.value, c.unit, tuple(sorted(c.qualifiers.items())))].append(c)
    for (s, p, value, unit, qualifiers), claims in sorted(literals.items(), key=lambda kv: str(kv[0])):
        status, reason = combine(claims)
        if s not in g:
            g.add_node(s, kind="unknown", label=s, description="")
        g.nodes[s].setdefault("facts", {}).setdefault(p, []).append(
            {
                "value": value,
                "unit": unit,
                "qualifiers": dict(qualifiers),
                "status": status.value,
                "reason": reason,
                "evidence": [ev.model_dump(mode="json") for c in claims for ev in c.evidence],
            }
        )
    derived = links((c for (_, p, _), cs in groups.items() if p == "derivedFrom" for c in cs),
                    lambda ident: getattr(catalog.entities.get(ident), "organization", None))
    for (s, p, o), claims in groups.items():
        if p == "uses" and s in derived and not derivatives:
            continue
        status, reason = combine(claims)
        for node in (s, o):
            if node not in g:
                g.add_node(node, kind="unknown", label=node, description="")
        g.add_edge(
            s,
            o,
            key=p,
            predicate=p,
            status=status.value,
            reason=reason,
            evidence=[ev.model_dump(mode="json") for c in claims for ev in c.evidence],
            qualifiers={k: v for c in reversed(claims) for k, v in c.qualifiers.items()},
        )
    for model, found in derived.items():
        g.nodes[model]["derivative_of"] = [{"base": d.base, "relation": d.relation, "status": d.status.value}
                                           for d in found]
    for t in catalog.of_kind(EntityKind.TECHNIQUE):
        for other in t.variant_of:
            if g.has_edge(t.id, other, key="variantOf"):
                continue  # already there as a curated claim, with its status and evidence
            g.add_edge(t.id, other, key="variantOf", predicate="variantOf", status="curated",
                       reason="catalog definition", evidence=[])
    for h in catalog.of_kind(EntityKind.HARDWARE):
        for line in h.broader:  # a device and the product line it belongs to (Ascend 910B -> Ascend)
            g.add_edge(h.id, line, key="broader", predicate="broader", status="curated",
                       reason="catalog definition", evidence=[])
    return g


def adopters(g: nx.MultiDiGraph, technique: str, statuses: tuple[str, ...] = ("verified", "reported")) -> list[str]:
    """Models with a ``uses`` edge to ``technique`` whose status is in ``statuses``.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("deepseek-v3", "mla", key="uses", status="verified")
    'uses'
    >>> adopters(g, "mla")
    ['deepseek-v3']
    """
    return sorted(
        u for u, _, k, d in g.in_edges(technique, keys=True, data=True) if k == "uses" and d["status"] in statuses
    )


def status_counts(g: nx.MultiDiGraph) -> dict[str, int]:
    """How many edges carry each status."""
    counts = {s.value: 0 for s in Status}
    for *_, d in g.edges(data=True):
        counts[d["status"]] = counts.get(d["status"], 0) + 1
    return counts


_CODE = ("questions/projection.py", "questions/light_graph.py", "questions/derivatives.py", "questions/evidence.py",
         "combine.py", "catalog/__init__.py")
"""Modules that decide what :func:`projected` saves (beside those of the claims and the catalog)."""


def projected(store: Store, catalog: Catalog, derivatives: bool = False) -> LightGraph:
    """:func:`project` (``light``) of a store a command only reads: kept in the store's read model, so the next
    question of the same store state loads it (:func:`lineage.store.read_model.derived`) instead of computing it.
    ``catalog`` must be the store's own (``read_model.catalog``): the saved graph depends on its state.
    Raises ``EmptyStore`` unless the store is built (only a built store's graph is saved, so a saved one
    answers that without opening RocksDB)."""
    from lineage.catalog.seeds import compiled_key
    from lineage.questions.evidence import require_built
    from lineage.questions.light_graph import LightGraph
    from lineage.store import read_model

    made: list[LightGraph] = []

    def compute() -> tuple[list, list, list]:
        require_built(store)
        made.append(project(store, catalog, derivatives, light=True))
        return made[0].parts()

    part = "projection.derivatives" if derivatives else "projection"
    parts = read_model.derived(store, part, compute, _CODE, compiled_key())
    return made[0] if made else LightGraph.from_parts(*parts)
