"""Network faults (issue 27, items 3, 4 and 9): every download bounded and checked, every failure one line.

The real CLI (``lineage ingest hf`` / ``ingest arxiv``) runs against local servers that misbehave the
way :mod:`tests.fixtures.faults` lists: slow headers, a slow body, an oversize body (announced or
not), a truncated body, a redirect loop, ``429`` with a long ``Retry-After``, ``503``, a reset
connection.  Each case asserts the exact one-line error, exit 3, nothing cached, the store unchanged,
and that a healthy server afterwards is ingested.  Deadlines are cut to 1.5 s so a case takes ~2 s.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fixtures import faults
from tests.fixtures.arxiv import cassettes
from tests.fixtures.hf_server import serve
from tests.fuzz.conftest import assert_refused, quads_hash, run_cli

DEADLINE = 1.5
CARD = b"---\nlicense: mit\nbase_model: deepseek-ai/DeepSeek-V3\n---\n# Fault\n\nA fine-tune of DeepSeek-V3.\n" * 20
PAPER = "2401.06066"


@pytest.fixture
def bounded(monkeypatch, tmp_path):
    """Short deadlines and waits, a 1 MB PDF cap, and an empty cache of this test's own."""
    cache = tmp_path / "cache"
    for k, v in {"LINEAGE_DOWNLOAD_DEADLINE": str(DEADLINE), "LINEAGE_RETRY_WAIT": "0.05", "LINEAGE_CACHE": str(cache),
                 "LINEAGE_MAX_PDF_MB": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}.items():
        monkeypatch.setenv(k, v)
    for k in ("HF_HUB_CACHE", "HF_HOME", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(k, raising=False)
    return cache


@pytest.fixture
def store(fuzz_store, tmp_path) -> Path:
    """A copy of the fuzz store of this test's own (a healthy run changes it)."""
    import shutil

    return Path(shutil.copytree(fuzz_store, tmp_path / "store"))


@pytest.fixture
def hub(bounded, monkeypatch, tmp_path):
    server, handler = serve({})
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "README.md").write_bytes(CARD)
    yield handler, folder
    server.shutdown()


def cached_files(cache: Path) -> list[str]:
    """Files of downloaded content in the cache (a Hub blob or snapshot entry, an arXiv PDF, a partial file)."""
    return sorted(str(p.relative_to(cache)) for p in cache.rglob("*")
                  if (p.is_file() or p.is_symlink()) and ("blobs" in p.parts or "snapshots" in p.parts
                                                          or "arxiv" in p.parts or p.name.endswith((".part", ".incomplete"))))


HF_ERRORS = {
    "slow-headers": "no complete answer within 1.5 s (LINEAGE_DOWNLOAD_DEADLINE sets the deadline)",
    "trickle-headers": "no complete answer within 1.5 s (LINEAGE_DOWNLOAD_DEADLINE sets the deadline)",
    "slow-body": "no complete answer within 1.5 s (LINEAGE_DOWNLOAD_DEADLINE sets the deadline)",
    "oversize": "larger than the 1 MB limit for a card (LINEAGE_MAX_CARD_MB raises it)",
    "oversize-announced": "larger than the 1 MB limit for a card (LINEAGE_MAX_CARD_MB raises it)",
    "truncate": f"the connection closed after {len(CARD) // 2} of {len(CARD)} bytes",
    "redirect-loop": "more than 10 redirects (a redirect loop?)",
    "429": "rate limited (HTTP 429, retry after 3600 s, past the 1.5 s deadline); try again later",
    "reset": "connection reset (3 tries)",
}


@pytest.mark.parametrize("fault", faults.FAULTS)
def test_hub_fault_is_one_line_exit_3_nothing_cached_then_a_healthy_hub_works(hub, bounded, store, fault):
    handler, folder = hub
    repo = f"fault/{fault}"
    handler.repos[repo] = (folder, "2" * 40)
    handler.behaviour[repo] = fault
    before = quads_hash(store)
    outcome = run_cli(["ingest", "hf", repo, "--store", str(store)])
    expected = (f"Error: Hugging Face answered HTTP 503 for {repo}/README.md after 3 tries" if fault == "503"
                else f"Error: cannot fetch {repo}/README.md from Hugging Face: {HF_ERRORS[fault]}")
    assert_refused(outcome, 3)
    assert outcome.stderr.strip() == expected
    assert outcome.seconds < DEADLINE + 4, outcome.seconds
    assert cached_files(bounded) == []
    assert quads_hash(store) == before

    del handler.behaviour[repo]
    healthy = run_cli(["ingest", "hf", repo, "--store", str(store)])
    assert healthy.code == 0, healthy.stderr
    assert quads_hash(store) != before


def test_hub_429_with_a_short_retry_after_is_waited_then_fetched(hub, bounded, store):
    handler, folder = hub
    handler.repos["fault/later"] = (folder, "2" * 40)
    handler.behaviour["fault/later"] = "429-once"
    outcome = run_cli(["ingest", "hf", "fault/later", "--store", str(store)])
    assert outcome.code == 0 and outcome.stderr == "", outcome.stderr
    assert outcome.seconds >= 1.0


def test_a_hub_file_that_does_not_hash_to_its_etag_is_refused_and_not_kept(hub, bounded, store):
    handler, folder = hub
    handler.repos["fault/lies"] = (folder, "2" * 40)
    handler.behaviour["fault/lies"] = "wrong-etag"
    before = quads_hash(store)
    outcome = run_cli(["ingest", "hf", "fault/lies", "--store", str(store)])
    etag = hashlib.sha256(CARD + b"!").hexdigest()
    assert_refused(outcome, 3)
    assert outcome.stderr.strip() == (f"Error: cannot fetch fault/lies/README.md from Hugging Face: the bytes do not "
                                      f"match their sha256 {etag[:12]}…")
    assert cached_files(bounded) == []
    assert quads_hash(store) == before


@pytest.mark.parametrize("etag", ["sha256", "git"])
def test_a_corrupt_cached_hub_file_is_fetched_again(hub, bounded, store, etag):
    """The Hub's ETag is a file's sha256 (LFS) or its git blob id: either is checked, on every use of the cache."""
    handler, folder = hub
    handler.git_etags = etag == "git"
    handler.repos["fault/rot"] = (folder, "2" * 40)
    assert run_cli(["ingest", "hf", "fault/rot", "--store", str(store)]).code == 0
    (blob,) = [p for p in bounded.rglob("*") if p.is_file() and "blobs" in p.parts]
    blob.write_bytes(CARD[: len(CARD) // 2])  # a file cut short (or rotted) in the cache
    gets = len([r for r in handler.requests if r.startswith("GET") and r.endswith("README.md")])
    again = run_cli(["ingest", "hf", "fault/rot", "--store", str(store)])
    assert again.code == 0, again.stderr
    assert blob.read_bytes() == CARD
    assert len([r for r in handler.requests if r.startswith("GET") and r.endswith("README.md")]) == gets + 1


@pytest.mark.parametrize("fault", ["503", "slow-headers", "reset"])
def test_a_hub_that_fails_after_a_file_was_cached_is_answered_from_the_cache(hub, bounded, store, fault):
    """As huggingface_hub does: a Hub that is down or slow does not stop a file already cached (checked by hash)."""
    handler, folder = hub
    handler.repos["fault/down"] = (folder, "2" * 40)
    assert run_cli(["ingest", "hf", "fault/down", "--store", str(store)]).code == 0
    handler.behaviour["fault/down"] = fault
    again = run_cli(["ingest", "hf", "fault/down", "--store", str(store)])
    assert (again.code, again.stderr) == (0, "")


def test_a_card_under_a_raised_cap_is_fetched(hub, bounded, store, monkeypatch):
    """The cap the error names can be raised: the download and the card reader both honour it."""
    handler, folder = hub
    big = folder.parent / "big"
    big.mkdir()
    (big / "README.md").write_bytes(b"---\nlicense: mit\n---\n" + b"A model card. " * 100_000)  # 1.3 MB
    handler.repos["fault/big"] = (big, "2" * 40)
    assert_refused(run_cli(["ingest", "hf", "fault/big", "--store", str(store)]), 3, "LINEAGE_MAX_CARD_MB raises it")
    monkeypatch.setenv("LINEAGE_MAX_CARD_MB", "2")
    outcome = run_cli(["ingest", "hf", "fault/big", "--store", str(store)])
    assert outcome.code == 0, outcome.stderr


def test_hub_retries_print_nothing_but_the_error(hub, bounded, store, capfd):
    """Item 9: the library's retry warnings (12-13 lines) no longer reach stderr."""
    handler, folder = hub
    handler.repos["fault/busy"] = (folder, "2" * 40)
    handler.behaviour["fault/busy"] = "503"
    outcome = run_cli(["ingest", "hf", "fault/busy", "--store", str(store)])
    assert outcome.stderr == "Error: Hugging Face answered HTTP 503 for fault/busy/README.md after 3 tries\n"
    assert capfd.readouterr().err == ""  # nothing logged around the CLI's own stderr either


# --- arXiv: the API feed and the PDF, from one local server -------------------------------------------


class ArxivHandler(http.server.BaseHTTPRequestHandler):
    faults: dict[str, str] = {}  # "feed" | "pdf" -> fault
    page: bytes | None = None  # served with 200 instead of the feed, when set
    corpus: Path = Path()
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).hits.append(self.path)
        url = urlsplit(self.path)
        if url.path == "/api/query":
            ids = parse_qs(url.query).get("id_list", [""])[0]
            papers = [cassettes.papers()[i] for i in ids.split(",") if i in cassettes.papers()]
            data, kind, ctype = cassettes.feed(papers).encode(), "feed", "application/atom+xml"
            data = data if self.page is None else self.page
        else:
            paper = cassettes.papers().get(url.path.rsplit("/", 1)[-1][:-2])
            if paper is None:
                self.send_error(404)
                return
            data, kind, ctype = (self.corpus / "reports" / paper["pdf"]).read_bytes(), "pdf", "application/pdf"
        headers = {"Content-Type": ctype, "Content-Length": str(len(data))}
        if kind in self.faults and faults.answer(self, self.faults[kind], data, headers):
            return
        self.send_response(200)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def arxiv_server(bounded, corpus, monkeypatch):
    ArxivHandler.faults, ArxivHandler.corpus, ArxivHandler.hits, ArxivHandler.page = {}, corpus, [], None
    faults.reset()
    server = faults.QuietServer(("127.0.0.1", 0), ArxivHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setenv("LINEAGE_ARXIV_API", f"{base}/api/query")
    monkeypatch.setenv("LINEAGE_ARXIV_PDF_BASE", f"{base}/pdf")
    monkeypatch.setenv("LINEAGE_MAX_PDF_MB", "8")  # the paper's PDF is 1.4 MB; "oversize" sets 1
    yield ArxivHandler
    server.shutdown()


def _pdf_size(corpus: Path) -> int:
    return (corpus / "reports" / cassettes.papers()[PAPER]["pdf"]).stat().st_size


def arxiv_error(target: str, fault: str, corpus: Path) -> str:
    what, source = (PAPER, "arXiv API") if target == "feed" else (f"the PDF of {PAPER}v1", "arXiv")
    size = len(cassettes.feed([cassettes.papers()[PAPER]]).encode()) if target == "feed" else _pdf_size(corpus)
    kind, var = ("feed page", "FEED") if target == "feed" else ("PDF", "PDF")
    reasons = {
        "slow-headers": "no complete answer within 1.5 s (LINEAGE_DOWNLOAD_DEADLINE sets the deadline)",
        "trickle-headers": "no complete answer within 1.5 s (LINEAGE_DOWNLOAD_DEADLINE sets the deadline)",
        "slow-body": "no complete answer within 1.5 s (LINEAGE_DOWNLOAD_DEADLINE sets the deadline)",
        "oversize": f"larger than the 1 MB limit for a {kind} (LINEAGE_MAX_{var}_MB raises it)",
        "oversize-announced": f"larger than the 1 MB limit for a {kind} (LINEAGE_MAX_{var}_MB raises it)",
        "truncate": f"the connection closed after {size // 2} of {size} bytes (3 tries)",
        "redirect-loop": "more than 10 redirects (a redirect loop?)",
        "429": "rate limited (HTTP 429, retry after 3600 s, past the 1.5 s deadline); try again later",
        "reset": "connection reset (3 tries)",
    }
    if fault == "503":
        return f"Error: {source} answered HTTP 503 for {what} after 3 tries"
    return f"Error: cannot fetch {what} from {source}: {reasons[fault]}"


@pytest.mark.parametrize("target", ["feed", "pdf"])
@pytest.mark.parametrize("fault", faults.FAULTS)
def test_arxiv_fault_is_one_line_exit_3_nothing_cached_then_a_healthy_server_works(
        arxiv_server, bounded, corpus, store, monkeypatch, target, fault):
    if fault.startswith("oversize"):
        monkeypatch.setenv(f"LINEAGE_MAX_{target.upper()}_MB", "1")
    arxiv_server.faults[target] = fault
    before = quads_hash(store)
    outcome = run_cli(["ingest", "arxiv", PAPER, "--store", str(store)])
    assert_refused(outcome, 3)
    assert outcome.stderr.strip() == arxiv_error(target, fault, corpus)
    assert outcome.seconds < DEADLINE + 4, outcome.seconds
    assert cached_files(bounded) == []
    assert quads_hash(store) == before

    arxiv_server.faults.clear()
    monkeypatch.setenv("LINEAGE_MAX_PDF_MB", "8")
    monkeypatch.setenv("LINEAGE_MAX_FEED_MB", "4")
    healthy = run_cli(["ingest", "arxiv", PAPER, "--store", str(store)])
    assert healthy.code == 0, healthy.stderr
    assert quads_hash(store) != before


def test_arxiv_429_with_a_short_retry_after_is_waited_then_fetched(arxiv_server, store):
    arxiv_server.faults["pdf"] = "429-once"
    start = time.monotonic()
    outcome = run_cli(["ingest", "arxiv", PAPER, "--store", str(store)])
    assert outcome.code == 0, outcome.stderr
    assert time.monotonic() - start >= 1.0


def test_a_truncated_cached_pdf_is_fetched_again(arxiv_server, bounded, corpus, store):
    """Item 4: a PDF cut short in the cache made every later ``ingest arxiv`` fail, even against a healthy server."""
    pdf = (corpus / "reports" / cassettes.papers()[PAPER]["pdf"]).read_bytes()
    cached = bounded / "arxiv" / f"{PAPER}v1.pdf"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(pdf[: len(pdf) // 2])
    outcome = run_cli(["ingest", "arxiv", PAPER, "--store", str(store)])
    assert outcome.code == 0, outcome.stderr
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == hashlib.sha256(pdf).hexdigest()
    assert f"/pdf/{PAPER}v1" in arxiv_server.hits


def test_a_cached_pdf_whose_bytes_changed_is_fetched_again(arxiv_server, bounded, store):
    assert run_cli(["ingest", "arxiv", PAPER, "--store", str(store)]).code == 0
    cached = bounded / "arxiv" / f"{PAPER}v1.pdf"
    data = bytearray(cached.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte keeps the header and the %%EOF
    cached.write_bytes(bytes(data))
    os.utime(cached)
    arxiv_server.hits.clear()
    assert run_cli(["ingest", "arxiv", PAPER, "--store", str(store)]).code == 0
    assert arxiv_server.hits.count(f"/pdf/{PAPER}v1") == 1


_WHOLE_FEED = cassettes.feed([cassettes.papers()[PAPER]]).encode()
PAGES = {
    "cut-off feed": (_WHOLE_FEED[: len(_WHOLE_FEED) // 2], "a page that is not well-formed XML"),
    "HTML error page": (b"<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>",
                        "a page that is not an Atom feed"),
    "XHTML page": (b"<html><body><p>Rate exceeded.</p></body></html>", "a page that is not an Atom feed"),
    "feed with no entries but results": (cassettes.feed([]).encode().replace(b"totalResults>0<", b"totalResults>1<"),
                                         "a feed whose totalResults does not match its entries"),
}


@pytest.mark.parametrize("page", PAGES)
def test_an_arxiv_answer_that_is_not_a_whole_atom_feed_is_an_external_failure(arxiv_server, bounded, store, page):
    """Issue 27: a page the ``arxiv`` client reads with recovery (cut short, an error page served with 200)
    was "no paper" (exit 2, bad input); the service failed, so exit 3 and nothing written."""
    arxiv_server.page, problem = PAGES[page]
    before = quads_hash(store)
    outcome = run_cli(["ingest", "arxiv", PAPER, "--store", str(store)])
    assert_refused(outcome, 3)
    assert outcome.stderr == f"Error: arXiv API returned {problem} for {PAPER}; try again later\n"
    assert cached_files(bounded) == []
    assert quads_hash(store) == before


def test_a_well_formed_empty_arxiv_feed_is_no_such_paper(arxiv_server, bounded, store):
    """The real "no such paper" answer (an Atom feed, totalResults 0, no entry) stays bad input."""
    before = quads_hash(store)
    outcome = run_cli(["ingest", "arxiv", "2401.99999", "--store", str(store)])
    assert_refused(outcome, 2)
    assert outcome.stderr == 'Error: arXiv has no paper "2401.99999". Check the id.\n'
    assert quads_hash(store) == before
