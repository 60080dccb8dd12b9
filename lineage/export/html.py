"""The explorable HTML graph: a pyvis page drawn as a lineage (time x organization lanes), with
lineage's controls, focus views, evidence panel and the evidence tooltips.

The page draws models, techniques and ids the catalog does not know; organizations are its lanes,
and a technique's introducing paper is drawn as the model whose report it is.  Every piece of
source text reaches the page either HTML-escaped (tooltips) or inside JSON whose ``<``, ``>`` and
``&`` are escaped and which the script only ever writes with ``textContent`` (evidence panel).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Collection
from functools import cache
from pathlib import Path

import orjson

from lineage.catalog import Catalog
from lineage.export.lanes import DERIVATIVES, LANE_NAMES, catalogued_organizations, copies, lane_names, resolve_lanes
from lineage.export.layout import NO_ORIGIN, lineage_layout, node_date
from lineage.export.overview import TOP_FLOWS, lab_flows
from lineage.store import Store

NODE_COLOURS = {
    "model": "#4e79a7",
    "technique": "#f28e2b",
    "paper": "#76b7b2",
    "organization": "#59a14f",
    "hardware": "#b07aa1",
    "unknown": "#bab0ac",
}


EDGE_STYLES = {
    # status -> (colour, dashes, width)
    "verified": ("#2e7d32", False, 2),
    "reported": ("#f9a825", [6, 4], 1.5),
    "unverified": ("#9e9e9e", [2, 4], 1),
    "contradicted": ("#c62828", [10, 4], 2),
    "disputed": ("#6a1b9a", [4, 2], 2),
    "curated": ("#90a4ae", False, 1),
}


DRAWN_KINDS = ("model", "technique", "unknown")
"""Kinds drawn as nodes; organizations are lanes, papers and hardware appear in the evidence panel."""

HIDDEN_PREDICATES = ("mentions",)
"""A report mentioning a technique (related work, comparisons) is not lineage."""

FONT_PX = {"technique": 13, "model": 12, "unknown": 12}
"""Label sizes in screen pixels: the page draws labels itself, at this size whatever the zoom, and leaves out
a label that would overlap one drawn before it (focus first, then techniques, then the most linked nodes)."""

FAINT = 0.13
"""Opacity of the edges the default view keeps in the background (see :func:`first_crossings`)."""

DIM = 0.18
"""Opacity of the nodes and edges a focus view dims (the rest of the graph, drawn where it is)."""

FAINT_LIMIT = 2000
"""Above this many edges the lineage view leaves the faint ones out (unreadable, and slow to open); focus
views and filters still draw them."""

_PAGE = Path(__file__).parent
SCRIPT_PARTS = ("panel.js", "labels.js", "overview.js")
"""Parts of the page's script, inside its closure: the evidence panel, the label pass and the overview."""


def _node_fields(data: dict, lane: str) -> dict[str, str]:
    """What the page filters and focuses on: lane (organization), date and category of a node."""
    return {"org": lane, "date": node_date(data)[:7], "category": str(data.get("category") or "")}


def _introducing_models(g) -> dict[str, str]:
    """Paper id -> the first model (by release) whose report it is, so ``introducedIn`` can point at a model."""
    out: dict[str, str] = {}
    for node, data in sorted(g.nodes(data=True), key=lambda nd: (node_date(nd[1]) or "9999", nd[0])):
        if data.get("kind") == "model" and data.get("report"):
            out.setdefault(data["report"], node)
    return out


def lineage_edges(g, drawn: set[str]) -> list[tuple[str, str, str, dict]]:
    """The claims the page draws: every relation between drawn nodes (uses, derivedFrom, technique to
    technique ...), and ``introducedIn`` redirected from a report to the model it reports."""
    by_report = _introducing_models(g)
    out = []
    for u, v, key, data in g.edges(keys=True, data=True):
        if key in HIDDEN_PREDICATES or u not in drawn:
            continue
        if key == "introducedIn" and v in by_report:
            v, data = by_report[v], {**data, "claim_object": v}
        if v in drawn:
            out.append((u, v, key, data))
    return out


def first_crossings(g, edges, lane_of: dict[str, str], early: Collection[str] = frozenset()) -> set[int]:
    """Indexes of the edges the default view draws bold: every relation that is not ``uses``, and for
    each technique and each other lab that took it up, the ``uses`` edge of that lab's first adopter
    (the idea crossing over).  Later adopters in the same lab, uses of techniques with no recorded
    origin and of the ``early`` ones (the common stock of the compressed years: MHA, RoPE, SwiGLU ...)
    stay faint until a focus view lights them."""
    first: dict[tuple[str, str], tuple[str, str, int]] = {}
    bold = set()
    for i, (u, v, key, data) in enumerate(edges):
        if key != "uses" or data["status"] == "contradicted":
            bold.add(i)
            continue
        lane = lane_of[u]
        if lane == lane_of[v] or lane_of[v] == NO_ORIGIN or v in early:
            continue
        candidate = (node_date(g.nodes[u]) or "9999", u, i)
        if (v, lane) not in first or candidate < first[(v, lane)]:
            first[(v, lane)] = candidate
    return bold | {i for *_, i in first.values()}


@cache
def _faint(colour: str) -> str:
    """``#2e7d32`` -> ``rgba(46,125,50,0.13)``: a plain string is cheaper for vis-network than a colour object.

    Examples
    --------
    >>> _faint("#2e7d32")
    'rgba(46,125,50,0.13)'
    """
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{FAINT})"


def _escaped_json(value, sort_keys: bool = False) -> str:
    """JSON that is inert inside a ``<script>`` block and never spells out markup from sources.

    Written by orjson (compact, UTF-8): the data of a 10,000-node page, 15 MB, in 0.04 s where :func:`json.dumps`
    took 0.35 s, a third of the page (issue 31); what orjson does not write (an integer past 64 bits, a key that
    is not text) the standard library writes in the same compact form.

    >>> print(_escaped_json({"b": "<b>A & B</b>", "a": "it's — here"}, sort_keys=True))
    {"a":"it\\u0027s — here","b":"\\u003cb\\u003eA \\u0026 B\\u003c/b\\u003e"}
    """
    try:
        data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else None)
    except TypeError:  # orjson.JSONEncodeError
        data = json.dumps(value, sort_keys=sort_keys, ensure_ascii=False, separators=(",", ":")).encode()
    for char, escaped in ((b"&", b"\\u0026"), (b"<", b"\\u003c"), (b">", b"\\u003e"), (b"'", b"\\u0027")):
        data = data.replace(char, escaped)  # in UTF-8 bytes: a byte each, where text with a dash takes two
    return data.decode()


def _papers(g) -> dict[str, dict]:
    """What the evidence panel says about a technique's introducing paper."""
    return {
        n: {"label": d.get("label", n), "date": node_date(d)[:10]}
        for n, d in g.nodes(data=True) if d.get("kind") == "paper"
    }


def to_html(store: Store, catalog: Catalog, include_unlinked: bool = False,
            derivatives: bool = False) -> tuple[str, int, int]:
    """The explorable HTML page for the graph: (text, nodes, edges)."""
    from lineage.questions.projection import project  # deferred for start-up: networkx

    return graph_to_html(project(store, catalog, derivatives=derivatives), include_unlinked=include_unlinked,
                         derivatives=derivatives)


def graph_to_html(g, include_unlinked: bool = False, derivatives: bool = False) -> tuple[str, int, int]:
    """The page for a projection ``g`` (see :func:`lineage.questions.projection.project`).

    Derivatives (quantized copies, other labs' fine-tunes …) are drawn only with ``derivatives``:
    their publishers are not lanes of labs that reuse ideas.

    The page reads the graph some 300,000 times at 10,000 nodes: it reads a
    :class:`~lineage.questions.light_graph.LightGraph` of it (plain dicts, same order), escapes each
    text once, and leaves the collector off (the objects it makes live until the page is written).
    """
    import gc

    from lineage.questions.light_graph import LightGraph

    enabled = gc.isenabled()
    gc.disable()
    try:
        return _page(LightGraph.of(g), include_unlinked, derivatives)
    finally:
        if enabled:
            gc.enable()


def _page(g, include_unlinked: bool, derivatives: bool) -> tuple[str, int, int]:
    from pyvis.network import Network

    escape = cache(html.escape)

    drawn = {n for n, d in g.nodes(data=True)
             if d.get("kind", "unknown") in DRAWN_KINDS and (derivatives or not d.get("derivative_of"))}
    edges = lineage_edges(g, drawn)
    if not include_unlinked:
        drawn = {n for u, v, *_ in edges for n in (u, v)}
    nodes = sorted(drawn)
    orgs = {n: d.get("label", n) for n, d in g.nodes(data=True) if d.get("kind") == "organization"}
    catalogued = catalogued_organizations(g)
    lane_of = resolve_lanes(g, nodes, catalogued)
    lay = lineage_layout(g, nodes, {**LANE_NAMES, **orgs, **lane_names(g, lane_of, catalogued)}, lane_of)
    degree = dict.fromkeys(nodes, 0)
    for u, v, *_ in edges:
        degree[u] += 1
        degree[v] += 1
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", select_menu=False)
    net.toggle_physics(False)
    for node in nodes:
        data = g.nodes[node]
        kind = data.get("kind", "unknown")
        title = (
            f"<b>{escape(data.get('label', node))}</b> ({escape(kind)})<br>id: {escape(node)}"
            + (f"<br>{escape(data['description'])}" if data.get("description") else "")
        )
        x, y = lay.pos[node]
        add_node(net, node, label=data.get("label", node), title=title, color=NODE_COLOURS.get(kind, "#bab0ac"),
                 shape="diamond" if kind == "technique" else "dot", size=11 if kind == "technique" else 8,
                 x=x, y=y, physics=False, kind=kind, degree=degree[node], **_node_fields(data, lay.lane_of[node]))
        net.node_map[node]["name"] = net.node_map[node].pop("label")  # the page draws the labels (see FONT_PX)
    claims, bold = {}, first_crossings(g, edges, lay.lane_of, lay.early)
    flows = lab_flows(g, edges, lay.lane_of, copies(g, nodes, lay.lane_of))
    for i, (u, v, key, data) in enumerate(edges):
        colour, dashes, width = EDGE_STYLES.get(data["status"], EDGE_STYLES["unverified"])
        faint = i not in bold
        title = (
            f"<b>{escape(u)} {escape(key)} {escape(v)}</b><br>status: {escape(data['status'])}"
            f" — {escape(data['reason'])}"  # the page adds the evidence from ``claims`` (tipOf)
        )
        edge_id = f"e{i}"
        claims[edge_id] = {"reason": data["reason"], "evidence": data["evidence"], "object": data.get("claim_object", v)}
        add_edge(net, u, v, id=edge_id, title=title, color=_faint(colour) if faint else colour,
                     dashes=False if faint else dashes,  # dashed and curved lines are slow to draw: faint ones
                     **({"smooth": False} if faint else {}),  # are plain until a focus lights them
                     width=width if faint else width + 1, faint=faint,
                     arrows="from" if key == "uses" else "to",  # an idea flows from the technique to its adopter
                     status=data["status"], predicate=key)  # names on hover and in the panel: canvas labels collide
    # pyvis would draw every item once before the explorer script sets the filtered views: start empty.
    page = strip_remote_assets(_skeleton(net)).replace(
        "new vis.Network(container, data, options)", "new vis.Network(container, {nodes: [], edges: []}, options)", 1)
    config = {
        "kinds": {k: NODE_COLOURS[k] for k in DRAWN_KINDS},
        "statuses": {k: v[0] for k, v in EDGE_STYLES.items()},
        "techniques": sorted(((n, g.nodes[n].get("label", n)) for n in nodes if g.nodes[n].get("kind") == "technique"),
                             key=lambda t: t[1].lower()),
        "organizations": sorted(((lane.id, lane.label) for lane in lay.lanes), key=lambda t: t[1].lower()),
        "lanes": [[lane.id, lane.label, lane.top, lane.bottom] for lane in lay.lanes],
        "ticks": lay.ticks,
        "right": lay.right,
        "fontPx": FONT_PX,
        "flows": flows[:TOP_FLOWS],  # what the overview draws; of the weaker ones only their number
        "moreFlows": max(0, len(flows) - TOP_FLOWS),
        "derivatives": DERIVATIVES,
        "faint": FAINT,
        "dim": DIM,
        "hideFaint": len(edges) > FAINT_LIMIT,
        "dashes": {k: v[1] for k, v in EDGE_STYLES.items()},
        "claims": claims,
        "introducedIn": {n: g.nodes[n].get("introduced_in") for n in nodes if g.nodes[n].get("introduced_in")},
        "papers": _papers(g),
    }
    script = (_PAGE / "explorer.js").read_text().replace(
        "__LINEAGE_PARTS__", "".join((_PAGE / part).read_text() for part in SCRIPT_PARTS))
    explorer = (_PAGE / "explorer.html").read_text().replace(
        "__LINEAGE_SCRIPT__", script.replace("__LINEAGE_CONFIG__", _MARKS["config"]))
    page = page.replace("</body>", explorer + "</body>", 1)
    return _filled(page, {"nodes": _escaped_json(net.nodes, sort_keys=True), "edges": _escaped_json(net.edges, sort_keys=True),
                          "config": _escaped_json(config)}), len(nodes), len(edges)


_MARKS = {part: f"\x00lineage-{part}\x00" for part in ("nodes", "edges", "config")}
"""Where the page's data goes (see :func:`_skeleton`): text no template, script or escaped JSON holds."""


def _skeleton(net) -> str:
    """pyvis's page for ``net`` with a mark (:data:`_MARKS`) where its nodes and where its edges go.

    The page is edited (remote assets out, the explorer in) without its data, some 10 MB at 10,000 nodes that
    each edit would copy, and :func:`_filled` puts the data in afterwards (:func:`_escaped_json`, keys sorted as
    pyvis's template sorts them).
    """
    policies = net.templateEnv.policies
    dumps = policies["json.dumps_function"]
    marks = {id(net.nodes): _MARKS["nodes"], id(net.edges): _MARKS["edges"]}
    policies["json.dumps_function"] = lambda value, **kw: marks.get(id(value)) or (dumps or json.dumps)(value, **kw)
    try:
        return net.generate_html()
    finally:
        policies["json.dumps_function"] = dumps


def _filled(page: str, data: dict[str, str]) -> str:
    """``page`` with each mark of :data:`_MARKS` replaced by its part of ``data``, in one copy of the page."""
    pieces = re.split("(" + "|".join(_MARKS.values()) + ")", page)
    by_mark = {mark: data[part] for part, mark in _MARKS.items()}
    return "".join(by_mark.get(piece, piece) for piece in pieces)


def add_node(net, n_id: str, label: str | None = None, shape: str = "dot", color: str = "#97c2fc", **options) -> None:
    """``net.add_node(...)``: the node pyvis adds, without its scan of every node added so far.

    pyvis (0.3.2) checks a new id against a list of ids: drawing n nodes takes O(n^2) (measured, issue 31).
    The page has each node once, so the check is left out; a second node of the same id is an error here.
    """
    if n_id in net.node_map:
        raise ValueError(f"node {n_id!r} added twice")
    node = {**options, "color": color, "id": n_id, "label": label or n_id, "shape": shape}  # pyvis.node.Node's options
    if net.font_color:
        node["font"] = {"color": net.font_color}
    net.nodes.append(node)
    net.node_ids.append(n_id)
    net.node_map[n_id] = node


def add_edge(net, source: str, to: str, **options) -> None:
    """``net.add_edge(...)`` on a directed network: the edge pyvis adds, without its scan of every node id
    for both ends (O(nodes) per edge in pyvis 0.3.2: O(nodes x edges) for the page)."""
    if source not in net.node_map or to not in net.node_map:
        raise ValueError(f"non existent node {source if source not in net.node_map else to!r}")
    edge = {**options, "from": source, "to": to}  # pyvis.edge.Edge's options
    if net.directed and "arrows" not in edge:
        edge["arrows"] = "to"
    net.edges.append(edge)


def strip_remote_assets(page: str) -> str:
    """Remove every ``<link>``/``<script>`` that loads from the network (pyvis adds Bootstrap from a CDN)."""
    page = re.sub(r"<link\b[^>]*href=\"https?://[^\"]*\"[^>]*>", "", page, flags=re.S)
    page = re.sub(r"<script\b[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", "", page, flags=re.S)
    return page
