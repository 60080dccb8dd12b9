"""The seed article, claim by claim: what a primary source verifies, contradicts, or cannot check."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.domain import Predicate, Status
from lineage.errors import SourceFormatError
from lineage.ingest.article import ingest_article
from lineage.ingest.card import ingest_hf
from lineage.verify import verify
from lineage.vocab import CONFIG_METHODS
from tests.fixtures.hf_server import corpus_repos, serve

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_b9af562fe97ab0ab.txt"


@pytest.fixture
def article_store(corpus, catalog, built_copy):
    from lineage.store import Store

    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED}")
    s = Store(built_copy)
    report = ingest_article(s, catalog, SEED)
    yield s, report.source
    s.close()


def _one(store, source, subject, predicate, obj=None, value=None):
    found = [
        c for c in store.claims(subject=subject, predicate=predicate, source=source)
        if (obj is None or c.object == obj) and (value is None or c.value == value)
    ]
    assert found, f"no {subject} {predicate.value} {obj or value} in {source}"
    return found[0]


def test_kimi_k26_inherits_moe_and_mla_is_verified_by_its_config(article_store):
    store, source = article_store
    for technique in ("mla", "moe"):
        claim = _one(store, source, "kimi-k2.6", Predicate.USES, technique)
        assert claim.status is Status.VERIFIED
        assert any(e.method in CONFIG_METHODS and e.source_kind.value == "primary" for e in claim.evidence)


def test_kimi_k26_at_1_6t_total_is_contradicted_by_its_config(article_store):
    store, source = article_store
    claim = _one(store, source, "kimi-k2.6", Predicate.TOTAL_PARAMETERS, value=1_600_000_000_000)
    assert claim.status is Status.CONTRADICTED
    assert "1.03T" in claim.reason and not any(e.supports for e in claim.evidence if e.source_kind.value == "primary")


def test_deepseek_v3_size_is_verified(article_store):
    store, source = article_store
    assert _one(store, source, "deepseek-v3", Predicate.TOTAL_PARAMETERS, value=671_000_000_000).status is Status.VERIFIED
    assert _one(store, source, "deepseek-v3", Predicate.ACTIVE_PARAMETERS, value=37_000_000_000).status is Status.VERIFIED


def test_scores_and_costs_are_unverified(article_store):
    store, source = article_store
    for predicate in (Predicate.BENCHMARK_SCORE, Predicate.API_COST_RATIO):
        claims = store.claims(predicate=predicate, source=source)
        assert len(claims) >= 5 and all(c.status is Status.UNVERIFIED for c in claims)


def test_muon_from_moonshot_is_contradicted_by_the_sourced_origin(article_store):
    store, source = article_store
    claim = _one(store, source, "muon", Predicate.INTRODUCED_BY, "moonshot-ai")
    assert claim.status is Status.CONTRADICTED
    assert "Keller Jordan" in claim.reason and "muonclip" in claim.reason


def test_deepseek_v4_uses_muon_is_reported_until_its_card_is_ingested(article_store, corpus, catalog, monkeypatch, tmp_path):
    store, source = article_store
    assert _one(store, source, "deepseek-v4-flash", Predicate.USES, "muon").status is Status.REPORTED
    server, _ = serve(corpus_repos(corpus))
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "cache"))
    try:
        ingest_hf(store, catalog, "deepseek-ai/DeepSeek-V4-Flash")
    finally:
        server.shutdown()
    first = verify(store, catalog)
    claim = _one(store, source, "deepseek-v4-flash", Predicate.USES, "muon")
    assert claim.status is Status.VERIFIED and claim.reason.startswith("[primary-source]")
    assert any(e.source == "card:deepseek-ai/DeepSeek-V4-Flash" for e in claim.evidence)
    again = verify(store, catalog)  # idempotent
    assert again.changed == 0 and again.by_status == first.by_status


def test_models_outside_the_catalog_are_flagged_not_dropped(article_store, catalog):
    from lineage.questions.claims import flags

    store, source = article_store
    unknown = [f for f in flags(store, catalog) if f.kind == "unknown-id" and f.source == source]
    assert {f.statement.split()[0] for f in unknown} >= {"gemma-4-31b", "qwen3.6-27b"}


@pytest.mark.parametrize(
    "content,message",
    [(b"", "is empty"), (b"\xff\xfe\x00", "is not UTF-8 text"), (b"x" * (3 * 1024 * 1024), "is 3.15 MB; lineage reads articles up to 2 MB")],
)
def test_bad_articles_are_refused(catalog, store, tmp_path, content, message):
    path = tmp_path / "a.txt"
    path.write_bytes(content)
    with pytest.raises(SourceFormatError, match=message):
        ingest_article(store, catalog, path)
    assert store.is_empty()


def test_html_articles_drop_scripts(catalog, store, tmp_path):
    path = tmp_path / "a.html"
    path.write_text("<html><script>window.x=1</script><p>DeepSeek-V3 adopts MLA for inference.</p></html>")
    ingest_article(store, catalog, path)
    (claim,) = store.claims(predicate=Predicate.USES)
    assert (claim.subject, claim.object) == ("deepseek-v3", "mla")
    assert "script" not in claim.evidence[0].snippet
