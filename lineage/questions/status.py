"""Shared parts of the graph questions: status ranks and filters, evidence rows, graph lookups.

Not a question itself: the functions users call live in the sibling modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from lineage.errors import UnknownEntity
from lineage.questions.evidence import EvidenceSummary
from lineage.vocab import IDEA_RELATIONS, STATUS_RANK, WEAKEST, Status

if TYPE_CHECKING:
    import networkx as nx

STATUS_RANK_BY_VALUE = {s.value: r for s, r in STATUS_RANK.items()} | {"curated": 0}


ANY = WEAKEST
"""The default ``min_status``: the weakest status, so every row is kept, each showing its status."""


def at_least(status: str | Status, min_status: str | Status = ANY) -> bool:
    """Whether ``status`` is at least as strong as ``min_status``.

    Examples
    --------
    >>> at_least("verified", "reported"), at_least("reported", "verified")
    (True, False)
    """
    return STATUS_RANK_BY_VALUE[Status(status).value if status != "curated" else status] <= STATUS_RANK_BY_VALUE[Status(min_status).value]


def weakest(*statuses: str | Status) -> str:
    """The weakest of several statuses (what a conclusion drawn from all of them is worth).

    Examples
    --------
    >>> weakest("verified", "reported")
    'reported'
    """
    values = [getattr(s, "value", s) for s in statuses]
    return max(values, key=STATUS_RANK_BY_VALUE.__getitem__)


def closest_chain(technique: str, links_back: Callable[[str], dict[str, list[tuple[str, str]]]]) -> list[str]:
    """``technique`` and the ideas it builds on, one step back at a time, each step along the strongest link.

    ``links_back(idea)`` gives each idea one step back from ``idea`` with the ``(status, relation)`` of
    every link to it; the strongest is the one with the best status, then the first relation of
    :data:`~lineage.domain.IDEA_RELATIONS`, then the smallest id.  An idea already in the chain is not
    taken again.

    Examples
    --------
    >>> back = {"kda": {"gated-deltanet": [("verified", "extends")]}, "gated-deltanet": {"deltanet": [("reported", "variantOf")]}}
    >>> closest_chain("kda", lambda idea: back.get(idea, {}))
    ['kda', 'gated-deltanet', 'deltanet']
    """
    chain, here = [technique], technique
    while True:
        options = [(min(STATUS_RANK_BY_VALUE[status] for status, _ in links), min(_RELATION_ORDER[r] for _, r in links), other)
                   for other, links in links_back(here).items() if other not in chain]
        if not options:
            return chain
        here = min(options)[2]
        chain.append(here)


_RELATION_ORDER = {p.value: i for i, p in enumerate(IDEA_RELATIONS)}


def edge_evidence(data: dict) -> list[EvidenceSummary]:
    seen, out = set(), []
    for ev in sorted(data.get("evidence", []), key=lambda e: e["source_kind"] != "primary"):
        key = (ev["source"], ev["locator"])
        if key not in seen:
            seen.add(key)
            out.append(EvidenceSummary.from_json(ev))
    return out


def edges_of(g: nx.MultiDiGraph, node: str, predicate: str, out: bool = True) -> Iterable[tuple[str, dict]]:
    """(other end, edge data) for ``predicate`` edges leaving (or entering) ``node``."""
    if node not in g:
        return []
    edges = g.out_edges(node, keys=True, data=True) if out else g.in_edges(node, keys=True, data=True)
    return [(v if out else u, d) for u, v, k, d in edges if k == predicate]


def require_node(g: nx.MultiDiGraph, ident: str, kind: str | tuple[str, ...]) -> dict:
    kinds = (kind,) if isinstance(kind, str) else kind
    if ident not in g or g.nodes[ident].get("kind") not in kinds:
        import difflib

        pool = [n for n, d in g.nodes(data=True) if d.get("kind") in kinds]
        listing = {"model": "ls models", "technique": "ls techniques"}.get(kinds[0])
        raise UnknownEntity(" or ".join(kinds), ident, difflib.get_close_matches(ident, pool, n=3, cutoff=0.6), listing)
    return g.nodes[ident]


def node_label(g: nx.MultiDiGraph, node: str | None) -> str:
    return str(g.nodes[node].get("label", node)) if node in g else str(node)


def months_between(start: str | None, end: str | None) -> int | None:
    """Whole months from ``start`` to ``end`` (YYYY-MM[-DD]); ``None`` when either lacks a month.

    Examples
    --------
    >>> months_between("2024-05", "2025-07")
    14
    >>> months_between("2024", "2025-07") is None
    True
    """
    if not start or not end or len(start) < 7 or len(end) < 7:
        return None
    (y1, m1), (y2, m2) = (map(int, start[:7].split("-")), map(int, end[:7].split("-")))
    return (y2 - y1) * 12 + (m2 - m1)


def organization_of(g: nx.MultiDiGraph, model: str) -> str | None:
    """The publisher of a model: its best-backed ``developedBy`` claim, else the catalog's.

    Examples
    --------
    >>> organization_of(example_graph(), "kimi-k2")
    'moonshot-ai'
    """
    claims = sorted(edges_of(g, model, "developedBy"), key=lambda od: STATUS_RANK_BY_VALUE.get(od[1]["status"], 9))
    claims = [(o, d) for o, d in claims if d["status"] != "contradicted"]
    return claims[0][0] if claims else g.nodes[model].get("organization") if model in g else None
