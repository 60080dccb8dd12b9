"""Provenance paths: how an idea travelled from its origin to a model, hop by hop.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import TYPE_CHECKING

from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import EvidenceSummary
from lineage.questions.status import ANY, STATUS_RANK_BY_VALUE, at_least, edge_evidence, edges_of, require_node, weakest
from lineage.vocab import Status

if TYPE_CHECKING:
    import networkx as nx


class Hop(Answer):
    """One step on a route an idea took."""

    source: str = Field(description="Node id the step starts from.")
    target: str = Field(description="Node id it reaches.")
    relation: str = Field(description="used by, introduced in, cited by, report of, described in, derived into, "
                                      "architecture reused by, extended as.")
    status: str = Field(description="Status of the claim behind the step ('curated' for catalog facts).")
    detail: str = Field(default="", description="What the step rests on (architecture class, reason).")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence.")


class Route(Answer):
    """A chain of steps from the source to the model."""

    nodes: list[str] = Field(description="Node ids along the route.")
    hops: list[Hop] = Field(description="Steps.")
    status: str = Field(description="Weakest status along the route.")


class PathAnswer(Answer):
    """Answer to ``lineage path``."""

    source: str = Field(description="Technique or model id the idea starts from.")
    target: str = Field(description="Model id it reached.")
    min_status: Status = Field(description="Weakest status kept on every step.")
    routes: list[Route] = Field(description="Routes, shortest and best-backed first.")


def provenance_graph(g: nx.MultiDiGraph, min_status: str | Status = ANY) -> nx.DiGraph:
    """The routes an idea can travel, as a DiGraph whose edges carry ``relation``, ``status``, ``evidence``.

    Steps: technique *used by* model, technique *introduced in* paper, paper *cited by* model
    (the model or its report cites it), paper *report of* model and model *described in* paper, model *derived into* model
    (``derivedFrom``), model *architecture reused by* later model (same declared architecture
    class, from the earliest model declaring it), technique *extended as* variant.

    Examples
    --------
    >>> h = provenance_graph(example_graph())
    >>> h.edges["deepseek-v3", "kimi-k2"]["relation"]
    'architecture reused by'
    """
    import networkx as nx

    h: nx.DiGraph[str] = nx.DiGraph()

    def add(u, v, relation, data, detail=""):
        status = data.get("status", "curated")
        if status == "contradicted" or not at_least(status, min_status):
            return
        old = h.get_edge_data(u, v)
        if old is None or STATUS_RANK_BY_VALUE[status] < STATUS_RANK_BY_VALUE[old["status"]]:
            h.add_edge(u, v, relation=relation, status=status, detail=detail or data.get("reason", ""),
                       evidence=edge_evidence(data))

    for u, v, k, d in g.edges(keys=True, data=True):
        if k == "uses":
            add(v, u, "used by", d)
        elif k == "introducedIn":
            add(u, v, "introduced in", d)
        elif k == "cites" and g.nodes[u].get("kind") == "model":
            add(v, u, "cited by", d)
        elif k == "derivedFrom":
            add(v, u, "derived into", d)
        elif k == "variantOf":
            add(v, u, "extended as", d)
    for m, d in g.nodes(data=True):
        if d.get("kind") != "model":
            continue
        if d.get("report"):
            report = {"status": "curated", "reason": "catalog: the model's own report"}
            add(d["report"], m, "report of", report)
            add(m, d["report"], "described in", report)
            for paper, cite in edges_of(g, d["report"], "cites"):
                add(paper, m, "cited by", cite)
    by_arch: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for m, d in g.nodes(data=True):
        for fact in d.get("facts", {}).get("architecture", []):
            by_arch[str(fact["value"])].append((m, fact))
    for arch, declared in by_arch.items():
        declared.sort(key=lambda mf: (g.nodes[mf[0]].get("released") or "9999", mf[0]))
        origin, origin_fact = declared[0]
        for m, fact in declared[1:]:
            status = weakest(origin_fact["status"], fact["status"])
            add(origin, m, "architecture reused by",
                {"status": status, "evidence": fact["evidence"] + origin_fact["evidence"]},
                detail=f"both declare {arch}; {origin} released first")
    return h


def path(
    g: nx.MultiDiGraph, source: str, model: str, min_status: str | Status = ANY, cutoff: int = 4, limit: int = 5
) -> PathAnswer:
    """How an idea (a technique, or a model's design) reached a model: citations, derivation, architecture.

    For a technique, every model a route passes through must itself use the technique (or a
    variant on the route), so a route is a chain of adopters.

    Examples
    --------
    >>> r = path(example_graph(), "mla", "kimi-k2")
    >>> [" > ".join(route.nodes) for route in r.routes]
    ['mla > kimi-k2', 'mla > deepseek-v2-report > kimi-k2', 'mla > deepseek-v3 > kimi-k2']
    >>> [h.relation for h in r.routes[1].hops], r.routes[2].hops[1].relation
    (['introduced in', 'cited by'], 'architecture reused by')
    """
    import networkx as nx

    src = require_node(g, source, ("technique", "model"))
    require_node(g, model, "model")
    h = provenance_graph(g, min_status)
    routes: list[Route] = []
    if source not in h or model not in h:
        return PathAnswer(source=source, target=model, min_status=Status(min_status), routes=[])
    try:
        candidates = nx.shortest_simple_paths(h, source, model)
        for nodes in candidates:
            if len(nodes) - 1 > cutoff or len(routes) >= limit:
                break
            if src.get("kind") == "technique" and not _adopter_chain(g, nodes):
                continue
            hops = [Hop(source=u, target=v, **h.edges[u, v]) for u, v in pairwise(nodes)]
            routes.append(Route(nodes=nodes, hops=hops, status=weakest(*(hop.status for hop in hops))))
    except nx.NetworkXNoPath:
        pass
    return PathAnswer(source=source, target=model, min_status=Status(min_status), routes=routes)


def _adopter_chain(g: nx.MultiDiGraph, nodes: list[str]) -> bool:
    techniques = {n for n in nodes if g.nodes[n].get("kind") == "technique"}
    for n in nodes[1:-1]:
        if g.nodes[n].get("kind") == "model":
            used = {t for t, d in edges_of(g, n, "uses") if d["status"] != "contradicted"}
            if not used & techniques:
                return False
    return True
