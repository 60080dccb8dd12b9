"""Exports: RDF that conforms to the shapes, and an offline HTML graph that escapes source text."""

from __future__ import annotations

import json
import re
import shutil

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


@pytest.mark.parametrize("fmt", ["ttl", "trig", "jsonld"])
def test_rdf_exports_parse_back_to_the_same_triples(built_store, catalog, tmp_path, fmt):
    from rdflib import Dataset, Graph

    out = tmp_path / f"store.{fmt}"
    export(built_store, catalog, fmt, out)
    if fmt == "trig":
        ds = Dataset()
        ds.parse(out, format="trig")
        assert len(list(ds.quads())) == len(built_store)
        assert len(list(ds.graphs())) >= len(built_store.sources())
    else:
        g = Graph().parse(out, format={"ttl": "turtle", "jsonld": "json-ld"}[fmt])
        assert len(g) == len(built_store.union_graph())


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
        page.goto(out.as_uri())
        page.wait_for_function("typeof network !== 'undefined' && network.body.data.nodes.length > 0")
        n_nodes = page.evaluate("network.body.data.nodes.length")
        tip_is_element = page.evaluate("edges.get()[0].title instanceof HTMLElement")
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
    assert all(drawn[key]["status"] == d["status"] and drawn[key]["label"] == key[1] for key, d in ideas.items())
    config = json.loads(re.search(r"var config = (\{.*?\});\n", page).group(1))
    for key in from_text:  # the evidence panel gets the report page of each relation read from text
        evidence = config["claims"][drawn[key]["id"]]["evidence"]
        assert any(ev["method"] == "text" and ev["locator"].startswith("p. ") for ev in evidence), key
