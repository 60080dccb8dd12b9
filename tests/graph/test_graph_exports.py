"""GraphML, GEXF and CSV edge-list exports read back with the same nodes, edges, statuses and evidence."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.export import export
from lineage.questions.projection import project


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_read_back(built_store, catalog, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    report = export(built_store, catalog, fmt, out)
    g = project(built_store, catalog)
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert report.nodes == back.number_of_nodes() == g.number_of_nodes()
    assert report.edges == back.number_of_edges() == g.number_of_edges()
    edge = next(d for u, v, d in back.edges(data=True) if (u, v, d["predicate"]) == ("kimi-k2", "mla", "uses"))
    assert edge["status"] == "verified"
    assert json.loads(edge["evidence"])[0]["snippet"].startswith("kv_lora_rank = 512")


def test_csv_edge_list_has_one_row_per_edge(built_store_path, catalog, tmp_path):
    out = tmp_path / "edges.csv"
    result = CliRunner().invoke(app, ["export", "csv", str(out), "--store", str(built_store_path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert rows[0].keys() >= {"source", "target", "predicate", "status", "reason", "evidence_count", "sources"}
    (k2,) = [r for r in rows if (r["source"], r["target"], r["predicate"]) == ("kimi-k2", "mla", "uses")]
    assert k2["status"] == "verified" and "config:kimi-k2" in k2["sources"]
    assert result.stdout.startswith(f"Wrote {out}: csv, ")
