"""GraphML, GEXF and CSV: the networkx projection flattened for graph tools.
"""

from __future__ import annotations

from lineage.catalog import Catalog
from lineage.store import Store


def flat_graph(store: Store, catalog: Catalog):
    """The projection with only scalar attributes (what GraphML and GEXF can hold).

    Lists are joined with "; "; evidence becomes a count, the source ids and a JSON string;
    literal facts become JSON strings too.
    """
    import json

    from lineage.questions.projection import project  # deferred for start-up: networkx

    g = project(store, catalog)
    flat = type(g)()
    for n, d in g.nodes(data=True):
        attrs: dict[str, str | int | float] = {}
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
