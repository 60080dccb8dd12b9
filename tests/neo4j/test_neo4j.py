"""The Neo4j backend against a real Bolt server: push, idempotence, and every saved Cypher query."""
# ruff: noqa: F811  (fixtures imported from a helper module are redefined as test arguments)

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from bolt_server import bolt  # noqa: F401  (fixture)
from typer.testing import CliRunner

from lineage.backends.neo4j import batches, push, rel_type, rows, run_read
from lineage.cli import app
from lineage.questions.saved import load, run


def _load(name: str, path: Path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_expected = _load("expected", Path(__file__).resolve().parents[1] / "queries" / "expected.py")
CASES, actual, expected = _expected.CASES, _expected.actual, _expected.expected


@pytest.fixture(scope="module", params=["built", "story", "reports"])
def pushed(request, bolt, built_graph, story_graph):
    """The graph pushed: built, story, or built with every corpus report ingested (skips without ../shared)."""
    g = {"built": built_graph, "story": story_graph}.get(request.param) or request.getfixturevalue("reports_graph")
    report = push(g, bolt, fresh=True)
    return g, report


def test_push_writes_every_row_once_and_is_idempotent(bolt, built_graph):
    nodes, rels, evidence = rows(built_graph)
    first = push(built_graph, bolt, fresh=True)
    assert (first.nodes, first.relationships, first.evidence) == (len(nodes), sum(map(len, rels.values())), len(evidence))
    second = push(built_graph, bolt, batch=7)
    assert second.statements > first.statements
    counts = run_read(bolt, "MATCH (n:Entity) RETURN count(n) AS n, count(DISTINCT n.id) AS ids")[0]
    assert counts == {"n": len(nodes), "ids": len(nodes)}
    assert run_read(bolt, "MATCH ()-[r:USES]->() RETURN count(r) AS n")[0]["n"] == len(rels["USES"])
    assert run_read(bolt, "MATCH (v:Evidence) RETURN count(v) AS n")[0]["n"] == len(evidence)


def test_claims_and_evidence_survive_as_properties(bolt, built_graph):
    push(built_graph, bolt, fresh=True)
    (edge,) = run_read(bolt, "MATCH (m:Entity {id: $m})-[u:USES]->(t:Entity {id: $t}) RETURN u.status AS status, "
                             "u.rank AS rank, u.key AS key", {"m": "kimi-k2", "t": "mla"})
    assert edge == {"status": "verified", "rank": 0, "key": "kimi-k2|uses|mla"}
    ev = run_read(bolt, "MATCH (v:Evidence {edge: $k}) RETURN v.method AS method, v.snippet AS snippet", {"k": edge["key"]})
    assert ev[0]["method"] == "config" and "kv_lora_rank = 512" in ev[0]["snippet"]
    (org,) = run_read(bolt, "MATCH (n:Entity {id: $id}) RETURN n.description AS d", {"id": "zhipu-ai"})
    assert "Tsinghua's" in org["d"]  # a quote in a parameter round-trips


def test_idea_relations_reach_neo4j_with_status_and_page_evidence(bolt, relations_graph):
    from lineage.questions.ideas import RELATIONS

    push(relations_graph, bolt, fresh=True)
    ideas = {(u, k, v, d["status"]) for u, v, k, d in relations_graph.edges(keys=True, data=True) if k in RELATIONS}
    types = "|".join(sorted({rel_type(k) for _, k, _, _ in ideas}))
    rows = run_read(bolt, f"MATCH (a:Entity)-[r:{types}]->(b:Entity) RETURN a.id AS a, r.key AS key, b.id AS b, r.status AS status")
    assert {(r["a"], r["key"].split("|")[1], r["b"], r["status"]) for r in rows} == ideas and len(ideas) >= 40
    evidence = run_read(bolt, "MATCH (v:Evidence {edge: $k}) RETURN v.method AS method, v.locator AS locator, v.source AS source",
                        {"k": "kda|extends|gated-deltanet"})
    assert {"method": "text", "locator": "p. 3, §2", "source": "report:kimi-linear"} in evidence


def test_batches_stay_under_the_byte_cap(built_graph):
    nodes, rels, evidence = rows(built_graph)
    for items in (nodes, evidence, *rels.values()):
        for chunk in batches(items, 20, 3000):
            assert len(chunk) <= 20
            assert len(chunk) == 1 or len(json.dumps(chunk, ensure_ascii=False).encode()) <= 3000 + 2 * len(chunk)


@pytest.mark.parametrize("name,params", [(n, p) for n, ps in CASES.items() for p in ps])
def test_cypher_query_matches_library(bolt, pushed, name, params):
    g, _ = pushed
    result = run(load(f"{name}.cypher"), params, bolt=bolt)
    assert actual(name, result) == expected(g, name, params)


def test_cli_push_and_query(bolt, built_store_path):
    runner = CliRunner()
    result = runner.invoke(app, ["push", "neo4j", "--uri", bolt.uri, "--fresh", "--batch", "10", "--json",
                                 "--store", str(built_store_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["nodes"] > 100 and report["rows_per_second"] > 0
    result = runner.invoke(app, ["query", "adopters.cypher", "--backend", "neo4j", "--uri", bolt.uri,
                                 "--param", "technique=mla", "--json"])
    assert result.exit_code == 0, result.output
    assert "kimi-k2" in {r["model"] for r in json.loads(result.stdout)}


def _indexes(bolt) -> list:
    import os

    listing = "SHOW INDEXES YIELD name RETURN name" if os.environ.get("NEO4J_URI") else "CALL db.indexes()"
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in run_read(bolt, listing))


@pytest.mark.parametrize("call", ["CALL db.idx.fulltext.createNodeIndex('Entity', 'label')",
                                  "CALL `db`.`idx`.fulltext.createNodeIndex('Entity', 'description')",
                                  "CALL db.index.fulltext.createNodeIndex('lineage_x', ['Entity'], ['label'])"])
def test_cli_query_calling_a_procedure_that_writes_is_refused_and_creates_nothing(bolt, tmp_path, call):
    """Issue 27: this file exited 0 and created a full-text index on FalkorDB."""
    (tmp_path / "x.cypher").write_text(call)
    before = _indexes(bolt)
    result = CliRunner().invoke(app, ["query", str(tmp_path / "x.cypher"), "--backend", "neo4j", "--uri", bolt.uri])
    assert result.exit_code == 2, result.output
    name = call.split("(")[0].removeprefix("CALL ").replace("`", "")
    assert result.stderr == (f"Error: x.cypher calls the procedure {name}, which may write; "
                             "'lineage query' runs read-only Cypher\n")
    assert _indexes(bolt) == before


def test_reads_run_in_a_read_transaction_within_the_time_limit(bolt, pushed):
    """``run_read`` opens a READ_ACCESS session and reads through ``execute_read`` (FalkorDB answers an
    auto-commit query in such a session from an empty graph, so this also shows the rows are real)."""
    g, report = pushed
    rows = run_read(bolt, "MATCH (n:Entity) RETURN count(n) AS n", timeout=30)
    assert rows == [{"n": report.nodes}]
