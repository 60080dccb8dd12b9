"""``lineage fetch --mirror``: documents come back, evidence shows re-cut text, tampering is refused.

No sentence of a card is written here: re-cut text is checked against the span hashes the
release keeps.
"""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from lineage.build import build
from lineage.cli import app
from lineage.cli.aliases import notice
from lineage.domain import FETCH_HINT
from lineage.store import Store
from lineage.store.release_files import shipped
from lineage.store.spans import span_hash

CARD = "hf/deepseek-ai__DeepSeek-V4-Flash"


@pytest.fixture(scope="module")
def release_store(tmp_path_factory, catalog):
    if shipped() is None:
        pytest.fail("no graph release is shipped in seeds/release")
    path = tmp_path_factory.mktemp("rel") / "store"
    with Store(path) as st:
        build(st, catalog, release=shipped())
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "cache"))
    from lineage.release import fetch

    fetch.fetched_text.cache_clear()
    yield tmp_path / "cache"
    fetch.fetched_text.cache_clear()


def run(*args):
    """Exit code and output; ``who-uses`` (the store-index answer, kept as an alias) without its deprecation line."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr.removeprefix(notice("who-uses") + "\n")


def test_without_the_document_evidence_shows_its_locator_and_a_fetch_hint(release_store, cache):
    code, out = run("who-uses", "muon", "--store", str(release_store))
    assert code == 0
    v4 = [ln for ln in out.splitlines() if ln.startswith("DeepSeek-V4-Flash")]
    assert v4 and "[card] README.md line" in v4[0] and FETCH_HINT[:20] in v4[0]


def test_after_fetch_the_snippets_are_recut_and_match_their_hashes(release_store, cache, corpus):
    code, out = run("release", "fetch", CARD, "--mirror", str(corpus), "--store", str(release_store))
    assert (code, out.splitlines()[0].split(" into ")[0]) == (0, "Fetched 1 documents")
    code, out = run("who-uses", "muon", "--store", str(release_store), "--json")
    assert code == 0
    import json

    rows = [r for r in json.loads(out)["rows"] if r["model"] == "deepseek-v4-flash"]
    card = [e for e in rows[0]["evidence"] if e["source"] == "card:deepseek-ai/DeepSeek-V4-Flash"]
    assert card and all(e["snippet"] and span_hash(e["snippet"]) == e["span_sha256"] for e in card)


def test_fetch_reports_progress_after_each_document(release_store, cache, corpus):
    from lineage.release.fetch import fetch

    seen = []
    with Store(release_store) as st:
        report = fetch(st, corpus, [CARD, "hf/deepseek-ai__DeepSeek-V3"], progress=lambda done, total: seen.append((done, total)))
    assert len(report.fetched) == 2
    assert seen == [(1, 2), (2, 2)]


def test_a_tampered_document_is_refused_naming_it(release_store, cache, corpus, tmp_path):
    mirror = tmp_path / "mirror" / CARD
    shutil.copytree(corpus / CARD, mirror)
    (mirror / "README.md").write_bytes((mirror / "README.md").read_bytes().replace(b"Muon", b"Adam"))
    code, out = run("release", "fetch", CARD, "--mirror", str(tmp_path / "mirror"), "--store", str(release_store))
    assert code == 2
    assert out.startswith(f'Error: source "{CARD}" does not match its pinned sha256')
    assert len(out.strip().splitlines()) == 1


def test_a_tampered_cached_text_is_an_error_naming_the_document(release_store, cache, corpus):
    run("release", "fetch", CARD, "--mirror", str(corpus), "--store", str(release_store))
    for text in (cache / "documents").glob("*.txt"):
        text.write_text(text.read_text(encoding="utf-8").replace("Muon", "Adam"), encoding="utf-8")
    code, out = run("who-uses", "muon", "--store", str(release_store))
    assert code == 2
    assert out.startswith(f'Error: document "{CARD}" does not match the release')


@pytest.fixture
def raw_server(corpus, monkeypatch):
    """A local server answering like raw.githubusercontent.com: ``/<repo>/<commit>/<path in repo>``,
    serving the corpus files the pinned list names (``tamper`` swaps one file's bytes)."""
    import http.server
    import threading
    from urllib.parse import unquote

    from lineage.release.sources import load

    files = {f"/{s.repo}/{s.commit}/{s.path_in_repo}": corpus / s.path / ("README.md" if s.kind == "card" else "")
             for s in load() if s.commit and s.path_in_repo}
    tampered: dict[str, bytes] = {}

    class Raw(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            path = unquote(self.path)
            if path not in files:
                self.send_error(404)
                return
            body = tampered.get(path, files[path].read_bytes())
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Raw)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LINEAGE_RAW_BASE", f"http://127.0.0.1:{server.server_port}")
    yield files, tampered
    server.shutdown()


def test_without_a_mirror_documents_come_from_their_pinned_commit(release_store, cache, raw_server):
    code, out = run("release", "fetch", CARD, "--store", str(release_store))
    assert (code, out.splitlines()[0].split(" into ")[0]) == (0, "Fetched 1 documents")
    code, out = run("who-uses", "muon", "--store", str(release_store))
    v4 = [ln for ln in out.splitlines() if ln.startswith("DeepSeek-V4-Flash")]
    assert code == 0 and v4 and FETCH_HINT[:20] not in v4[0] and "Muon" in v4[0]


def test_a_download_that_is_not_the_pinned_document_is_refused(release_store, cache, raw_server):
    files, tampered = raw_server
    (url,) = [u for u, p in files.items() if p.parent.name == CARD.split("/")[1]]
    tampered[url] = files[url].read_bytes().replace(b"Muon", b"Adam")
    code, out = run("release", "fetch", CARD, "--store", str(release_store))
    assert code == 3 and len(out.strip().splitlines()) == 1
    assert out.startswith(f'Error: cannot fetch "{CARD}" from http://127.0.0.1:')
    assert "the bytes do not match its pinned sha256" in out
    assert not list((cache / "downloads").glob("*"))  # nothing kept


def test_an_unreachable_source_is_one_line_naming_it(release_store, cache, monkeypatch):
    monkeypatch.setenv("LINEAGE_RAW_BASE", "http://127.0.0.1:9")  # discard port: nothing listens
    monkeypatch.setenv("LINEAGE_RETRY_WAIT", "0.01")
    code, out = run("release", "fetch", CARD, "--store", str(release_store))
    assert code == 3 and len(out.strip().splitlines()) == 1
    assert out.startswith(f'Error: cannot fetch "{CARD}"') and "connection refused" in out
