"""The model tree's questions (lineage.questions.tree): the store's fast read and the projected graph give the
same derivations, and descendants / most-derived / who-quantizes answer from them (issue 30, item 3)."""

from __future__ import annotations

from typer.testing import CliRunner

from lineage.cli import app
from lineage.questions.tree import Edge, descendants, graph_edges, most_derived, store_edges, who_quantizes
from lineage.store import Store


def _rows(edges):
    return {(e.model, e.base, e.relation, e.status, e.model_org, e.base_org) for e in edges}


def test_the_stores_derivations_are_the_projected_graphs(built_store_path, catalog, monkeypatch):
    from lineage.questions.projection import project
    from lineage.store import claim_lookup

    with Store(built_store_path, read_only=True) as st:
        fast = store_edges(st, catalog)
        monkeypatch.setattr(claim_lookup, "LOOKUPS", 0)  # the read a store of many derivations takes: predicate ranges
        assert _rows(store_edges(st, catalog)) == _rows(fast)
        seen = catalog.with_discovered(st.discovered_entities())  # as the CLI projects: with what sources discovered
        graph = project(st, seen, derivatives=True)
    assert _rows(fast) == _rows(graph_edges(graph)) and len(fast) >= 5
    tree = descendants(fast, "deepseek-v3")
    assert {("deepseek-v3.1", 1), ("deepseek-v3.2-exp", 2), ("deepseek-v3.2", 3)} <= {(d.model, d.depth) for d in tree}


def _edge(model, base, relation="quantized", model_org="u", base_org="lab"):
    return Edge(model=model, base=base, relation=relation, status="verified", model_org=model_org, base_org=base_org)


def test_descendants_by_relation_and_depth_end_on_a_cycle():
    edges = [_edge("b", "a", "finetune"), _edge("c", "b"), _edge("d", "c"), _edge("a", "d"), _edge("e", "a", "adapter")]
    assert [(d.model, d.depth) for d in descendants(edges, "a")] == [("b", 1), ("e", 1), ("c", 2), ("d", 3)]
    assert [d.model for d in descendants(edges, "a", depth=2)] == ["b", "e", "c"]
    assert descendants(edges, "a", relation="quantized") == []
    assert [d.model for d in descendants(edges, "b", relation="quantized")] == ["c", "d", "a"]


def test_most_derived_and_who_quantizes_count_direct_derivatives_across_labs():
    edges = [_edge("q1", "a"), _edge("q2", "a", model_org="v"), _edge("f1", "a", "finetune"), _edge("q3", "b"),
             _edge("own", "a", base_org="u")]
    assert [(d.base, d.derivatives) for d in most_derived(edges)] == [("a", 4), ("b", 1)]
    assert [(d.base, d.derivatives) for d in most_derived(edges, "finetune")] == [("a", 1)]
    assert [(q.publisher, q.of, q.copies, q.bases) for q in who_quantizes(edges)] == [("u", "lab", 2, 2), ("v", "lab", 1, 1)]


def test_cli_tree_answers_from_the_built_store(built_store_path):
    runner = CliRunner()
    out = runner.invoke(app, ["tree", "deepseek-ai/DeepSeek-V3", "--depth", "2", "--store", str(built_store_path)])
    assert out.exit_code == 0, out.output
    assert "deepseek-v3.2-exp" in out.stdout and "deepseek-v3.2 " not in out.stdout and "descendants of deepseek-v3" in out.stdout
    out = runner.invoke(app, ["tree", "--most-derived", "--limit", "3", "--store", str(built_store_path)])
    assert out.exit_code == 0 and len(out.stdout.splitlines()) == 3 and out.stdout.split()[:2] == ["3", "deepseek-v3"]
    bad = runner.invoke(app, ["tree", "no-such-model", "--store", str(built_store_path)])
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: no model")
