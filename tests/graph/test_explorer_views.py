"""The explorer's views at 1400 x 900 in real headless Chromium: the overview names the top lab pairs, a focus
or a filter frames every node it shows, and no two labels drawn overlap.  Screenshots of each view are kept
under the pytest tmp path (``explorer-screens``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lineage.export import export
from lineage.export.html import DRAWN_KINDS, lineage_edges
from lineage.export.lanes import LANE_NAMES, catalogued_organizations, copies, lane_names, resolve_lanes
from lineage.export.overview import TOP_FLOWS, lab_flows
from lineage.questions.projection import project
from lineage.store import Store

pytestmark = pytest.mark.browser
SIZE = {"width": 1400, "height": 900}
SIDE = 370
RELEASE = Path(__file__).parents[2] / "seeds" / "release"
VIEWS = {"overview": "", "focus-mla": "#focus=mla", "focus-kimi-k2.6": "#focus=kimi-k2.6", "filter-muon": "#technique=muon"}


@pytest.fixture(scope="module")
def explorer(tmp_path_factory, catalog):
    """The page of the default build (``lineage build``: the catalog and the shipped graph release)."""
    from lineage.build import build

    if shutil.which("chromium") is None:
        pytest.skip("Debian chromium not installed (.ci/run installs it)")
    tmp = tmp_path_factory.mktemp("views")
    with Store(tmp / "store") as s:
        build(s, catalog, release=RELEASE)
        full = catalog.with_discovered(s.discovered_entities())
        export(s, full, "html", tmp / "graph.html")
        g = project(s, full)
    return tmp / "graph.html", g, tmp_path_factory.mktemp("explorer-screens")


def _look(path, fragment, shots, name, run):
    from playwright.sync_api import sync_playwright

    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport=SIZE)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("http*://**", lambda route: route.abort())
        page.goto(path.as_uri() + fragment)
        page.wait_for_function("window.lineageReady !== undefined && window.lineageLabels !== undefined")
        result = run(page)
        page.screenshot(path=str(shots / f"{name}.png"))
        browser.close()
    assert errors == []
    return result


def _expected_flows(g):
    drawn = {n for n, d in g.nodes(data=True) if d.get("kind", "unknown") in DRAWN_KINDS}
    edges = lineage_edges(g, drawn)
    nodes = sorted({n for u, v, *_ in edges for n in (u, v)})
    lane_of = resolve_lanes(g, nodes, catalogued_organizations(g))
    return lab_flows(g, edges, lane_of, copies(g, nodes, lane_of))


def _lane_names(g):
    nodes = [n for n, d in g.nodes(data=True) if d.get("kind") in DRAWN_KINDS]
    catalogued = catalogued_organizations(g)
    return lane_names(g, resolve_lanes(g, nodes, catalogued), catalogued)


LABELS = "window.lineageLabels.map(function (b) { return [b.id, b.x, b.y, b.w, b.h]; })"


def _assert_apart(labels):
    assert labels, "some labels are drawn"
    for i, (a, ax, ay, aw, ah) in enumerate(labels):
        assert ax >= 0 and ax + aw <= SIZE["width"] - SIDE and ay >= 24 and ay + ah <= SIZE["height"], a
        for b, bx, by, bw, bh in labels[i + 1:]:
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)


def test_the_overview_names_the_top_lab_pairs_on_the_first_screen(explorer):
    path, g, shots = explorer
    flows = _expected_flows(g)

    def rows(page):
        return page.evaluate("window.lineageOverview"), page.evaluate("""Array.from(document.querySelectorAll('.lineage-flow'))
            .map(function (r) { var b = r.getBoundingClientRect(); return [r.textContent, b.left, b.top, b.right, b.bottom]; })""")

    shown, boxes = _look(path, "", shots, "overview", rows)
    labels = {**{n: d.get("label", n) for n, d in g.nodes(data=True)}, **LANE_NAMES, **_lane_names(g)}
    assert [tuple(r) for r in shown] == [(f["from"], f["to"], len(f["ideas"])) for f in flows[:TOP_FLOWS]]
    for (text, left, top, right, bottom), flow in zip(boxes, flows):
        assert left >= 0 and right <= SIZE["width"] - SIDE + 1 and top >= 0 and bottom <= SIZE["height"], text
        assert labels[flow["from"]][:12] in text and labels[flow["to"]][:12] in text  # long names are cut
    story = next(text for text, *_ in boxes if text.startswith("DeepSeek") and "Moonshot AI" in text)
    assert "Multi-head Latent Attention" in story and "DeepSeekMoE" in story, "MLA and MoE crossing into Kimi, no click"
    tops = sorted((top, bottom) for _, _, top, _, bottom in boxes)
    assert all(b1 <= t2 + 0.5 for (_, b1), (t2, _) in zip(tops, tops[1:])), "rows never overlap"


@pytest.mark.parametrize("name", ["focus-mla", "focus-kimi-k2.6", "filter-muon"])
def test_a_focus_or_filter_frames_every_node_it_shows_and_labels_never_overlap(explorer, name):
    path, g, shots = explorer

    def framed(page):  # every drawn node: a focus's own ones, and (dimmed) the rest of the graph
        return page.evaluate("""(function () {
            var ids = network.body.data.nodes.getIds(), p = network.getPositions(ids), out = {};
            ids.forEach(function (id) { out[id] = [network.canvasToDOM(p[id]), !!network.body.data.nodes.get(id).dimmed]; });
            return out; })()"""), page.evaluate(LABELS), page.inner_text("#lineage-evidence")

    drawn, labels, panel = _look(path, VIEWS[name], shots, name, framed)
    at = {node: xy for node, (xy, dimmed) in drawn.items() if not dimmed}
    subject = VIEWS[name].split("=")[1]
    assert subject in at and len(at) >= 5
    if name.startswith("focus"):  # a focus dims the rest of the graph, a filter hides it
        assert len(drawn) > 2 * len(at)
    else:
        assert len(drawn) == len(at)
    for node, xy in at.items():
        assert 0 <= xy["x"] <= SIZE["width"] - SIDE and 24 <= xy["y"] <= SIZE["height"], node
    assert {b[0] for b in labels} <= set(at), "the dimmed nodes have no labels"
    _assert_apart(labels)
    for node, x, y, w, h in labels:  # no label hides a node, dimmed or not
        assert not [n for n, (xy, _) in drawn.items() if n != node and x < xy["x"] < x + w and y < xy["y"] < y + h], node
    assert g.nodes[subject]["label"] in panel, "the panel describes what the canvas shows"


def test_the_lineage_view_draws_labels_apart_and_leaving_a_focus_clears_the_panel(explorer):
    path, g, shots = explorer

    def leave(page):
        labels = page.evaluate(LABELS)
        page.evaluate("location.hash = 'focus=mla'")
        page.wait_for_function("window.lineageFocus && window.lineageFocus.id === 'mla'")
        dimmed = page.evaluate("nodes.get().filter(function (n) { return n.dimmed; }).length")
        page.click("#lineage-home")
        page.wait_for_function("window.lineageFocus === null")
        return labels, page.inner_text("#lineage-evidence"), page.evaluate("window.lineageView"), dimmed, page.evaluate(
            "nodes.get().filter(function (n) { return n.dimmed; }).length")

    labels, panel, view, dimmed, after = _look(path, "#view=lineage", shots, "lineage", leave)
    _assert_apart(labels)
    assert view == "lineage" and "Multi-head Latent Attention" not in panel
    assert dimmed > 0 and after == 0, "a focus dims the rest; leaving it draws it in full again"


def test_lanes_are_resolved_organizations(explorer):
    _, g, _ = explorer
    nodes = [n for n, d in g.nodes(data=True) if d.get("kind") in DRAWN_KINDS]
    lane_of = resolve_lanes(g, nodes, catalogued_organizations(g))
    # a family name joins its publisher's lane (two labs: IBM's Granite, OpenBMB's MiniCPM)
    assert lane_of["granite-3.0"] == lane_of["granite-3.1-1b-a400m"] == "ibm-granite"
    assert lane_of["minicpm4"] == lane_of["minicpm-o-4.5"] == "openbmb"
    # a Hub account's quantization of a lab's model is a copy, not the account's lab
    assert lane_of["unsloth-deepseek-v3-0324-gguf"] == "~derivatives"
    assert lane_of["ubergarm-deepseek-v3-0324-gguf"] == "~derivatives"
    assert lane_of["kimi-k2"] == "moonshot-ai" and lane_of["mla"] == "deepseek"
    # a lane that took in a family is named by the family and its publisher, not by a Hub account alone
    names = lane_names(g, lane_of, catalogued_organizations(g))
    assert names["ibm-granite"] == "Granite (ibm-granite)" and names["openbmb"] == "MiniCPM (openbmb)"
    assert "deepseek" not in names and "moonshot-ai" not in names, "catalogued organizations keep the catalog's name"
