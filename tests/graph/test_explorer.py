"""The explorable HTML graph in real headless Chromium: offline, filterable, and safe with hostile text."""

from __future__ import annotations

import shutil

import pytest

from lineage.domain import Claim, Evidence, SourceDocument, utcnow
from lineage.export import export
from lineage.questions.projection import project
from lineage.store import Store

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def _chromium():
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Debian chromium not installed (.ci/run installs it)")
    return path


def _open(html_path, run, fragment=""):
    from playwright.sync_api import sync_playwright

    errors, remote = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("http*://**", lambda route: (remote.append(route.request.url), route.abort()))
        page.goto(html_path.as_uri() + fragment)
        page.wait_for_function("window.lineageShown !== undefined && window.lineageReady !== undefined")
        result = run(page)
        browser.close()
    return result, errors, remote


def _page_with(tmp, built, catalog, doc, subject, obj, status, text, supports=True):
    """Export the built store plus one ``uses`` claim from ``doc``: (page, export report, projection)."""
    with Store(shutil.copytree(built, tmp / "store")) as s:
        ev = Evidence(source=doc.id, source_kind=doc.kind, locator=text, snippet=text, method="text",
                      supports=supports, retrieved_at=utcnow())
        s.replace_source(doc, [Claim(subject=subject, predicate="uses", object=obj, status=status, reason=text,
                                     evidence=(ev,))])
        return tmp / "graph.html", export(s, catalog, "html", tmp / "graph.html"), project(s, catalog)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory, built_store_path, catalog):
    _chromium()
    doc = SourceDocument(id="article:hostile", title=HOSTILE, kind="secondary", format="article", about="kimi-k2")
    path, report, _ = _page_with(tmp_path_factory.mktemp("explorer"), built_store_path, catalog, doc, "kimi-k2", "muon", "reported", HOSTILE)
    return path, report


def test_the_page_loads_offline_without_errors_and_draws_every_node(page_file):
    path, report = page_file
    shown, errors, remote = _open(path, lambda page: page.evaluate("window.lineageShown"))
    assert errors == [] and remote == []
    assert shown == {"nodes": report.nodes, "edges": report.edges}


def test_planted_markup_in_evidence_never_runs(page_file):
    path, _ = page_file

    def hover_everything(page):
        page.evaluate("window.lineageTips(); edges.get().forEach(function (e) { document.body.appendChild(e.title); })")
        return page.evaluate("window.__pwned === undefined"), page.evaluate(  # the page adds each claim's evidence
            "edges.get().filter(function (e) { return e.title.textContent.indexOf('\u2022 article:hostile') >= 0; }).length")

    (untouched, with_evidence), errors, _ = _open(path, hover_everything)
    assert untouched and errors == [] and with_evidence >= 1


def test_a_technique_filter_keeps_its_adopters_only(page_file):
    path, _ = page_file

    def pick_mla(page):
        page.select_option("#lineage-technique", "mla")
        return page.evaluate("window.lineageShown"), page.evaluate("network.body.data.nodes.getIds()")

    (shown, visible), errors, _ = _open(path, pick_mla)
    assert errors == []
    assert {"mla", "deepseek-v3", "kimi-k2", "glm-5"} <= set(visible)
    assert not {"qwen3-235b-a22b", "deepseek-v4-pro", "gpt-oss-120b"} & set(visible)


def test_unticking_a_status_hides_its_edges(page_file):
    path, _ = page_file

    def untick_verified(page):
        before = page.evaluate("window.lineageShown.edges")
        page.uncheck(".lineage-status[value=verified]")
        return before, page.evaluate("window.lineageShown.edges"), page.evaluate(
            "network.body.data.edges.get().filter(function (e) { return e.status === 'verified'; }).length"
        )

    (before, after, verified_left), errors, _ = _open(path, untick_verified)
    assert errors == [] and after < before and verified_left == 0


def test_thousands_of_nodes_open_with_a_fixed_layout(tmp_path, built_copy, catalog):
    _chromium()
    with Store(built_copy) as s:
        doc = SourceDocument(id="article:many", title="many", kind="secondary", format="article")
        ev = Evidence(source=doc.id, source_kind="secondary", locator="row", snippet="row", method="text",
                      retrieved_at=utcnow())
        claims = [Claim(subject=f"synthetic-{i}", predicate="uses", object="mla", status="reported", reason="synthetic",
                        evidence=(ev,)) for i in range(2100)]
        s.replace_source(doc, claims)
        report = export(s, catalog, "html", tmp_path / "big.html")
    (shown, physics), errors, remote = _open(
        tmp_path / "big.html", lambda page: (page.evaluate("window.lineageShown"), page.evaluate("network.physics.options.enabled"))
    )
    assert report.nodes > 2100 and shown["nodes"] == report.nodes
    assert physics is False and errors == [] and remote == []


def test_the_lineage_view_shows_organization_lanes_a_time_axis_and_readable_labels(page_file):
    path, _ = page_file

    def look(page):
        lanes = page.evaluate("""Array.from(document.querySelectorAll('.lineage-lane'))
            .filter(function (d) { return d.style.display !== 'none'; })
            .map(function (d) { var r = d.getBoundingClientRect(); return [d.textContent, r.left, r.right]; })""")
        ticks = page.evaluate("""Array.from(document.querySelectorAll('.lineage-tick'))
            .filter(function (d) { return d.style.display !== 'none'; }).map(function (d) { return d.textContent; })""")
        side = page.evaluate("document.getElementById('lineage-side').getBoundingClientRect().left")
        canvas = page.evaluate("document.getElementById('mynetwork').getBoundingClientRect().toJSON()")
        story = page.evaluate("""(function () {
            var p = network.getPositions(['mla', 'kimi-k2', 'deepseek-v2']), out = {};
            Object.keys(p).forEach(function (id) { out[id] = network.canvasToDOM(p[id]); });
            return out; })()""")
        smallest = page.evaluate("Math.min.apply(null, window.lineageLabels.map(function (b) { return b.h; }))")
        return lanes, ticks, side, canvas, story, smallest

    (lanes, ticks, side, canvas, story, smallest), errors, _ = _open(path, look, "#view=lineage")
    assert errors == []
    names = [name for name, *_ in lanes]
    assert names[0] == "DeepSeek" and "Moonshot AI" in names, "the labs that exchange most ideas come first"
    assert all(right < side for _, _, right in lanes), "lane labels are never under the side panel"
    assert len(ticks) >= 6 and any(t.isdigit() and len(t) == 4 for t in ticks)
    assert smallest >= 13, "labels are drawn at a fixed screen size (box 15 px for a 12 px font)"
    for node, at in story.items():  # MLA's birth at DeepSeek and its crossing to Kimi K2, with no control touched
        assert canvas["left"] <= at["x"] <= canvas["right"] and canvas["top"] <= at["y"] <= canvas["bottom"], node


@pytest.fixture(scope="module")
def ruled_out_page(tmp_path_factory, built_store_path, catalog):
    """A built store where a primary source rules MLA out for Qwen3-235B-A22B."""
    _chromium()
    doc = SourceDocument(id="report:qwen3-test", title="Qwen3 report", kind="primary", format="report",
                         about="qwen3-235b-a22b")
    path, _, g = _page_with(tmp_path_factory.mktemp("focus"), built_store_path, catalog, doc, "qwen3-235b-a22b", "mla", "contradicted",
                            "we use GQA, not MLA", supports=False)
    users = {u: d["status"] for u, _, k, d in g.in_edges("mla", keys=True, data=True) if k == "uses"}
    return path, users


def test_focusing_mla_through_the_url_hash_shows_exactly_its_adopters_and_ruled_out_models(ruled_out_page):
    path, users = ruled_out_page

    def focused(page):
        shown = page.evaluate("""network.body.data.nodes.get().filter(function (n) { return n.kind === 'model' && !n.dimmed; })
            .map(function (n) { return n.id; })""")
        return shown, page.evaluate("window.lineageFocus"), page.inner_text("#lineage-evidence")

    (shown, focus, panel), errors, _ = _open(path, focused, "#focus=mla")
    assert errors == []
    assert sorted(shown) == sorted(users) and users["qwen3-235b-a22b"] == "contradicted"
    assert focus["id"] == "mla" and focus["nodes"]["qwen3-235b-a22b"] == "ruled-out"
    assert {role for node, role in focus["nodes"].items() if node in users} == {"adopter", "ruled-out"}
    assert "Ruled out by a primary source (1)" in panel and f"Adopters over time ({len(users) - 1})" in panel
    # ancestry walks back only: not through a contrast, not round a cycle via a later idea (V4's MQA "replaces" MLA)
    assert focus["nodes"]["mla"] == "focus" and focus["nodes"]["dsa"] == "variant"
    assert focus["nodes"]["mha"] == "ancestor"


def test_a_click_focuses_and_the_evidence_panel_shows_the_claim_as_selectable_text(page_file):
    path, _ = page_file

    def click_through(page):
        page.evaluate("location.hash = 'focus=kimi-k2'")
        page.wait_for_function("window.lineageFocus && window.lineageFocus.id === 'kimi-k2'")
        page.click("#lineage-evidence a.lineage-claim[data-node=muon]")
        return (page.inner_text("#lineage-evidence"), page.evaluate("window.__pwned === undefined"),
                page.evaluate("getComputedStyle(document.getElementById('lineage-evidence')).userSelect"))

    (panel, untouched, select), errors, _ = _open(path, click_through)
    assert errors == [] and untouched and select == "text"
    assert "reported" in panel and HOSTILE in panel, "source text is shown as text, never as markup"


def test_the_default_view_is_drawn_not_blank(page_file, tmp_path):
    from PIL import Image

    path, _ = page_file
    shot = tmp_path / "default.png"
    _, errors, _ = _open(path, lambda page: page.screenshot(path=str(shot)))
    image = Image.open(shot).convert("RGB")
    width = image.width - 370  # the graph, without the side panel
    graph = image.crop((0, 0, width, image.height))
    colours = graph.getcolors(graph.width * graph.height)  # [(count, (r, g, b)), ...]
    ink = sum(count for count, (r, g, b) in colours if min(r, g, b) < 200)
    assert errors == [] and shot.stat().st_size > 20_000
    assert len(colours) > 200, "lanes, nodes of several kinds and status-coloured edges"
    assert ink > graph.width * graph.height // 50, "more than a blank canvas with an axis"
