"""Model cards through the real huggingface_hub client against a local Hub-like server."""

from __future__ import annotations

import pytest

from lineage.domain import Method, Predicate, SourceKind, Status
from lineage.errors import ExternalServiceError, SourceFormatError
from lineage.ingest.card import ingest_hf


def test_the_v4_card_says_deepseek_v4_uses_muon_pinned_to_its_commit(hub, catalog, store):
    report = ingest_hf(store, catalog, "deepseek-ai/DeepSeek-V4-Flash")
    assert report.commit == "60d8d70770c6776ff598c94bb586a859a38244f1"
    assert report.kind is SourceKind.PRIMARY and {"muon", "mhc"} <= set(report.uses)
    for model in ("deepseek-v4-flash", "deepseek-v4-pro"):  # a series card naming both models
        (muon,) = store.claims(subject=model, predicate=Predicate.USES, object="muon", source="card:deepseek-ai/DeepSeek-V4-Flash")
        assert muon.status is Status.VERIFIED
        assert muon.evidence[0].revision == report.commit and "Muon" in muon.evidence[0].snippet
    assert report.config_claims > 10  # config.json from the same repo, through the config ingestor
    assert any(h.startswith("HEAD /deepseek-ai/DeepSeek-V4-Flash/resolve/") for h in hub.requests)


def test_a_third_party_quantization_card_gives_a_typed_derivation(hub, catalog, store):
    report = ingest_hf(store, catalog, "unsloth/DeepSeek-V3-0324-GGUF")
    assert report.kind is SourceKind.SECONDARY
    (edge,) = store.claims(predicate=Predicate.DERIVED_FROM, source="card:unsloth/DeepSeek-V3-0324-GGUF")
    assert edge.object == "deepseek-v3-0324" and edge.qualifiers["relation"] == "quantized"
    assert edge.subject == "unsloth-deepseek-v3-0324-gguf"


def _repo(hub, tmp_path, name, text):
    folder = tmp_path / name.replace("/", "__")
    folder.mkdir()
    (folder / "README.md").write_text(text)
    hub.repos[name] = (folder, "0" * 40)


BAD_CARDS = {
    "broken-yaml": ("---\nlicense: [mit\n---\nhello", "has front matter that is not valid YAML at line"),
    "bad-base": ("---\nbase_model: not a repo id\n---\nhello", 'base_model "not a repo id" is not a repo id'),
}


def test_a_card_over_the_size_cap_is_refused_before_its_body_is_fetched(hub, catalog, store, tmp_path):
    _repo(hub, tmp_path, "someone/huge", "---\nlicense: mit\n---\n" + "x" * (10 * 1024 * 1024))
    with pytest.raises(ExternalServiceError) as err:
        ingest_hf(store, catalog, "someone/huge")
    assert str(err.value) == ("cannot fetch someone/huge/README.md from Hugging Face: larger than the 1 MB limit "
                              "for a card (LINEAGE_MAX_CARD_MB raises it)")
    assert not any(r.startswith("GET") and "README.md" in r for r in hub.requests)
    assert store.is_empty()


@pytest.mark.parametrize("case", sorted(BAD_CARDS))
def test_malformed_cards_give_one_line_and_write_nothing(hub, catalog, store, tmp_path, case):
    text, message = BAD_CARDS[case]
    _repo(hub, tmp_path, f"someone/{case}", text)
    with pytest.raises(SourceFormatError) as err:
        ingest_hf(store, catalog, f"someone/{case}")
    assert message in str(err.value) and "\n" not in str(err.value)
    assert store.is_empty()


def test_a_card_with_html_and_scripts_keeps_only_text(hub, catalog, store, tmp_path):
    _repo(hub, tmp_path, "someone/html-card", "---\nbase_model: deepseek-ai/DeepSeek-V3\n---\n"
          "<script>alert(1)</script><p>We fine-tune it on chat data.</p>")
    report = ingest_hf(store, catalog, "someone/html-card")
    assert report.derived_from == ["deepseek-v3 (finetune)"]
    assert "alert" not in store.serialize("ttl")


@pytest.mark.parametrize(
    "repo,behaviour,error,message",
    [
        ("nobody/missing", None, SourceFormatError, 'Hugging Face has no model repo "nobody/missing"'),
        ("deepseek-ai/DeepSeek-R1", "500", ExternalServiceError, "Hugging Face answered HTTP 500"),
        ("deepseek-ai/DeepSeek-R1", "drop", ExternalServiceError, "cannot fetch deepseek-ai/DeepSeek-R1/README.md"),
    ],
)
def test_hub_failures_are_one_line_errors(hub, catalog, store, repo, behaviour, error, message):
    """huggingface_hub retries 500s and dropped connections itself (about 20 s); then one line."""
    if behaviour:
        hub.behaviour[repo] = behaviour
    with pytest.raises(error, match=message) as err:
        ingest_hf(store, catalog, repo)
    assert "\n" not in str(err.value)
    assert store.is_empty()


def test_a_card_naming_an_older_sibling_credits_only_its_own_release(hub, catalog, store):
    """The V3.2-Exp card names DeepSeek-V3 as where it came from; DSA is V3.2-Exp's, never V3's."""
    report = ingest_hf(store, catalog, "deepseek-ai/DeepSeek-V3.2-Exp")
    assert "dsa" in report.uses
    (dsa,) = store.claims(subject="deepseek-v3.2-exp", predicate=Predicate.USES, object="dsa")
    assert dsa.status is Status.VERIFIED
    assert [c for c in store.claims(predicate=Predicate.USES) if c.subject != "deepseek-v3.2-exp"] == []


def test_a_card_naming_a_technique_only_in_a_feature_bullet_makes_its_model_a_user(hub, catalog, built_copy):
    from lineage.questions.who_uses import who_uses
    from lineage.store import Store

    s = Store(built_copy)
    try:
        ingest_hf(s, catalog, "moonshotai/Kimi-K2-Instruct")
        (claim,) = s.claims(subject="kimi-k2", predicate=Predicate.USES, object="muonclip", source="card:moonshotai/Kimi-K2-Instruct")
        assert claim.status is Status.VERIFIED and claim.evidence[0].locator == "README.md line 34"
        assert "kimi-k2" in {r.model for r in who_uses(s, catalog, "muonclip").rows}
    finally:
        s.close()


def test_card_evidence_cites_the_file_line_of_its_sentence(hub, catalog, store, corpus):
    ingest_hf(store, catalog, "deepseek-ai/DeepSeek-V4-Flash")
    (muon,) = store.claims(subject="deepseek-v4-flash", predicate=Predicate.USES, object="muon", source="card:deepseek-ai/DeepSeek-V4-Flash")
    line = int(muon.evidence[0].locator.rsplit(" ", 1)[1])
    raw = (corpus / "hf" / "deepseek-ai__DeepSeek-V4-Flash" / "README.md").read_text().splitlines()[line - 1]
    assert "Muon optimizer" in raw and "Muon optimizer" in muon.evidence[0].snippet


def test_a_third_party_cards_new_model_is_discovered_and_survives_verify(store, catalog, tmp_path):
    from lineage.ingest.card import prepare_card
    from lineage.verify import verify

    card = tmp_path / "README.md"
    card.write_text("---\nbase_model: deepseek-ai/DeepSeek-V3\n---\n# A quantization\nSmaller weights.\n")
    written, report = prepare_card(catalog, "someone/DeepSeek-V3-Q4", card, "0" * 40)
    store.replace_sources(written)
    verify(store, catalog)
    found = {e.id: e for e in store.discovered_entities("card:someone/DeepSeek-V3-Q4")}
    assert report.model in found and found[report.model].curation == "discovered"
    assert found["someone"].kind == "organization"


# --------------------------------------------------------------------------- release month from the Hub


def test_a_discovered_models_month_is_the_month_the_hub_created_its_repo(hub, catalog, store):
    """The corpus card of a repo no catalog entry knows; the served creation date is test data."""
    hub.created["internlm/internlm3-8b-instruct"] = "2025-01-14T10:00:00.000Z"
    report = ingest_hf(store, catalog, "internlm/internlm3-8b-instruct")
    assert report.released == "2025-01"
    (model,) = [e for e in store.discovered_entities("card:internlm/internlm3-8b-instruct") if e.id == report.model]
    assert model.curation == "discovered" and model.released == "2025-01"
    (claim,) = store.claims(subject=report.model, predicate=Predicate.RELEASED)
    assert claim.value == "2025-01" and claim.status is Status.REPORTED
    (ev,) = claim.evidence
    assert (ev.source, ev.locator, ev.method) == ("card:internlm/internlm3-8b-instruct", "Hugging Face API: createdAt",
                                                 Method.METADATA)
    assert "2025-01-14" in ev.snippet
    assert "GET /api/models/internlm/internlm3-8b-instruct?expand=createdAt" in hub.requests


@pytest.mark.parametrize("failure", ["500", "drop", "no-date", "before-the-hub-kept-dates"])
def test_without_a_creation_date_from_the_hub_the_card_is_ingested_and_its_month_unknown(hub, catalog, store, failure):
    repo = "internlm/internlm3-8b-instruct"
    if failure in ("500", "drop"):
        hub.api_behaviour[repo] = failure
    elif failure == "before-the-hub-kept-dates":  # the floor the Hub gives every older repo
        hub.created[repo] = "2022-03-02T23:29:04.000Z"
    report = ingest_hf(store, catalog, repo)
    assert report.released is None and report.model == "internlm-internlm3-8b-instruct"
    assert store.source(f"card:{repo}") is not None
    assert [e.released for e in store.discovered_entities(f"card:{repo}") if e.kind == "model"] == [None]
    assert store.claims(predicate=Predicate.RELEASED) == []


def test_offline_the_card_comes_from_the_cache_and_the_hub_is_not_asked_for_a_month(hub, catalog, store, monkeypatch):
    repo = "internlm/internlm3-8b-instruct"
    hub.api_behaviour[repo] = "500"
    ingest_hf(store, catalog, repo)  # fills the download cache
    hub.created[repo], hub.api_behaviour[repo] = "2025-01-14T10:00:00.000Z", ""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub.requests.clear()
    report = ingest_hf(store, catalog, repo)  # the cache also knows the repo has no config.json
    assert report.released is None and report.model == "internlm-internlm3-8b-instruct"
    assert [e.released for e in store.discovered_entities(f"card:{repo}") if e.kind == "model"] == [None]
    assert hub.requests == []


def test_a_catalog_models_card_keeps_the_catalog_month_and_asks_the_hub_nothing(hub, catalog, store):
    hub.created["deepseek-ai/DeepSeek-V3.2-Exp"] = "2020-01-14T10:00:00.000Z"  # a month the catalog's contradicts
    report = ingest_hf(store, catalog, "deepseek-ai/DeepSeek-V3.2-Exp")
    assert report.model == "deepseek-v3.2-exp" and report.released is None
    assert report.model not in {e.id for e in store.discovered_entities()}
    assert store.claims(predicate=Predicate.RELEASED) == []
    assert not [r for r in hub.requests if r.startswith("GET /api/")]
    shown = catalog.with_discovered(store.discovered_entities()).get("deepseek-v3.2-exp")
    assert shown.released == catalog.get("deepseek-v3.2-exp").released == "2025-09"
