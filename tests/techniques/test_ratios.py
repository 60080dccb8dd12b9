"""Efficiency ratios a card states, checked by measurement from both models' configs (issue 17)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.domain import Method, Predicate, Status
from lineage.ingest.card import prepare_card, read_card
from lineage.measure import measure_ratio
from lineage.store import Store
from lineage.verify import verify
from lineage.verify_ratios import RATIO_TOLERANCE, judge_ratios

pytest.importorskip("torch", reason="the ratio formulas live in torch modules (the 'techniques' extra)")

CARD = "---\nlicense: mit\n---\n# A card\n\n{}\n"
RATIOS = (Predicate.INFERENCE_FLOPS_RATIO, Predicate.KV_CACHE_RATIO)


def _ratios(text: str, catalog, repo: str = "deepseek-ai/DeepSeek-V4-Pro") -> dict[Predicate, object]:
    claims = judge_ratios(read_card(text, repo, catalog).claims)
    return {c.predicate: c for c in claims if c.predicate in RATIOS}


def test_the_v4_card_flops_and_kv_claims_are_verified_by_measurement(corpus, catalog):
    text = (corpus / "hf" / "deepseek-ai__DeepSeek-V4-Flash" / "README.md").read_text(encoding="utf-8")
    claims = judge_ratios(read_card(text, "deepseek-ai/DeepSeek-V4-Flash", catalog).claims)
    found = {c.predicate: c for c in claims if c.predicate in RATIOS and c.subject == "deepseek-v4-pro"}
    flops, kv = found[Predicate.INFERENCE_FLOPS_RATIO], found[Predicate.KV_CACHE_RATIO]
    assert (flops.value, kv.value) == (0.27, 0.1)
    for c in (flops, kv):
        assert c.qualifiers["baseline"] == "deepseek-v3.2" and c.qualifiers["context_tokens"] == str(2**20)
        assert c.status is Status.VERIFIED, c.reason
        assert c.evidence[0].method is Method.CARD and c.evidence[-1].method is Method.MEASUREMENT
    assert "measured 26.1%" in flops.reason and "flops_per_token" in flops.evidence[-1].locator
    assert "measured 11.5% (BF16 KV for both; same in FP8)" in kv.reason
    assert "FP8 KV vs BF16 KV" in kv.evidence[-1].snippet  # every precision reading is shown


def test_measured_ratio_is_the_quotient_of_the_two_models_formulas():
    from lineage.measure import v4_vs_v32_at

    expected = v4_vs_v32_at(2**20)
    flops = measure_ratio(Predicate.INFERENCE_FLOPS_RATIO, "deepseek-v4-pro", "deepseek-v3.2", 2**20)
    kv = measure_ratio(Predicate.KV_CACHE_RATIO, "deepseek-v4-pro", "deepseek-v3.2", 2**20)
    assert flops.readings[0].ratio == pytest.approx(expected["flops_ratio"])
    assert kv.readings[0].ratio == pytest.approx(expected["kv_ratio"])
    assert kv.readings[1].ratio == pytest.approx(expected["kv_ratio"] / 2)  # V4 in FP8 against V3.2 in BF16


def test_a_ratio_far_from_the_measurement_is_contradicted_and_a_close_one_verified(catalog):
    sentence = "At a 1M-token context, DeepSeek-V4-Pro needs 60% of DeepSeek-V3.2's single-token inference FLOPs and 12% of its KV cache."
    found = _ratios(CARD.format(sentence), catalog)
    flops, kv = found[Predicate.INFERENCE_FLOPS_RATIO], found[Predicate.KV_CACHE_RATIO]
    assert flops.status is Status.CONTRADICTED and "stated 60%, measured 26.1%" in flops.reason
    assert flops.evidence[-1].supports is False
    assert kv.status is Status.VERIFIED and kv.qualifiers["baseline"] == "deepseek-v3.2"


def test_a_ratio_just_beyond_the_tolerance_stays_reported_with_both_numbers(catalog):
    measured = measure_ratio(Predicate.INFERENCE_FLOPS_RATIO, "deepseek-v4-pro", "deepseek-v3.2", 128 * 1024).readings[0].ratio
    stated = measured * (1 + 1.5 * RATIO_TOLERANCE)  # at 128K tokens V4-Pro needs about 55% of V3.2's FLOPs
    sentence = f"With 128K tokens of context DeepSeek-V4-Pro uses {stated:.0%} of the FLOPs compared with DeepSeek-V3.2."
    (flops,) = _ratios(CARD.format(sentence), catalog).values()
    assert flops.status is Status.REPORTED
    assert flops.qualifiers["context_tokens"] == str(128 * 1024)
    assert f"stated {stated:.0%}, measured {measured:.1%}" in flops.reason and "beyond the 20% tolerance" in flops.reason


def test_a_ratio_without_a_context_length_or_a_formula_is_reported_unmeasured(catalog):
    no_context = _ratios(CARD.format("DeepSeek-V4-Pro needs 30% of DeepSeek-V3.2's KV cache."), catalog)
    assert no_context[Predicate.KV_CACHE_RATIO].status is Status.REPORTED
    assert no_context[Predicate.KV_CACHE_RATIO].reason.startswith("[no-measurement] ")
    no_formula = _ratios(CARD.format("At 1M tokens DeepSeek-V4-Pro needs 30% of DeepSeek-V3's single-token FLOPs."), catalog)
    assert "no formula in lineage/techniques models both deepseek-v4-pro and deepseek-v3" in (
        no_formula[Predicate.INFERENCE_FLOPS_RATIO].reason)


def test_a_sentence_with_one_model_states_no_ratio(catalog):
    assert _ratios(CARD.format("At 1M tokens DeepSeek-V4-Pro needs 30% of the KV cache."), catalog) == {}


def test_lineage_why_shows_the_measured_ratio_and_verdict(catalog, tmp_path):
    card = tmp_path / "README.md"
    card.write_text(CARD.format("At a 1M-token context, DeepSeek-V4-Pro needs 60% of DeepSeek-V3.2's single-token "
                                "inference FLOPs and 10% of its KV cache."))
    with Store(tmp_path / "store") as st:
        written, _ = prepare_card(catalog, "deepseek-ai/DeepSeek-V4-Pro", card, None)
        st.replace_sources(written)
        report = verify(st, catalog)  # idempotent on a card already judged at ingest
        assert report.changed == 0 and report.by_status == {"verified": 1, "contradicted": 1}
    result = CliRunner().invoke(app, ["claims", "--why", "deepseek-v4-pro inferenceFlopsRatio", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "deepseek-v4-pro inferenceFlopsRatio 60%"
    assert lines[1] == "  status: contradicted"
    assert lines[2].startswith("  reason: [measured] stated 60%, measured 26.1% (matmul FLOPs")
    assert lines[-1].startswith("  - [against, primary, measurement] measurement:ratios lineage/techniques/deepseek_v4_attention.py "
                                "flops_per_token(deepseek-ai__DeepSeek-V4-Pro.json | deepseek-ai__DeepSeek-V3.2.json, tokens=1048576)")
    missing = CliRunner().invoke(app, ["claims", "--why", "deepseek-v4-pro kvCacheRatios", "--store", str(tmp_path / "store")])
    assert missing.exit_code == 2
    assert missing.output.strip() == ('Error: predicate "kvCacheRatios" not found. Did you mean "kvCacheRatio"?')


def test_a_measurement_is_kept_in_the_cache_and_read_back_until_its_inputs_change(tmp_path, monkeypatch):
    import json

    from lineage.measure import measure_afresh

    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path))
    args = (Predicate.KV_CACHE_RATIO, "deepseek-v4-pro", "deepseek-v3.2", 2**20)
    fresh = measure_afresh(*args)
    assert measure_ratio(*args) == fresh
    (kept,) = (tmp_path / "ratios").glob("*.json")
    data = json.loads(kept.read_text())
    kept.write_text(json.dumps(data | {"formula": "read back"}))
    assert measure_ratio(*args).formula == "read back"  # not measured again
    kept.write_text("{")  # unreadable: measured again and kept
    assert measure_ratio(*args) == fresh and json.loads(kept.read_text()) == data
    assert measure_ratio(args[0], args[1], args[2], 2**17) != fresh  # other inputs: another entry
    assert len(list((tmp_path / "ratios").glob("*.json"))) == 2


def test_a_verdict_measured_from_the_same_inputs_stands_without_measuring_again(catalog, tmp_path, monkeypatch):
    sentence = "At a 1M-token context, DeepSeek-V4-Pro needs 60% of DeepSeek-V3.2's single-token inference FLOPs."
    (flops,) = _ratios(CARD.format(sentence), catalog).values()
    measured = flops.evidence[-1]
    assert measured.method is Method.MEASUREMENT and measured.revision.startswith("sha256:")
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path))  # an empty cache: a measurement would be written here
    (again,) = judge_ratios([flops])
    assert (again.status, again.reason, again.evidence) == (flops.status, flops.reason, flops.evidence)
    assert not (tmp_path / "ratios").exists()
    (restated,) = judge_ratios([flops.model_copy(update={"value": 0.27})])  # another stated value: measured
    assert restated.status is Status.VERIFIED and "stated 27%, measured 26.1%" in restated.reason
    assert restated.evidence[-1].revision != measured.revision and (tmp_path / "ratios").is_dir()
