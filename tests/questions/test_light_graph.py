"""The projection a cold question loads (no networkx) is networkx's projection, in the same order."""

from __future__ import annotations

import pytest

from lineage.catalog import Catalog
from lineage.domain import Claim, Evidence, SourceDocument, utcnow
from lineage.questions.adoption import timeline
from lineage.questions.example import example_graph
from lineage.questions.light_graph import LightGraph
from lineage.questions.projection import project, projected
from lineage.questions.route import path
from lineage.store import Store, read_model


def _views(g) -> list:
    """Everything a question reads from a graph, in the order it reads it."""
    out = [list(g.nodes(data=True)), list(g.edges(keys=True, data=True)), list(g.edges()), g.number_of_edges()]
    for n in g.nodes:
        out += [list(g.in_edges(n, keys=True, data=True)), list(g.out_edges(n, data=True)), list(g.in_edges(n))]
    return out


def test_the_example_graph_reads_alike():
    g, h = example_graph(), example_graph(light=True)
    assert _views(h) == _views(g)
    assert _views(LightGraph.from_parts(*h.parts())) == _views(g)
    assert _views(h.to_networkx()) == _views(g)
    assert h.has_edge("deepseek-v3", "mla", key="uses") and not h.has_edge("mla", "deepseek-v3")
    assert timeline(h, "mla") == timeline(g, "mla")
    assert path(h, "mla", "kimi-k2") == path(g, "mla", "kimi-k2")  # networkx's algorithms on its own graph


@pytest.mark.parametrize("derivatives", [False, True])
def test_the_saved_projection_is_networkx_s(built_store_path, derivatives):
    with Store(built_store_path, read_only=True) as st:
        want = _views(project(st, Catalog.load().with_discovered(st.discovered_entities()), derivatives=derivatives))
        computed = projected(st, read_model.catalog(st), derivatives=derivatives)
    assert list(built_store_path.glob("lineage.read.projection*.marshal")), "the reader saved it"
    with Store(built_store_path, read_only=True) as st:
        loaded = projected(st, read_model.catalog(st), derivatives=derivatives)
    assert _views(computed) == want
    assert _views(loaded) == want
    assert len(want[1]) > 300


def test_a_write_is_never_answered_from_the_saved_projection(built_copy):
    with Store(built_copy, read_only=True) as st:
        before = projected(st, read_model.catalog(st))
    assert not before.has_edge("deepseek-v3", "muon", key="uses")
    doc = SourceDocument(id="config:test/muon.json", title="t", kind="primary", format="config", about="deepseek-v3")
    ev = Evidence(source=doc.id, source_kind="primary", locator="k", snippet="s", method="config", retrieved_at=utcnow())
    with Store(built_copy) as st:
        st.replace_source(doc, [Claim(subject="deepseek-v3", predicate="uses", object="muon", status="verified",
                                      reason="test", evidence=(ev,))], ())
    with Store(built_copy, read_only=True) as st:
        after = projected(st, read_model.catalog(st))
    assert after.has_edge("deepseek-v3", "muon", key="uses")
