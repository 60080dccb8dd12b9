"""Exports: RDF that conforms to the shapes, and an offline HTML graph that escapes source text."""

from __future__ import annotations

import json
import re
import shutil
from urllib.parse import quote

import pytest

from lineage.domain import Claim, Evidence, SourceDocument, utcnow
from lineage.export import export
from lineage.questions.projection import adopters, project
from lineage.store import Store

EVIL = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def store_with_hostile_evidence(built_copy):
    s = Store(built_copy)
    doc = SourceDocument(id="article:hostile", title=EVIL, kind="secondary", format="article", about="kimi-k2")
    ev = Evidence(source=doc.id, source_kind="secondary", locator="para 1", snippet=EVIL, method="text",
                  retrieved_at=utcnow())
    claim = Claim(subject="kimi-k2", predicate="uses", object="muon", status="reported", reason=EVIL, evidence=(ev,))
    s.replace_source(doc, [claim])
    yield s
    s.close()


def test_html_escapes_source_text_and_loads_nothing_remote(store_with_hostile_evidence, catalog, tmp_path):
    out = tmp_path / "graph.html"
    report = export(store_with_hostile_evidence, catalog, "html", out)
    page = out.read_text()
    assert report.nodes > 40 and report.edges > 100
    assert "<script>alert" not in page and "<img src=x" not in page
    edges = json.loads(re.search(r"edges = new vis\.DataSet\((.*?)\);\n", page).group(1))
    (hostile,) = [e for e in edges if e["from"] == "kimi-k2" and e["to"] == "muon"]
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x" in hostile["title"]
    assert not re.search(r"(src|href)=\"https?://", page), "page must not load remote assets"
    assert "bootstrap" not in page.lower()


def test_projection_edges_carry_status_and_evidence(built_store, catalog):
    g = project(built_store, catalog)
    assert {"deepseek-v3", "kimi-k2", "glm-5"} <= set(adopters(g, "mla"))
    assert "deepseek-v4-pro" not in adopters(g, "mla")
    edge = g.edges["deepseek-v3", "mla", "uses"]
    assert edge["status"] == "verified" and edge["evidence"][0]["method"] == "config"


def _plain(triple):
    """A triple with each literal as (text, datatype, language): a plain string is an xsd:string (RDF 1.1)."""
    from rdflib import XSD, Literal

    return tuple((str(t), str(t.datatype or (None if t.language else XSD.string)), t.language)
                 if isinstance(t, Literal) else t for t in triple)


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nq", "nt", "jsonld"])
def test_rdf_exports_parse_back_to_the_same_triples(built_store, catalog, tmp_path, fmt):
    """Each format parses back to the store's triples; the three the shapes are checked on conform to them
    (parsed once for both: what tests/graph/test_shacl.py checked on its own parse of each)."""
    from rdflib import Dataset, Graph

    from lineage.store.shapes import validate

    out = tmp_path / f"store.{fmt}"
    report = export(built_store, catalog, fmt, out)
    assert report.bytes == out.stat().st_size > 0
    union = {_plain(t) for t in built_store.union_graph()}
    if fmt in ("trig", "nq"):
        ds = Dataset()
        ds.parse(out, format={"trig": "trig", "nq": "nquads"}[fmt])
        quads = {(s, p, o, g) for s, p, o, g in ds.quads() if g is not None}
        assert len(quads) == len(built_store)
        assert {str(g) for *_, g in quads} == {f"https://w3id.org/lineage/source/{quote(d.id, safe='')}"
                                                for d in built_store.sources()}
        assert {_plain((s, p, o)) for s, p, o, _ in quads} == union
        g = Graph()
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
    else:
        g = Graph().parse(out, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
        assert {_plain(t) for t in g} == union and len(g) == len(union)
    if fmt in ("ttl", "trig", "jsonld"):
        conforms, shacl_report = validate(g)
        assert conforms, shacl_report[:2000]
    if fmt in ("ttl", "trig"):  # prefixed names where they read well; source IRIs whole
        text = out.read_text()
        assert "@prefix lin: <https://w3id.org/lineage/vocab#> ." in text and "lin:Claim" in text
        assert "@prefix src:" not in text


def test_rdf_export_to_standard_output_is_the_file(built_store_path, tmp_path):
    from typer.testing import CliRunner

    from lineage.cli import app

    out = tmp_path / "store.nq"
    written = CliRunner().invoke(app, ["export", "nq", str(out), "--store", str(built_store_path)])
    assert written.exit_code == 0, written.output
    piped = CliRunner().invoke(app, ["export", "nq", "-", "--store", str(built_store_path)])
    assert piped.exit_code == 0 and piped.stdout_bytes == out.read_bytes()


@pytest.mark.browser
def test_html_graph_renders_offline_in_chromium(built_store, catalog, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian chromium not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    out = tmp_path / "graph.html"
    export(built_store, catalog, "html", out)
    remote = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page()
        page.route("http*://**", lambda route: (remote.append(route.request.url), route.abort()))
        page.goto(out.as_uri() + "#view=lineage")
        page.wait_for_function("window.lineageReady !== undefined && network.body.data.nodes.length > 0")
        n_nodes = page.evaluate("network.body.data.nodes.length")
        node, x, y = page.evaluate("""(function () {  // a labelled node: on screen, nothing drawn over it
            var id = window.lineageLabels[0].id, p = network.canvasToDOM(network.getPositions([id])[id]);
            var r = document.getElementById('mynetwork').getBoundingClientRect();
            return [id, p.x + r.left, p.y + r.top]; })()""")
        page.mouse.move(x - 1, y)
        page.mouse.move(x, y)  # the tooltip is parsed when the pointer rests on its node, and shown as markup
        page.wait_for_selector("div.vis-tooltip .lineage-tip", state="visible", timeout=10_000)
        tip_is_element = page.evaluate(f"nodes.get({json.dumps(node)}).title instanceof HTMLElement")
        browser.close()
    assert remote == []
    assert n_nodes > 40
    assert tip_is_element


def test_idea_relations_reach_the_html_explorer_with_status_and_evidence(relations_graph):
    from lineage.export.html import graph_to_html
    from lineage.questions.ideas import RELATIONS

    page, _, _ = graph_to_html(relations_graph)
    edges = json.loads(re.search(r"edges = new vis\.DataSet\((.*?)\);\n", page).group(1))
    drawn = {(e["from"], e["predicate"], e["to"]): e for e in edges}
    ideas = {(u, k, v): d for u, v, k, d in relations_graph.edges(keys=True, data=True) if k in RELATIONS}
    from_text = {key for key, d in ideas.items() if any(ev["method"] == "text" for ev in d["evidence"])}
    assert len(ideas) >= 40 and {("kda", "extends", "gated-deltanet"), ("kda", "contrastsWith", "mla")} <= from_text
    assert set(ideas) <= set(drawn)
    # one name per relation, the predicate's own (hover and panel; the canvas draws no edge names to collide)
    assert all(drawn[key]["status"] == d["status"] and "label" not in drawn[key] for key, d in ideas.items())
    assert all(f"<b>{key[0]} {key[1]} {key[2]}</b>" in drawn[key]["title"] for key in ideas)
    config = json.loads(re.search(r"var config = (\{.*?\});\n", page).group(1))
    for key in from_text:  # the evidence panel gets the report page of each relation read from text
        evidence = config["claims"][drawn[key]["id"]]["evidence"]
        assert any(ev["method"] == "text" and ev["locator"].startswith("p. ") for ev in evidence), key


def test_the_page_is_the_one_pyvis_own_add_node_and_add_edge_build(relations_graph, monkeypatch):
    from lineage.export import html

    fast, nodes, edges = html.graph_to_html(relations_graph)
    assert nodes > 40 and edges > 100
    monkeypatch.setattr(html, "add_node", lambda net, *args, **options: net.add_node(*args, **options))
    monkeypatch.setattr(html, "add_edge", lambda net, *args, **options: net.add_edge(*args, **options))
    assert html.graph_to_html(relations_graph) == (fast, nodes, edges)


def test_nodes_and_edges_are_added_as_pyvis_adds_them_without_scanning_the_nodes():
    from pyvis.network import Network

    from lineage.export.html import add_edge, add_node

    ours, theirs = (Network(directed=True, cdn_resources="in_line") for _ in range(2))
    for node, options in (("a", {"label": "A", "x": 1, "font": "13px sans-serif"}), ("b", {"shape": "diamond"}),
                          ("c", {"color": "#fff", "title": "<b>c</b>"})):
        add_node(ours, node, **options)
        theirs.add_node(node, **options)
    for u, v, options in (("a", "b", {"id": "e0", "arrows": "from"}), ("b", "c", {"label": "extends"}), ("a", "c", {})):
        add_edge(ours, u, v, **options)
        theirs.add_edge(u, v, **options)
    assert (ours.nodes, ours.node_ids, ours.node_map, ours.edges) == (
        theirs.nodes, theirs.node_ids, theirs.node_map, theirs.edges)
    assert ours.generate_html() == theirs.generate_html()
    with pytest.raises(ValueError, match="non existent node 'z'"):
        add_edge(ours, "a", "z")
    with pytest.raises(ValueError, match="added twice"):
        add_node(ours, "a")
