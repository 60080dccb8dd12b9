"""A query past its time limit cannot leave work piling up in a long-lived process (issue 27)."""

from __future__ import annotations

import threading

import pytest

from lineage.errors import QueryTimeout
from lineage.store import bounded

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""An aggregate over a three-way product: every row is computed before the first is returned, so
Oxigraph cannot be stopped mid-way (150 quads: 3.4M rows, about a second)."""


@pytest.fixture
def ox_store():
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)))
                       for i in range(150)])
    return store


def test_a_query_waits_for_one_left_past_its_limit_and_refuses_to_pile_up(ox_store):
    with pytest.raises(QueryTimeout, match=r"^first\.rq ran past the 0\.05 s time limit"):
        bounded.run(ox_store, COUNT, timeout=0.05, name="first.rq")
    assert any(t.name == "lineage-query" and t.is_alive() for t in threading.enumerate())
    with pytest.raises(QueryTimeout, match=r"^second\.rq did not start: a query past its time limit is still running"):
        bounded.run(ox_store, "ASK { ?s ?p ?o }", timeout=0.05, name="second.rq")
    # a later query with time to spare waits for the runaway to end, then answers
    assert bounded.run(ox_store, "ASK { ?s ?p ?o }", timeout=120, name="third.rq") == ("ask", True)
    assert not any(t.name == "lineage-query" and t.is_alive() for t in threading.enumerate())
    assert bounded.run(ox_store, COUNT.replace("?d ?e ?f . ?g ?h ?i", ""), timeout=5, name="small.rq")[0] == "select"
