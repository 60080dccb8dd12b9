"""The explorer's first screen: which lab's ideas crossed into which other lab's models.

A flow is a pair of lanes (origin lab -> adopting lab) with the techniques that crossed: a technique whose
origin lane is the first and that a model of the second ``uses``.  Each technique counts once per pair, at
the strongest status among its adopters' claims (a contradicted claim crosses nothing); copies, ideas of no
recorded origin and a lab's use of its own ideas are no flows.
"""

from __future__ import annotations

from collections.abc import Collection

from lineage.export.lanes import DERIVATIVES
from lineage.export.layout import NO_ORIGIN, node_date

STRENGTH = ("verified", "reported", "disputed", "unverified", "curated")
"""Statuses from strongest to weakest: the colour of an idea in a flow."""

_RANK = {status: i for i, status in enumerate(STRENGTH)}

TOP_FLOWS = 14
"""Flows the overview draws (the strongest first); the page says how many more there are."""


def lab_flows(g, edges, lane_of: dict[str, str], derived: Collection[str] = frozenset()) -> list[dict]:
    """Flows, most ideas first: ``{"from", "to", "ideas": [{"technique", "status", "models", "first"}]}``;
    ``derived``: the copies (:func:`lineage.export.lanes.copies`), which adopt nothing."""
    pairs: dict[tuple[str, str], dict[str, dict]] = {}
    for u, v, key, data in edges:
        if key != "uses" or data["status"] == "contradicted" or g.nodes[v].get("kind") != "technique" or u in derived:
            continue
        origin, adopter = lane_of[v], lane_of[u]
        if origin == adopter or NO_ORIGIN in (origin, adopter) or DERIVATIVES in (origin, adopter):
            continue
        ideas = pairs.setdefault((origin, adopter), {})
        idea = ideas.setdefault(v, {"technique": v, "status": data["status"], "models": [], "first": "9999"})
        if _RANK[data["status"]] < _RANK[idea["status"]]:
            idea["status"] = data["status"]
        idea["models"].append(u)
        idea["first"] = min(idea["first"], node_date(g.nodes[u])[:7] or "9999")
    flows = []
    for (origin, adopter), ideas in pairs.items():
        listed = sorted(ideas.values(), key=lambda i: (_RANK[i["status"]], -len(i["models"]), i["technique"]))
        for idea in listed:
            idea["models"].sort()
        flows.append({"from": origin, "to": adopter, "ideas": listed,
                      "verified": sum(i["status"] == "verified" for i in listed)})
    return sorted(flows, key=lambda f: (-len(f["ideas"]), -f["verified"], f["from"], f["to"]))
