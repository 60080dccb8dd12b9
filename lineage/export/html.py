"""The explorable HTML graph: a pyvis page with lineage's controls, legend and evidence tooltips.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from lineage.catalog import Catalog
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


_EXPLORER = (Path(__file__).parent / "explorer.html").read_text  # controls, legend and filtering script


def _tooltip_evidence(evidence: list[dict]) -> str:
    lines = []
    for ev in evidence[:5]:
        lines.append(
            f"<br>• <i>{html.escape(ev['source'])}</i> [{html.escape(ev['source_kind'])}, "
            f"{html.escape(ev['method'])}] {html.escape(ev['locator'])}: {html.escape(ev['snippet'])}"
        )
    if len(evidence) > 5:
        lines.append(f"<br>… {len(evidence) - 5} more")
    return "".join(lines)


COLUMN = {"organization": 0, "model": 1, "technique": 2, "paper": 3, "hardware": 4, "unknown": 5}


ROWS_PER_COLUMN = 60


def layout(g) -> dict[str, tuple[int, int]]:
    """Deterministic positions: one band per kind (labs, models by release, techniques by category, papers …).

    No physics is run, so a graph of thousands of nodes opens at once and looks the same every time.
    """
    def order(node):
        d = g.nodes[node]
        return (d.get("released") or d.get("first_appeared") or "", d.get("category") or "", node)

    bands: dict[int, list[str]] = {}
    for node, data in g.nodes(data=True):
        bands.setdefault(COLUMN.get(data.get("kind", "unknown"), 5), []).append(node)
    pos, x0 = {}, 0
    for band in sorted(bands):
        members = sorted(bands[band], key=order)
        for i, node in enumerate(members):
            pos[node] = (x0 + (i // ROWS_PER_COLUMN) * 260, (i % ROWS_PER_COLUMN) * 42)
        x0 += ((len(members) - 1) // ROWS_PER_COLUMN + 1) * 260 + 420
    return pos


def _node_fields(data: dict) -> dict[str, str]:
    """What the page filters on: organization and date of a node."""
    org = data.get("organization") or ""
    if not org and data.get("introduced_by"):
        org = data["introduced_by"][0] if isinstance(data["introduced_by"], (list, tuple)) else data["introduced_by"]
    when = data.get("released") or data.get("first_appeared") or data.get("published") or ""
    return {"org": str(org), "date": str(when)[:7], "category": str(data.get("category") or "")}


def to_html(store: Store, catalog: Catalog, include_unlinked: bool = False) -> tuple[str, int, int]:
    """The explorable HTML page for the graph: (text, nodes, edges)."""
    import json

    from pyvis.network import Network

    from lineage.questions.projection import project

    g = project(store, catalog)
    if not include_unlinked:
        g = g.subgraph([n for n in g if g.degree(n) > 0]).copy()
    pos = layout(g)
    net = Network(height="860px", width="100%", directed=True, cdn_resources="in_line", select_menu=False)
    net.toggle_physics(False)
    for node, data in g.nodes(data=True):
        kind = data.get("kind", "unknown")
        title = (
            f"<b>{html.escape(data.get('label', node))}</b> ({html.escape(kind)})<br>id: {html.escape(node)}"
            + (f"<br>{html.escape(data['description'])}" if data.get("description") else "")
        )
        x, y = pos[node]
        net.add_node(node, label=data.get("label", node), title=title, color=NODE_COLOURS.get(kind, "#bab0ac"),
                     shape="dot", size=18 if kind == "technique" else 12, x=x, y=y, physics=False,
                     kind=kind, **_node_fields(data))
    for u, v, key, data in g.edges(keys=True, data=True):
        colour, dashes, width = EDGE_STYLES.get(data["status"], EDGE_STYLES["unverified"])
        title = (
            f"<b>{html.escape(u)} {html.escape(key)} {html.escape(v)}</b><br>status: {html.escape(data['status'])}"
            f" — {html.escape(data['reason'])}{_tooltip_evidence(data['evidence'])}"
        )
        net.add_edge(u, v, title=title, color=colour, dashes=dashes, width=width, label=key, arrows="to",
                     status=data["status"], predicate=key, smooth=False)
    n_edges = g.number_of_edges()
    page = strip_remote_assets(net.generate_html())
    legend = {
        "kinds": NODE_COLOURS,
        "statuses": {k: v[0] for k, v in EDGE_STYLES.items()},
        "techniques": sorted(
            ((n, d.get("label", n)) for n, d in g.nodes(data=True) if d.get("kind") == "technique"), key=lambda t: t[1].lower()
        ),
        "organizations": sorted(
            ((n, d.get("label", n)) for n, d in g.nodes(data=True) if d.get("kind") == "organization"), key=lambda t: t[1].lower()
        ),
    }
    # </script> can't appear inside JSON that is embedded in a script block
    config = json.dumps(legend).replace("<", "\\u003c").replace(">", "\\u003e")
    page = page.replace("</body>", _EXPLORER().replace("__LINEAGE_CONFIG__", config) + "</body>", 1)
    return page, g.number_of_nodes(), n_edges


def strip_remote_assets(page: str) -> str:
    """Remove every ``<link>``/``<script>`` that loads from the network (pyvis adds Bootstrap from a CDN)."""
    page = re.sub(r"<link\b[^>]*href=\"https?://[^\"]*\"[^>]*>", "", page, flags=re.S)
    page = re.sub(r"<script\b[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", "", page, flags=re.S)
    return page
