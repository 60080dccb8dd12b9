"""The explorable HTML graph in real headless Chromium: offline, filterable, and safe with hostile text."""

from __future__ import annotations

import shutil

import pytest

from lineage.build import build
from lineage.domain import Claim, Evidence, SourceDocument, utcnow
from lineage.export import export
from lineage.store import Store

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def _chromium():
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Debian chromium not installed (.ci/run installs it)")
    return path


def _open(html_path, run):
    from playwright.sync_api import sync_playwright

    errors, remote = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--no-first-run"])
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("http*://**", lambda route: (remote.append(route.request.url), route.abort()))
        page.goto(html_path.as_uri())
        page.wait_for_function("window.lineageShown !== undefined")
        result = run(page)
        browser.close()
    return result, errors, remote


@pytest.fixture(scope="module")
def page_file(tmp_path_factory, catalog):
    _chromium()
    tmp = tmp_path_factory.mktemp("explorer")
    with Store(tmp / "store") as s:
        build(s, catalog)
        doc = SourceDocument(id="article:hostile", title=HOSTILE, kind="secondary", format="article", about="kimi-k2")
        ev = Evidence(source=doc.id, source_kind="secondary", locator=HOSTILE, snippet=HOSTILE, method="text",
                      retrieved_at=utcnow())
        s.replace_source(doc, [Claim(subject="kimi-k2", predicate="uses", object="muon", status="reported",
                                     reason=HOSTILE, evidence=(ev,))])
        report = export(s, catalog, "html", tmp / "graph.html")
    return tmp / "graph.html", report


def test_the_page_loads_offline_without_errors_and_draws_every_node(page_file):
    path, report = page_file
    shown, errors, remote = _open(path, lambda page: page.evaluate("window.lineageShown"))
    assert errors == [] and remote == []
    assert shown == {"nodes": report.nodes, "edges": report.edges}


def test_planted_markup_in_evidence_never_runs(page_file):
    path, _ = page_file

    def hover_everything(page):
        page.evaluate("edges.get().forEach(function (e) { document.body.appendChild(e.title); })")
        return page.evaluate("window.__pwned === undefined")

    untouched, errors, _ = _open(path, hover_everything)
    assert untouched and errors == []


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


def test_thousands_of_nodes_open_with_a_fixed_layout(tmp_path, catalog):
    _chromium()
    with Store(tmp_path / "store") as s:
        build(s, catalog)
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
