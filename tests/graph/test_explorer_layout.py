"""The explorer's lineage layout, computed in Python: lanes per lab, time on x, no overlapping labels."""

from __future__ import annotations

import pytest

from lineage.export.html import DRAWN_KINDS, first_crossings, lineage_edges
from lineage.export.layout import LABEL_GAP, LABEL_PX_PER_CHAR, PEOPLE, lineage_layout
from lineage.questions.projection import project


@pytest.fixture(scope="module")
def drawn(built_store_path, catalog):
    from lineage.store import Store

    with Store(built_store_path) as s:
        g = project(s, catalog)
    nodes = sorted(n for n, d in g.nodes(data=True) if d["kind"] in DRAWN_KINDS)
    orgs = {n: d["label"] for n, d in g.nodes(data=True) if d["kind"] == "organization"}
    return g, nodes, orgs


def test_each_node_sits_in_its_labs_lane_at_its_date_and_the_layout_is_deterministic(drawn):
    g, nodes, orgs = drawn
    lay = lineage_layout(g, nodes, orgs)
    assert lay.pos == lineage_layout(g, list(reversed(nodes)), orgs).pos
    assert (lay.lane_of["mla"], lay.lane_of["deepseek-v3"], lay.lane_of["kimi-k2"]) == ("deepseek", "deepseek", "moonshot-ai")
    assert lay.lane_of["muon"] == PEOPLE, "Muon is credited to Keller Jordan and Jeremy Bernstein, no lab"
    x = {n: lay.pos[n][0] for n in ("mla", "deepseek-v2", "deepseek-v3", "kimi-k2")}
    assert x["mla"] == x["deepseek-v2"] < x["deepseek-v3"] < x["kimi-k2"], "MLA is born with DeepSeek-V2 (2024-05)"
    lanes = {lane.id: lane for lane in lay.lanes}
    for node in nodes:
        lane = lanes[lay.lane_of[node]]
        assert lane.top < lay.pos[node][1] < lane.bottom
    tops = [lane.top for lane in lay.lanes]
    assert tops == sorted(tops) and lay.lanes[0].id == "deepseek"
    assert [label for _, label in lay.ticks][-1] == "undated" and "2025" in [label for _, label in lay.ticks]


def test_labels_in_a_row_never_overlap(drawn):
    g, nodes, orgs = drawn
    lay = lineage_layout(g, nodes, orgs)
    rows: dict[float, list[tuple[float, float]]] = {}
    for node in nodes:
        x, y = lay.pos[node]
        half = len(g.nodes[node]["label"]) * LABEL_PX_PER_CHAR / 2
        rows.setdefault(y, []).append((x - half, x + half))
    for spans in rows.values():
        spans.sort()
        assert all(a[1] + LABEL_GAP <= b[0] + 0.1 for a, b in zip(spans, spans[1:]))


def test_the_idea_crossing_to_another_lab_is_bold_and_the_introducing_report_is_drawn_as_its_model(drawn):
    g, nodes, orgs = drawn
    lay = lineage_layout(g, nodes, orgs)
    edges = lineage_edges(g, set(nodes))
    bold = {(u, v, k) for i, (u, v, k, _) in enumerate(edges) if i in first_crossings(g, edges, lay.lane_of, lay.early)}
    assert ("kimi-k2", "mla", "uses") in bold, "Kimi K2 is Moonshot's first MLA adopter"
    assert ("kimi-k2.5", "mla", "uses") not in bold and ("deepseek-v3", "mla", "uses") not in bold
    assert ("mla", "deepseek-v2", "introducedIn") in {(u, v, k) for u, v, k, _ in edges}
    assert not any(k == "mentions" for _, _, k, _ in edges)


def test_labels_take_the_first_row_with_room_even_when_thousands_of_undated_nodes_stack():
    import random
    import time

    import networkx as nx

    rng = random.Random(7)
    g = nx.MultiDiGraph()
    for i in range(3000):  # a third dated, the rest undated: four columns, one row per node
        dated = i % 3 == 0
        g.add_node(f"m{i}", kind="model", organization="lab", label="x" * rng.randint(3, 30),
                   **({"released": f"{2020 + i % 6}-{1 + i % 12:02d}"} if dated else {}))
    nodes = sorted(g)
    start = time.process_time()
    lay = lineage_layout(g, nodes, {"lab": "Lab"})
    assert time.process_time() - start < 2.0  # first fit by scanning every row took seconds at this size
    placed: dict[float, list[tuple[float, float]]] = {}  # row y -> (left, right) of the labels placed so far
    for x, width, n in sorted((lay.pos[n][0], len(g.nodes[n]["label"]) * LABEL_PX_PER_CHAR, n) for n in nodes):
        y = lay.pos[n][1]
        left, right = x - width / 2, x + width / 2
        lower = [row for row in placed if row < y]
        assert all(any(end + LABEL_GAP > left for _, end in placed[row]) for row in lower), n  # no lower row had room
        assert all(end + LABEL_GAP <= left for _, end in placed.get(y, [])), n  # and its own row has
        placed.setdefault(y, []).append((left, right))
    assert len(placed) > 500
