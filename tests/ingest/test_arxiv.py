"""arXiv ingestion, offline: the real arxiv client replays cassettes rendered from real metadata,
and PDFs come from a local HTTP server serving the corpus files."""

from __future__ import annotations

import functools
import http.server
import threading

import arxiv
import pytest
import vcr

from lineage.errors import ExternalServiceError, SourceFormatError
from lineage.ingest.arxiv import ingest_arxiv
from tests.fixtures.arxiv import cassettes

REPLAY = vcr.VCR(record_mode="none", ignore_localhost=True, match_on=["method", "uri"])


class _Server(http.server.SimpleHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).hits.append(self.path)
        paper = cassettes.papers().get(self.path.rsplit("/", 1)[-1][:-2])
        if paper is None:
            self.send_error(404)
            return
        self.path = "/" + paper["pdf"]
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def pdf_server(corpus, monkeypatch, tmp_path):
    handler = functools.partial(_Server, directory=str(corpus / "reports"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LINEAGE_ARXIV_PDF_BASE", f"http://127.0.0.1:{server.server_port}/pdf")
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "cache"))
    _Server.hits = []
    yield _Server
    server.shutdown()


def client():
    return arxiv.Client(page_size=10, delay_seconds=0, num_retries=2)


def test_ingest_by_id_pins_the_version_and_records_metadata(pdf_server, catalog, store, tmp_path):
    paper = cassettes.papers()["2401.06066"]
    cassette = cassettes.write(tmp_path / "ok.yaml", [cassettes.interaction("2401.06066", 200, cassettes.feed([paper]))])
    with REPLAY.use_cassette(str(cassette), allow_playback_repeats=True):
        (result,) = ingest_arxiv(store, catalog, ["2401.06066"], client=client())
    assert result.metadata.version == "v1" and result.metadata.authors[0] == "Damai Dai"
    assert result.pdf.endswith("arxiv/2401.06066v1.pdf") and result.downloaded
    assert result.report.models == ["deepseek-moe-16b"] and "deepseekmoe" in result.report.uses
    (doc,) = store.sources()
    assert doc.id == "report:arxiv-2401.06066" and doc.revision.startswith("arXiv 2401.06066v1 sha256:")
    rows = store.query("SELECT ?a WHERE { ent:arxiv-2401.06066 dcterms:creator ?a }")
    assert len(rows) == 17


def test_a_second_ingest_uses_the_cached_pdf(pdf_server, catalog, store, tmp_path):
    paper = cassettes.papers()["2401.06066"]
    cassette = cassettes.write(tmp_path / "ok.yaml", [cassettes.interaction("2401.06066", 200, cassettes.feed([paper]))])
    with REPLAY.use_cassette(str(cassette), allow_playback_repeats=True):
        ingest_arxiv(store, catalog, ["2401.06066"], client=client())
        (again,) = ingest_arxiv(store, catalog, ["2401.06066"], client=client())
    assert not again.downloaded
    assert pdf_server.hits == ["/pdf/2401.06066v1"]


def test_an_unknown_id_is_a_one_line_error_and_writes_nothing(pdf_server, catalog, store, tmp_path):
    cassette = cassettes.write(tmp_path / "none.yaml", [cassettes.interaction("2401.99999", 200, cassettes.feed([]))])
    with REPLAY.use_cassette(str(cassette), allow_playback_repeats=True), pytest.raises(SourceFormatError, match='arXiv has no paper "2401.99999"'):
        ingest_arxiv(store, catalog, ["2401.99999"], client=client())
    assert store.is_empty()


def test_a_malformed_feed_is_an_external_failure_not_an_unknown_id(pdf_server, catalog, store, tmp_path):
    """Issue 27: a page that is not Atom gave 'arXiv has no paper' (exit 2, bad input); the service failed (3)."""
    cassette = cassettes.write(tmp_path / "bad.yaml", [cassettes.interaction("2401.06066", 200, "Rate exceeded.")])
    with REPLAY.use_cassette(str(cassette), allow_playback_repeats=True), pytest.raises(ExternalServiceError) as err:
        ingest_arxiv(store, catalog, ["2401.06066"], client=client())
    assert str(err.value) == "arXiv API returned a page that is not well-formed XML for 2401.06066; try again later"
    assert store.is_empty()


def test_a_malformed_id_is_refused_before_any_request(catalog, store):
    with pytest.raises(SourceFormatError, match=r'"24l2\.19437" is not an arXiv id'):
        ingest_arxiv(store, catalog, ["2401.06066", "24l2.19437"], client=client())
    assert store.is_empty()


def test_server_errors_are_retried_then_reported(pdf_server, catalog, store, tmp_path, monkeypatch):
    monkeypatch.setenv("LINEAGE_RETRY_WAIT", "0.01")
    cassette = cassettes.write(tmp_path / "503.yaml", [cassettes.interaction("2401.06066", 503, "busy")])
    with REPLAY.use_cassette(str(cassette), allow_playback_repeats=True) as played, pytest.raises(ExternalServiceError) as err:
        ingest_arxiv(store, catalog, ["2401.06066"], client=client())
    assert str(err.value) == "arXiv API answered HTTP 503 for 2401.06066 after 3 tries"
    assert played.play_count == 3
    assert store.is_empty()


def test_a_pdf_that_cannot_be_downloaded_is_reported(pdf_server, catalog, store, tmp_path, monkeypatch):
    paper = dict(cassettes.papers()["2401.06066"], arxiv="2401.06067")  # the server has no such file
    cassette = cassettes.write(tmp_path / "x.yaml", [cassettes.interaction("2401.06067", 200, cassettes.feed([paper]))])
    with REPLAY.use_cassette(str(cassette), allow_playback_repeats=True), pytest.raises(ExternalServiceError, match=r"^arXiv answered HTTP 404 for the PDF of 2401\.06067v1$"):
        ingest_arxiv(store, catalog, ["2401.06067"], client=client())
    assert store.is_empty()

