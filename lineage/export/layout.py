"""Where the explorer draws each node: time on x, one swim-lane per organization on y.

A model sits at its release month in its developer's lane; a technique at its first appearance in
the lane of the lab that introduced it (the catalog's ``introduced_by``, else an ``introducedBy``
claim a primary source verifies).  Within a lane, nodes are packed into rows so no two labels
overlap.  Everything is computed here, in Python, so the page runs no physics and looks the same
every time.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

PEOPLE = "~people"
"""Lane of techniques credited to people with no lab (Muon: Keller Jordan, Jeremy Bernstein)."""

NO_ORIGIN = "~none"
"""Lane of nodes with no recorded organization (kv-cache, unknown ids from articles)."""

DENSE_PX_PER_MONTH = 34  # the recent, crowded years: room for a label every month or so
SPARSE_PX_PER_MONTH = 8  # the years before: mostly techniques (MHA 2017, RoPE 2021), few per year
LABEL_PX_PER_CHAR = 7.6  # width of a character of the 13 px sans-serif label, rounded up
LABEL_GAP = 18  # minimum horizontal space between two labels in the same row
ROW_PX = 42  # dot and its label below it
LANE_PAD = 16  # space above and below the rows of a lane
UNDATED_GAP = 140  # between the last month and the "undated" column
UNDATED_COLUMNS = 4  # undated nodes of a lane are spread over this many columns
UNDATED_COLUMN_PX = 190

_MONTH = re.compile(r"^(\d{4})-(\d{2})")


@dataclass
class Lane:
    """One organization's horizontal band."""

    id: str
    label: str
    top: float
    bottom: float


@dataclass
class Layout:
    """Node positions, the lanes and the ticks of the time axis (all in canvas pixels)."""

    pos: dict[str, tuple[float, float]] = field(default_factory=dict)
    lane_of: dict[str, str] = field(default_factory=dict)
    lanes: list[Lane] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    right: float = 0.0  # x just after the last dated month
    early: set[str] = field(default_factory=set)  # nodes dated in the compressed years before the dense era


def month_index(date: str | None) -> int | None:
    """``"2024-05-07"`` -> months since year 0, or None when there is no year and month.

    Examples
    --------
    >>> month_index("2024-05-07") - month_index("2023-05")
    12
    >>> month_index("") is None
    True
    """
    m = _MONTH.match(str(date or ""))
    return int(m.group(1)) * 12 + int(m.group(2)) - 1 if m else None


def node_date(data: dict) -> str:
    """A model's release, a technique's first appearance, a paper's publication ('' when unknown)."""
    return str(data.get("released") or data.get("first_appeared") or data.get("published") or "")


def lane_key(g, node: str) -> str:
    """The organization whose lane ``node`` belongs to (or PEOPLE / NO_ORIGIN)."""
    data = g.nodes[node]
    if data.get("organization"):
        return str(data["organization"])
    introduced = data.get("introduced_by")
    if introduced:
        return str(introduced[0] if isinstance(introduced, (list, tuple)) else introduced)
    for _, org, key, edge in g.out_edges(node, keys=True, data=True):
        if key in ("introducedBy", "developedBy") and edge["status"] == "verified":
            return org
    return PEOPLE if data.get("inventors") else NO_ORIGIN


class _TimeScale:
    """Months to x: compressed before the dense era, DENSE_PX_PER_MONTH from it on."""

    def __init__(self, months: list[int]):
        months = sorted(months) or [0]
        self.start = months[0] - 1
        dense_from = months[len(months) // 5]  # the oldest fifth of the dates is drawn compressed
        self.dense_from = max(self.start, dense_from - dense_from % 12)

    def x(self, month: int) -> float:
        sparse = min(month, self.dense_from) - self.start
        return sparse * SPARSE_PX_PER_MONTH + max(0, month - self.dense_from) * DENSE_PX_PER_MONTH

    def ticks(self, last: int) -> list[tuple[float, str]]:
        out = []
        for month in range(self.start + 1, last + 2):
            year, m = divmod(month, 12)
            if m == 0 or (month >= self.dense_from and m % 3 == 0):
                out.append((self.x(month), str(year) if m == 0 else f"{year}-{m + 1:02d}"))
        return out


def _lane_order(g, lane_of: dict[str, str], labels: dict[str, str]) -> list[str]:
    """Lanes that exchange the most ideas with other lanes first, then by name; no recorded origin last."""
    exchange: dict[str, int] = dict.fromkeys(set(lane_of.values()), 0)
    for u, v in g.edges():
        a, b = lane_of.get(u), lane_of.get(v)
        if a and b and a != b and NO_ORIGIN not in (a, b):
            exchange[a] += 1
            exchange[b] += 1

    def rank(lane: str) -> tuple[bool, int, str]:
        return lane == NO_ORIGIN, -exchange[lane], labels.get(lane, lane).lower()

    return sorted(exchange, key=rank)


def _pack(items: list[tuple[float, float, str]]) -> dict[str, int]:
    """Rows for labels (x, width, id) so that none overlaps another in its row: first fit, left to right.

    The first row with room is found in a binary tree of the rows' right ends (each node the minimum
    of its two children), in O(log rows): a lane's undated nodes share four columns and stack one
    row per node, which a scan of every row for every label makes quadratic (10,000 undated nodes:
    0.64 s, measured).
    """
    ends, cap, used = [math.inf, math.inf], 1, 0  # leaves ends[cap:2 * cap] are the rows, unused ones inf
    rows = {}
    for x, width, node in sorted(items):
        left = x - width / 2
        if ends[1] + LABEL_GAP <= left:  # a row has room: walk down to the first one
            i = 1
            while i < cap:
                i = 2 * i if ends[2 * i] + LABEL_GAP <= left else 2 * i + 1
            row = i - cap
        else:
            row, used = used, used + 1
            if used > cap:  # twice the leaves; the inner nodes computed again
                ends = [math.inf] * (2 * cap) + ends[cap:] + [math.inf] * cap
                cap *= 2
                for i in range(cap - 1, 0, -1):
                    ends[i] = min(ends[2 * i], ends[2 * i + 1])
        i = cap + row
        ends[i] = x + width / 2
        while i > 1:
            i //= 2
            ends[i] = min(ends[2 * i], ends[2 * i + 1])
        rows[node] = row
    return rows


def lineage_layout(g, nodes: list[str], lane_labels: dict[str, str], lane_of: dict[str, str] | None = None) -> Layout:
    """Positions of ``nodes`` of ``g`` on the time x lanes canvas; ``lane_labels``: organization id -> name;
    ``lane_of``: each node's lane when resolved elsewhere (:func:`lineage.export.lanes.resolve_lanes`)."""
    lane_of = dict(lane_of) if lane_of is not None else {n: lane_key(g, n) for n in nodes}
    months = {n: month_index(node_date(g.nodes[n])) for n in nodes}
    dated = [m for m in months.values() if m is not None]
    scale = _TimeScale(dated)
    last = max(dated, default=scale.start + 1)
    right = scale.x(last + 1)
    labels = {PEOPLE: "People, no lab", NO_ORIGIN: "No recorded origin", **lane_labels}
    out = Layout(lane_of=lane_of, ticks=[*scale.ticks(last), (right + UNDATED_GAP, "undated")], right=right,
                 early={n for n, m in months.items() if m is not None and m < scale.dense_from})
    members: dict[str, list[str]] = {}
    for n in sorted(nodes, key=lambda n: (months[n] is None, months[n] or 0, n)):
        members.setdefault(lane_of[n], []).append(n)
    top = 0.0
    for lane in _lane_order(g, lane_of, labels):
        items, undated = [], 0
        for n in members[lane]:
            month = months[n]
            if month is None:
                x = right + UNDATED_GAP + (undated % UNDATED_COLUMNS) * UNDATED_COLUMN_PX
                undated += 1
            else:
                x = scale.x(month)
            label = str(g.nodes[n].get("label", n))
            items.append((x, len(label) * LABEL_PX_PER_CHAR, n))
        rows = _pack(items)
        for x, _, n in items:
            out.pos[n] = (round(x, 1), round(top + LANE_PAD + rows[n] * ROW_PX + ROW_PX / 2, 1))
        bottom = top + 2 * LANE_PAD + (max(rows.values()) + 1) * ROW_PX
        out.lanes.append(Lane(id=lane, label=labels.get(lane, lane), top=top, bottom=bottom))
        top = bottom
    return out
