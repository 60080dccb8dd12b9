"""Which lane each drawn node belongs to: resolved organizations, not the names sources spell them with.

Three readings decide a node's lane (the first that applies):

1. A copy: a model with a ``derivedFrom`` claim (quantized, fine-tuned, merged ...) to a model of another
   lane whose own publisher is no catalogued organization (a Hub username) goes to the ``DERIVATIVES`` lane.
   A copy is a derivative, never an adopter: the overview leaves every copy (:func:`copies`, in a lab's
   lane too) out of the lab-to-lab flows.
2. A family name: an organization id that is no catalogued organization and that every one of its nodes'
   ids starts with (``minicpm`` for ``minicpm4`` and ``minicpm-sala``) names a model family, not a lab.  It
   joins the lane of the organization that publishes another member of that family, or whose id holds the
   family name as a word (``granite`` in ``ibm-granite``).
3. Otherwise the organization :func:`lineage.export.layout.lane_key` reads.
"""

from __future__ import annotations

import re

from lineage.export.layout import NO_ORIGIN, PEOPLE, lane_key

DERIVATIVES = "~derivatives"
"""Lane of copies (quantizations, fine-tunes, merges) published by accounts that are no catalogued lab."""

LANE_NAMES = {PEOPLE: "People, no lab", NO_ORIGIN: "No recorded origin", DERIVATIVES: "Copies and derivatives"}

_WORD = re.compile(r"[a-z0-9]+")


def _is_copy(g, node: str, base_lane: dict[str, str]) -> bool:
    """``node`` is a model derived from a model of another lane (its ``derivedFrom`` claims, not contradicted)."""
    for _, base, key, edge in g.out_edges(node, keys=True, data=True):
        if key == "derivedFrom" and edge.get("status") != "contradicted" and base_lane.get(base, NO_ORIGIN) not in (
                NO_ORIGIN, base_lane.get(node)):
            return True
    return False


def catalogued_organizations(g) -> set[str]:
    """The organizations the curated catalog describes (an organization only a source named has no description)."""
    return {n for n, d in g.nodes(data=True) if d.get("kind") == "organization" and d.get("description")}


def copies(g, nodes, lane_of: dict[str, str]) -> set[str]:
    """The models of ``nodes`` derived from a model of another lane: derivatives, never adopters of its ideas."""
    return {n for n in nodes if g.nodes[n].get("kind") == "model" and _is_copy(g, n, lane_of)}


def resolve_lanes(g, nodes: list[str], catalogued: set[str]) -> dict[str, str]:
    """Node -> lane id for ``nodes`` of the projection ``g``; ``catalogued``: the curated organizations
    (:func:`catalogued_organizations`)."""
    raw = {n: lane_key(g, n) for n in g.nodes if g.nodes[n].get("kind") in ("model", "technique", "unknown")}
    lane_of = {n: raw.get(n) or lane_key(g, n) for n in nodes}
    members: dict[str, list[str]] = {}
    for n, lane in raw.items():
        members.setdefault(lane, []).append(n)
    merged = {}
    for lane, ids in members.items():
        if lane in catalogued or lane in LANE_NAMES or not all(i.startswith(lane) for i in ids):
            continue
        homes = sorted({raw[i] for i in raw if i.startswith(lane) and raw[i] != lane and raw[i] not in LANE_NAMES}
                       | {other for other in members if other != lane and other not in LANE_NAMES
                          and lane in _WORD.findall(other)})
        if len(homes) == 1:
            merged[lane] = homes[0]
    for n in nodes:
        lane = merged.get(lane_of[n], lane_of[n])
        lane_of[n] = lane
        if g.nodes[n].get("kind") == "model" and lane not in catalogued and _is_copy(g, n, raw):
            lane_of[n] = DERIVATIVES
    return lane_of


def lane_names(g, lane_of: dict[str, str], catalogued: set[str]) -> dict[str, str]:
    """Display names of the lanes that merged model families into an uncatalogued publisher: the families'
    names with the publisher's (``ibm-granite`` holding ``granite``: "Granite (ibm-granite)").  Catalogued
    organizations keep the catalog's name: the catalog names and corrects (an organization it describes, with its
    Hub account as ``hf_org``, becomes the lane itself)."""
    families: dict[str, set[str]] = {}
    for n, lane in lane_of.items():
        raw = lane_key(g, n)
        if raw != lane and lane not in catalogued and lane not in LANE_NAMES and raw not in catalogued | set(LANE_NAMES):
            families.setdefault(lane, set()).add(g.nodes[raw].get("label", raw) if raw in g else raw)
    return {lane: f"{' / '.join(sorted(names))} ({g.nodes[lane].get('label', lane) if lane in g else lane})"
            for lane, names in families.items()}
