"""A third party's quantization speaks about its base model; an instruction-tuned name names its base.

Configs here are minimal inventions (a Llama-style dense decoder); the corpus's NVIDIA NVFP4 configs
are checked in ``test_corpus_quantizations_land_on_their_base_models``.
"""

from __future__ import annotations

import json

import pytest

from lineage.domain import Claim, Evidence, Method, Predicate, SourceDocument, SourceKind, Status, utcnow
from lineage.ingest.config import ingest_config
from lineage.verify import verify_claims

DENSE = {"model_type": "llama", "hidden_size": 512, "num_hidden_layers": 4, "num_attention_heads": 8,
         "num_key_value_heads": 2, "intermediate_size": 1024, "vocab_size": 1000, "max_position_embeddings": 8192}
NVFP4 = {"quant_method": "modelopt", "quant_algo": "NVFP4"}


def _ingest(catalog, store, tmp_path, name, cfg):
    path = tmp_path / name
    path.write_text(json.dumps(cfg))
    (report,) = ingest_config(store, catalog, [path])
    return report


def test_a_quantized_copy_describes_the_base_model_not_a_model_named_after_it(catalog, store, tmp_path):
    report = _ingest(catalog, store, tmp_path, "quantlab__Orca-9-7B-NVFP4.json", DENSE | {"quantization_config": NVFP4})
    assert report.model == "orca-9-7b" and report.discovered
    claims = store.claims(source=report.source)
    # every architecture claim is about the base; the copy only derives from it
    assert {c.subject for c in claims if c.predicate is not Predicate.DERIVED_FROM} == {"orca-9-7b"}
    (derived,) = [c for c in claims if c.predicate is Predicate.DERIVED_FROM]
    assert (derived.subject, derived.object, derived.qualifiers, derived.status) == (
        "quantlab-orca-9-7b-nvfp4", "orca-9-7b", {"relation": "quantized"}, Status.VERIFIED)
    assert [e.locator for e in derived.evidence] == ["quantlab__Orca-9-7B-NVFP4.json#/quantization_config", "repo name"]
    found = {e.id: e for e in store.discovered_entities(report.source)}
    assert found["orca-9-7b"].organization is None  # the quantizer is not the base model's lab
    copy = found["quantlab-orca-9-7b-nvfp4"]  # the copy is a model of its quantizer's
    assert (copy.organization, copy.hf_repo) == ("quantlab", "quantlab/Orca-9-7B-NVFP4")
    assert any("describes the derivative's own encoding" in s for s in report.skipped)


def test_the_name_alone_makes_a_reported_copy_the_quantization_config_alone_does_not(catalog, store, tmp_path):
    gptq = _ingest(catalog, store, tmp_path, "TheLoke__Orca-9-7B-Chat-GPTQ.json", DENSE)  # settings in a sibling file
    assert gptq.model == "orca-9-7b-chat"
    (derived,) = store.claims(subject="theloke-orca-9-7b-chat-gptq", predicate=Predicate.DERIVED_FROM)
    assert derived.object == "orca-9-7b-chat" and derived.status is Status.REPORTED
    assert [e.method for e in derived.evidence] == [Method.METADATA]
    quantized = DENSE | {"quantization_config": NVFP4}
    own = _ingest(catalog, store, tmp_path, "lab__Orca-9-7B.json", quantized)  # the lab's checkpoint stored in FP4
    assert own.model == "orca-9-7b" and not store.claims(source=own.source, predicate=Predicate.DERIVED_FROM)


def test_a_sibling_quantization_file_states_what_the_name_suggests(catalog, store, tmp_path):
    folder = tmp_path / "TheLoke__Orca-9-7B-GPTQ"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(DENSE))
    (folder / "quantize_config.json").write_text(json.dumps({"bits": 4, "group_size": 128, "desc_act": False}))
    (report,) = ingest_config(store, catalog, [folder / "config.json"])
    assert report.model == "orca-9-7b"
    (derived,) = store.claims(subject="theloke-orca-9-7b-gptq", predicate=Predicate.DERIVED_FROM)
    assert derived.status is Status.VERIFIED
    assert derived.evidence[0].locator == "quantize_config.json (beside config.json)"
    assert "bits = 4" in derived.evidence[0].snippet


def test_a_catalog_models_quantization_lands_on_the_catalog_model(catalog, store, tmp_path):
    report = _ingest(catalog, store, tmp_path, "someone__DeepSeek-V3-AWQ.json", DENSE | {"quantization_config": {"quant_method": "awq"}})
    assert report.model == "deepseek-v3" and not report.discovered


def _article_claim(subject, predicate, value, unit):
    doc = SourceDocument(id="article:test", title="t", kind=SourceKind.SECONDARY, format="article")
    ev = Evidence(source=doc.id, revision="r", source_kind=SourceKind.SECONDARY, locator="line 1", snippet="s",
                  method=Method.TEXT, retrieved_at=utcnow())
    return Claim(subject=subject, predicate=predicate, value=value, unit=unit, status=Status.UNVERIFIED,
                 reason="stated by the article", evidence=(ev,))


def test_an_instruction_tuned_release_names_its_base_and_vouches_for_its_size_only(catalog, store, tmp_path):
    report = _ingest(catalog, store, tmp_path, "quantlab__Orca-9-7B-IT-NVFP4.json", DENSE | {"quantization_config": NVFP4})
    assert report.model == "orca-9-7b-it"
    (derived,) = store.claims(subject="orca-9-7b-it", predicate=Predicate.DERIVED_FROM)
    assert derived.object == "orca-9-7b" and derived.status is Status.REPORTED
    assert "orca-9-7b" in {e.id for e in store.discovered_entities(report.source)}
    (total,) = store.claims(subject="orca-9-7b-it", predicate=Predicate.TOTAL_PARAMETERS)

    from lineage.catalog import Catalog

    overlay = catalog.with_discovered(store.discovered_entities(report.source))
    assert isinstance(overlay, Catalog)
    right, wrong, longer, exact = verify_claims(store, overlay, [
        _article_claim("orca-9-7b", Predicate.TOTAL_PARAMETERS, total.value, "parameters"),
        _article_claim("orca-9-7b", Predicate.TOTAL_PARAMETERS, total.value * 3, "parameters"),
        _article_claim("orca-9-7b", Predicate.CONTEXT_LENGTH, 4096, "tokens"),
        _article_claim("orca-9-7b", Predicate.CONTEXT_LENGTH, 8192, "tokens"),
    ])
    assert right.status is Status.VERIFIED and "instruction-tuned release orca-9-7b-it" in right.reason
    assert wrong.status is Status.CONTRADICTED
    # fine-tuning may change the context window: only an exact figure verifies, nothing contradicts
    assert longer.status is Status.REPORTED and exact.status is Status.VERIFIED


@pytest.mark.parametrize("name, base", [("nvidia__Gemma-4-31B-IT-NVFP4.json", "gemma-4-31b-it"),
                                        ("nvidia__Qwen3.6-27B-NVFP4.json", "qwen3.6-27b")])
def test_corpus_quantizations_land_on_their_base_models(catalog, store, corpus, name, base):
    (report,) = ingest_config(store, catalog, [corpus / "new" / "configs" / name])
    assert report.model == base and report.parameters.total is not None
    assert "nvidia" not in {e.id for e in store.discovered_entities(report.source)}


def test_the_publishers_own_config_after_a_quantized_copy_is_the_same_model_with_its_lab(catalog, store, tmp_path):
    from lineage.questions.listing import models

    _ingest(catalog, store, tmp_path, "quantlab__Orca-9-7B-NVFP4.json", DENSE | {"quantization_config": NVFP4})
    overlay = catalog.with_discovered(store.discovered_entities())
    own = _ingest(overlay, store, tmp_path, "orcalab__Orca-9-7B.json", DENSE | {"max_position_embeddings": 4096})
    assert own.model == "orca-9-7b"  # not "orcalab-orca-9-7b"
    (row,) = [m for m in models(store, catalog.with_discovered(store.discovered_entities())) if m.id.endswith("orca-9-7b")]
    assert (row.id, row.organization, row.hf_repo) == ("orca-9-7b", "orcalab", "orcalab/Orca-9-7B")
    # the two configs disagree on the context length: rewriting the first for the dispute keeps its discovery
    assert "orca-9-7b" in {e.id for e in store.discovered_entities("config:orca-9-7b/quantlab__Orca-9-7B-NVFP4.json")}
    assert own.disputed
