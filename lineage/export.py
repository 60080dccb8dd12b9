"""``lineage export``: the store as RDF (ttl, trig, jsonld), an interactive HTML graph, or for graph
tools: GraphML and GEXF (Gephi, Cytoscape) and a CSV edge list.

The HTML page is fully offline: pyvis inlines vis-network, and the Bootstrap
links pyvis adds are removed.  Every piece of source text in a tooltip is
HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.errors import SourceFormatError
from lineage.store import Store

RDF_FORMATS = ("ttl", "trig", "jsonld")
GRAPH_FORMATS = ("graphml", "gexf", "csv")
FORMATS = (*RDF_FORMATS, "html", *GRAPH_FORMATS)

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

_ROBUST_TOOLTIPS = """
<script type="text/javascript">
// Tooltips are built by lineage with every piece of source text escaped;
// turn them into elements so their line breaks render.
(function () {
  function asElement(item) {
    if (typeof item.title === "string") {
      var div = document.createElement("div");
      div.className = "lineage-tip";
      div.innerHTML = item.title;
      return {id: item.id, title: div};
    }
    return null;
  }
  [nodes, edges].forEach(function (set) {
    var updates = set.get().map(asElement).filter(Boolean);
    set.update(updates);
  });
})();
</script>
<style>.lineage-tip{max-width:480px;white-space:normal;font:12px sans-serif}</style>
"""


class ExportReport(BaseModel):
    """What an export wrote."""

    path: str = Field(description="File written.")
    format: str = Field(description="Export format.")
    bytes: int = Field(description="Size of the file.")
    nodes: int | None = Field(None, description="Nodes in the HTML graph.")
    edges: int | None = Field(None, description="Edges in the HTML graph.")


def _write_atomic(path: Path, text: str) -> int:
    path = Path(path)
    if path.is_dir():
        raise SourceFormatError(f'"{path}" is a directory; give a file name to export to')
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


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


def to_html(store: Store, catalog: Catalog, include_unlinked: bool = False) -> tuple[str, int, int]:
    """The HTML page for the graph: (text, nodes, edges)."""
    from pyvis.network import Network

    from lineage.graph import project

    g = project(store, catalog)
    if not include_unlinked:
        g = g.subgraph([n for n in g if g.degree(n) > 0]).copy()
    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line", select_menu=False)
    for node, data in g.nodes(data=True):
        kind = data.get("kind", "unknown")
        title = (
            f"<b>{html.escape(data.get('label', node))}</b> ({html.escape(kind)})<br>id: {html.escape(node)}"
            + (f"<br>{html.escape(data['description'])}" if data.get("description") else "")
        )
        net.add_node(node, label=data.get("label", node), title=title, color=NODE_COLOURS.get(kind, "#bab0ac"),
                     group=kind, shape="dot", size=18 if kind == "technique" else 12)
    n_edges = 0
    for u, v, key, data in g.edges(keys=True, data=True):
        colour, dashes, width = EDGE_STYLES.get(data["status"], EDGE_STYLES["unverified"])
        title = (
            f"<b>{html.escape(u)} {html.escape(key)} {html.escape(v)}</b><br>status: {html.escape(data['status'])}"
            f" — {html.escape(data['reason'])}{_tooltip_evidence(data['evidence'])}"
        )
        net.add_edge(u, v, title=title, color=colour, dashes=dashes, width=width, label=key, arrows="to")
        n_edges += 1
    page = net.generate_html()
    page = strip_remote_assets(page)
    page = page.replace("</body>", _ROBUST_TOOLTIPS + "</body>", 1)
    return page, g.number_of_nodes(), n_edges


def strip_remote_assets(page: str) -> str:
    """Remove every ``<link>``/``<script>`` that loads from the network (pyvis adds Bootstrap from a CDN)."""
    page = re.sub(r"<link\b[^>]*href=\"https?://[^\"]*\"[^>]*>", "", page, flags=re.S)
    page = re.sub(r"<script\b[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", "", page, flags=re.S)
    return page


def flat_graph(store: Store, catalog: Catalog):
    """The projection with only scalar attributes (what GraphML and GEXF can hold).

    Lists are joined with "; "; evidence becomes a count, the source ids and a JSON string;
    literal facts become JSON strings too.
    """
    import json

    from lineage.graph import project

    g = project(store, catalog)
    flat = type(g)()
    for n, d in g.nodes(data=True):
        attrs = {}
        for k, v in d.items():
            if v is None:
                continue
            if k == "facts":
                attrs[k] = json.dumps(v, sort_keys=True, default=str)
            elif isinstance(v, (list, tuple)):
                attrs[k] = "; ".join(map(str, v))
            else:
                attrs[k] = v if isinstance(v, (int, float, bool)) else str(v)
        flat.add_node(n, **attrs)
    for u, v, k, d in g.edges(keys=True, data=True):
        evidence = d.get("evidence", [])
        flat.add_edge(u, v, key=k, predicate=d["predicate"], status=d["status"], reason=d.get("reason", ""),
                      evidence_count=len(evidence), sources="; ".join(sorted({e["source"] for e in evidence})),
                      evidence=json.dumps(evidence, sort_keys=True))
    return flat


def to_graph_text(store: Store, catalog: Catalog, fmt: str) -> tuple[str, int, int]:
    """GraphML, GEXF or a CSV edge list of the projection: (text, nodes, edges)."""
    import csv
    import io

    import networkx as nx

    g = flat_graph(store, catalog)
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(g, buf, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(g, buf, encoding="utf-8")
    else:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["source", "target", "predicate", "status", "reason", "evidence_count", "sources",
                         "source_kind", "target_kind"])
        for u, v, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1])):
            writer.writerow([u, v, d["predicate"], d["status"], d["reason"], d["evidence_count"], d["sources"],
                             g.nodes[u].get("kind", ""), g.nodes[v].get("kind", "")])
        return text.getvalue(), g.number_of_nodes(), g.number_of_edges()
    return buf.getvalue().decode("utf-8"), g.number_of_nodes(), g.number_of_edges()


def export(store: Store, catalog: Catalog, fmt: str, path: Path) -> ExportReport:
    """Write the store to ``path`` in ``fmt`` (ttl, trig, jsonld, html, graphml, gexf or csv)."""
    if fmt not in FORMATS:
        raise SourceFormatError(f'unknown export format "{fmt}"; choose one of {", ".join(FORMATS)}')
    if fmt in GRAPH_FORMATS:
        text, nodes, edges = to_graph_text(store, catalog, fmt)
        return ExportReport(path=str(path), format=fmt, bytes=_write_atomic(path, text), nodes=nodes, edges=edges)
    if fmt == "html":
        page, nodes, edges = to_html(store, catalog)
        return ExportReport(path=str(path), format=fmt, bytes=_write_atomic(path, page), nodes=nodes, edges=edges)
    return ExportReport(path=str(path), format=fmt, bytes=_write_atomic(path, store.serialize(fmt)))
