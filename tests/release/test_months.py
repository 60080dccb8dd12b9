"""The manifest's ``pub_month`` travels with each pinned source and dates what the source discovers.

Real corpus rows: a config whose model no catalog entry lists, the Llama-Nemotron paper (its first
page's arXiv stamp gives 2505, the manifest the month of the revised copy) and the DeepSeek-Prover-V2
report (no month on its page; its PDF was produced for a revision months after the manifest's month).
"""

from __future__ import annotations

import pytest

from lineage.domain import Method, Predicate
from lineage.errors import SourceFormatError
from lineage.release.assemble import ingest_all
from lineage.release.sources import from_corpus, load
from lineage.store import Store

CONFIG = "new/configs/Qwen__Qwen3-0.6B.json"
NEMOTRON = "new/reports/NVIDIA-NeMo__Nemotron__nano3-techreport.pdf"
PROVER = "new/reports/deepseek-ai__DeepSeek-Prover-V2__DeepSeek_Prover_V2.pdf"


def test_each_source_carries_the_month_its_manifest_row_records(corpus):
    by_path = {s.path: s for s in from_corpus(corpus)}
    assert by_path[CONFIG].month == "2025-04" and by_path[NEMOTRON].month == "2025-09"
    assert by_path["new/configs/MiniMaxAI__MiniMax-M2.7.json"].month is None  # a blank cell
    assert {s.month for s in by_path.values() if s.kind == "card"} == {None}  # hf/MANIFEST.tsv has no pub_month
    assert {s.path: s.month for s in load()} == {p: s.month for p, s in by_path.items()}


def test_a_malformed_month_in_the_manifest_is_an_error_naming_its_row(tmp_path):
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "a__b.json").write_text("{}")
    (tmp_path / "hf").mkdir()
    (tmp_path / "hf" / "MANIFEST.tsv").write_text("folder\tfile\tsource_repo\tpath_in_repo\tcommit\n")
    (tmp_path / "MANIFEST.tsv").write_text("relative_path\tsource_repo\tpath_in_repo\tcommit\tarxiv_id\tpub_month\n"
                                           "configs/a__b.json\ta/b\tconfig.json\t\t\tMay 2025\n")
    with pytest.raises(SourceFormatError, match='MANIFEST row "configs/a__b.json" has pub_month "May 2025"'):
        from_corpus(tmp_path)


@pytest.fixture(scope="module")
def dated_store(corpus):
    pinned = [s for s in load() if s.path in (CONFIG, NEMOTRON, PROVER)]
    assert len(pinned) == 3
    store = Store(memory=True)
    skipped, catalog = ingest_all(store, corpus, pinned)
    assert not skipped
    return store, catalog


def _month(store, catalog, model: str) -> tuple[str | None, str]:
    (claim,) = store.claims(subject=model, predicate=Predicate.RELEASED)
    assert catalog.get(model).curation == "discovered"
    assert catalog.get(model).released == claim.value
    return claim.value, claim.evidence[0].locator


@pytest.mark.slow
def test_a_config_discovered_model_takes_its_sources_month(dated_store):
    store, catalog = dated_store
    assert _month(store, catalog, "qwen3-0.6b") == ("2025-04", "MANIFEST.tsv: pub_month")


@pytest.mark.slow
def test_a_reports_own_first_page_month_is_preferred_to_the_manifests(dated_store):
    store, catalog = dated_store
    assert _month(store, catalog, "llama-nemotron") == ("2025-05", "p. 1")


@pytest.mark.slow
def test_the_manifest_month_is_preferred_to_the_creation_date_of_a_revised_pdf(dated_store):
    store, catalog = dated_store
    assert _month(store, catalog, "deepseek-prover-v2") == ("2025-04", "MANIFEST.tsv: pub_month")
    (claim,) = store.claims(subject="deepseek-prover-v2", predicate=Predicate.RELEASED)
    assert claim.evidence[0].method is Method.METADATA
    assert claim.evidence[0].snippet == "pub_month: 2025-04"  # a record, not quoted text: the release keeps it
