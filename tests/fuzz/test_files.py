"""Hostile files for ``ingest pdf``, ``ingest article`` and ``ingest hf`` (cards from a local Hub)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.fuzz.conftest import LARGE_INPUT_CPU_SECONDS, assert_refused, quads_hash, run_cli

V3_REPORT = CORPUS / "reports" / "deepseek-ai__DeepSeek-V3__DeepSeek_V3.pdf"


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` in Helvetica (offsets computed, so pdfium reads it)."""
    stream = f"BT /F1 10 Tf 40 700 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _write(tmp: Path, name: str, data: bytes | str) -> str:
    path = tmp / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return str(path)


def _fifo(tmp: Path, name: str) -> str:
    path = tmp / name
    os.mkfifo(path)
    return str(path)


# (case id, how to make the argument, message part); every one exits 2
PDF_CASES = {
    "directory": (lambda t: str(t), "is a directory"),
    "fifo": (lambda t: _fifo(t, "r.pdf"), "is not a regular file"),
    "dev-zero": (lambda t: "/dev/zero", "is not a regular file"),
    "missing": (lambda t: str(t / "nope.pdf"), "cannot be read"),
    "empty": (lambda t: _write(t, "e.pdf", b""), "is empty"),
    "html": (lambda t: _write(t, "h.pdf", b"<html><script>alert(1)</script>"), "is not a PDF"),
    "header-only": (lambda t: _write(t, "x.pdf", b"%PDF-1.7\n"), "is corrupt"),
    "garbage": (lambda t: _write(t, "g.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40), "is corrupt"),
    "no-text": (lambda t: _write(t, "n.pdf", tiny_pdf("")), "has no text layer"),
    "tiny-unknown": (lambda t: _write(t, "u.pdf", tiny_pdf("hello " * 60)), "cannot tell which model"),
    "cut-xref": (lambda t: _write(t, "c.pdf", tiny_pdf("hello " * 60)[:-120]), ""),
    "cut-half": (lambda t: _write(t, "h2.pdf", tiny_pdf("hello " * 60)[:300]), ""),
    "nul-name": (lambda t: str(t / "a\tb.pdf"), "cannot be read"),
}


@pytest.mark.parametrize("case", sorted(PDF_CASES))
def test_hostile_pdf_is_one_line_exit_2_and_store_unchanged(fuzz_store, tmp_path, case):
    make, message = PDF_CASES[case]
    before = quads_hash(fuzz_store)
    assert_refused(run_cli(["ingest", "pdf", make(tmp_path), "--store", str(fuzz_store)]), 2, message)
    assert quads_hash(fuzz_store) == before


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_truncated_report_is_one_line_exit_2(corpus, tmp_path, fraction):
    data = V3_REPORT.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * fraction)])
    store = tmp_path / "store"  # its own: a truncation pdfium can rebuild is ingested
    before = quads_hash(store)
    outcome = run_cli(["ingest", "pdf", str(path), "--model", "deepseek-v3", "--store", str(store)])
    if outcome.code == 0:  # pdfium rebuilt enough of it: then it must be a normal, complete ingest
        assert "Traceback" not in outcome.stderr and outcome.stderr == ""
        return
    assert_refused(outcome, 2, "PDF")
    assert quads_hash(store) == before


ARTICLE_CASES = {
    "directory": (lambda t: str(t), "is a directory"),
    "fifo": (lambda t: _fifo(t, "a.md"), "is not a regular file"),
    "dev-zero": (lambda t: "/dev/zero", "is not a regular file"),
    "empty": (lambda t: _write(t, "e.md", b""), "is empty"),
    "latin-1": (lambda t: _write(t, "l.md", "caf\xe9 uses MLA".encode("latin-1")), "is not UTF-8 text"),
    "utf-16": (lambda t: _write(t, "w.md", "DeepSeek uses MLA".encode("utf-16")), "is not UTF-8 text"),
    "nul-bytes": (lambda t: _write(t, "z.md", b"DeepSeek\x00uses MLA"), "contains NUL bytes"),
    "encoded-surrogate": (lambda t: _write(t, "s.md", b"DeepSeek \xed\xa0\x80 uses MLA"), "is not UTF-8 text"),
    "too-big": (lambda t: _write(t, "b.md", b"a" * (3 * 2**20)), "lineage reads articles up to 2 MB"),
    "missing": (lambda t: str(t / "none.md"), "cannot be read"),
}


@pytest.mark.parametrize("case", sorted(ARTICLE_CASES))
def test_hostile_article_is_one_line_exit_2_and_store_unchanged(fuzz_store, tmp_path, case):
    make, message = ARTICLE_CASES[case]
    before = quads_hash(fuzz_store)
    assert_refused(run_cli(["ingest", "article", make(tmp_path), "--store", str(fuzz_store)]), 2, message)
    assert quads_hash(fuzz_store) == before


LONG_NAME = "Z" * 90
ACCEPTED_ARTICLES = {
    # issue 13: quadratic splitting took 224 s on 172 KB; now linear (bound: CASE_SECONDS)
    "172-kb-single-line": "DeepSeek V3 uses MLA and adopts MoE with FP8 training, " * 3100,
    "50-kb-no-spaces": "x" * 50_000,
    "table-row-with-90-char-name": f"# T\n\nModel | Score | Params | Context | Cost\n{LONG_NAME}88.5671B128K~1/10\n",
    "html-entity-surrogate": "<html><p>DeepSeek-V3 &#xd800; uses MLA &#0; &#x110000;</p></html>",
    "many-brackets": "[" * 20_000,
}


@pytest.mark.parametrize("case", sorted(ACCEPTED_ARTICLES))
def test_hostile_but_readable_article_is_ingested_within_the_bound(tmp_path, case):
    path = _write(tmp_path, "a.html" if case.startswith("html") else "a.md", ACCEPTED_ARTICLES[case])
    outcome = run_cli(["ingest", "article", path, "--store", str(tmp_path / "store")], bound=2 * LARGE_INPUT_CPU_SECONDS)
    assert outcome.code == 0 and outcome.stderr == "", outcome.stderr[-2000:]
    assert outcome.cpu < LARGE_INPUT_CPU_SECONDS


def test_a_stamped_stub_cannot_replace_the_real_report(corpus, tmp_path):
    """Issue 13: a 2 KB PDF stamped "arXiv:2412.19437" replaced the 53-page V3 report (37 claims -> 1)."""
    from lineage.catalog import Catalog
    from lineage.ingest.report import ingest_pdf
    from lineage.store import Store

    store = tmp_path / "store"
    with Store(store) as st:
        real = ingest_pdf(st, Catalog.load(), V3_REPORT)
    stub = _write(tmp_path, "stub.pdf", tiny_pdf("arXiv:2412.19437 " + "we adopt FP8 training " * 12))
    before = quads_hash(store)
    outcome = run_cli(["ingest", "pdf", stub, "--store", str(store)])
    assert_refused(outcome, 2, f'claims to be source "{real.source}", which the store holds from different bytes')
    assert quads_hash(store) == before
    outcome = run_cli(["ingest", "pdf", stub, "--replace", "--store", str(store)])
    assert outcome.code == 0 and outcome.stdout.startswith(f"replaced {real.source} (sha256:")
    assert quads_hash(store) != before
