"""Report ingestion on real PDFs: adoption with page evidence, citations, stated facts, bad input."""

from __future__ import annotations

import io

import pytest

from lineage.domain import Predicate, Status
from lineage.errors import SourceFormatError
from lineage.ingest.report import ingest_pdf
from lineage.questions.who_uses import who_uses


@pytest.fixture(scope="module")
def v3_store(tmp_path_factory, corpus, catalog):
    from lineage.store import Store

    s = Store(tmp_path_factory.mktemp("v3") / "store")
    ingest_pdf(s, catalog, corpus / "reports" / "deepseek-ai__DeepSeek-V3__DeepSeek_V3.pdf", model="deepseek-v3")
    yield s
    s.close()


@pytest.mark.parametrize("technique", ["mla", "deepseekmoe", "aux-loss-free-balancing", "mtp", "fp8-training"])
def test_v3_report_adopts_its_techniques_with_page_and_snippet(v3_store, technique):
    (claim,) = v3_store.claims(subject="deepseek-v3", predicate=Predicate.USES, object=technique)
    assert claim.status is Status.VERIFIED
    ev = claim.evidence[0]
    assert ev.method.value == "text" and ev.source_kind.value == "primary" and ev.supports
    assert ev.locator.startswith("p. ") and len(ev.snippet) > 30


def test_v3_report_states_hardware_and_size(v3_store):
    (hw,) = v3_store.claims(subject="deepseek-v3", predicate=Predicate.TRAINED_ON)
    assert hw.object == "nvidia-h800" and hw.qualifiers["count"] == "2048"
    assert "2048 H800 GPUs" in hw.evidence[0].snippet
    total = {c.value for c in v3_store.claims(subject="deepseek-v3", predicate=Predicate.TOTAL_PARAMETERS)}
    active = {c.value for c in v3_store.claims(subject="deepseek-v3", predicate=Predicate.ACTIVE_PARAMETERS)}
    assert total == {671_000_000_000} and active == {37_000_000_000}


def test_v3_report_cites_the_papers_that_introduced_mla_and_deepseekmoe(v3_store):
    cites = {c.object: c for c in v3_store.claims(subject="arxiv-2412.19437", predicate=Predicate.CITES)}
    for paper in ("arxiv-2405.04434", "arxiv-2401.06066"):
        assert cites[paper].qualifiers["cito"] == "usesMethodIn"
        # the bibliography entry, and the sentence citing it next to the adopted technique
        assert {e.method.value for e in cites[paper].evidence} == {"citation", "text"}


def test_moonlight_adopts_muon_and_rules_out_mtp(corpus, catalog, store):
    report = ingest_pdf(store, catalog, corpus / "reports" / "MoonshotAI__Moonlight__Moonlight.pdf")
    assert report.models == ["moonlight-16b-a3b"]
    assert "muon" in report.uses and "mtp" not in report.uses
    (mtp,) = store.claims(subject="moonlight-16b-a3b", object="mtp")
    assert mtp.status is Status.CONTRADICTED
    assert not mtp.evidence[0].supports
    assert "we do not introduce MTP layers" in mtp.evidence[0].snippet


def test_who_uses_muon_lists_moonlight_and_glm_with_report_evidence(corpus, catalog, built_copy):
    from lineage.store import Store

    with Store(built_copy) as s:
        for name in ("MoonshotAI__Moonlight__Moonlight.pdf", "zai-org__GLM-4.5__GLM_4_5_technical_report.pdf"):
            ingest_pdf(s, catalog, corpus / "reports" / name)
        rows = {r.model: r for r in who_uses(s, catalog, "muon").rows}
    for model in ("moonlight-16b-a3b", "glm-4.5"):
        assert rows[model].status is Status.VERIFIED
        assert rows[model].evidence[0].method.value == "text"


def test_reingesting_a_report_is_idempotent(corpus, catalog, store):
    path = corpus / "reports" / "deepseek-ai__DeepSeek-V3.2-Exp__DeepSeek_V3_2.pdf"
    ingest_pdf(store, catalog, path)
    first = len(store), sorted(c.ref for c in store.claims())
    ingest_pdf(store, catalog, path)
    assert (len(store), sorted(c.ref for c in store.claims())) == first


# --------------------------------------------------------------------------- bad PDFs


def _encrypted(corpus) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(corpus / "reports" / "deepseek-ai__DeepSeek-V3.2-Exp__DeepSeek_V3_2.pdf").pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _image_only() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=612, height=792)  # pages with no text layer at all
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


BAD_PDFS = {
    "corrupt": (lambda corpus: b"%PDF-1.7\n" + b"\x00garbage" * 500, "is corrupt"),
    "encrypted": (_encrypted, "is encrypted; decrypt it first"),
    "empty": (lambda corpus: b"", "is empty (0 bytes)"),
    "not-a-pdf": (lambda corpus: b"<html>hello</html>", "is not a PDF (no %PDF header)"),
    "image-only": (lambda corpus: _image_only(), "has no text layer (3 pages, image-only?); OCR it first"),
}


@pytest.mark.parametrize("case", sorted(BAD_PDFS))
def test_bad_pdf_gives_one_line_error_and_no_claims(corpus, catalog, store, tmp_path, case):
    make, message = BAD_PDFS[case]
    path = tmp_path / f"{case}.pdf"
    path.write_bytes(make(corpus))
    with pytest.raises(SourceFormatError) as err:
        ingest_pdf(store, catalog, path, model="deepseek-v3")
    assert message in str(err.value) and "\n" not in str(err.value)
    assert store.is_empty()


def test_a_200_megabyte_pdf_is_refused_before_reading(catalog, store, tmp_path):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(200 * 1024 * 1024)  # sparse: cheap to create
    with pytest.raises(SourceFormatError, match=r"is 210 MB; lineage reads reports up to 64 MB"):
        ingest_pdf(store, catalog, path, model="deepseek-v3")
    assert store.is_empty()
