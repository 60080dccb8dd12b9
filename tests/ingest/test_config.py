"""Config ingestion: what each real config shows, and how bad input is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineage.catalog.config_sources import bundled_configs, bundled_dir
from lineage.configfile.read import read_config
from lineage.domain import Predicate, Status
from lineage.errors import SourceFormatError
from lineage.ingest.config import ingest_config
from lineage.ingest.config.detect import findings_for

# Techniques each config shows, checked by hand against the raw JSON values
# (e.g. DeepSeek-V3: kv_lora_rank 512, n_group 8, topk_method noaux_tc,
# num_nextn_predict_layers 1, rope_scaling.type yarn, quant_method fp8; experts of 2048 beside a dense
# FFN of 18432 plus a shared expert: fine-grained experts and DeepSeekMoE).
EXPECTED = {
    "deepseek-ai__DeepSeek-V3.json": {
        "mla", "decoupled-rope", "rope", "yarn", "moe", "shared-experts", "fine-grained-experts", "deepseekmoe", "group-limited-routing",
        "aux-loss-free-balancing", "mtp", "fp8-quantization",
    },
    "deepseek-ai__DeepSeek-V3-inference-config_671B.json": {
        # inference format: no topk_method, no MTP and no rope_scaling keys, so none of those are claimed
        "mla", "decoupled-rope", "rope", "moe", "shared-experts", "fine-grained-experts", "deepseekmoe", "group-limited-routing", "fp8-quantization",
    },
    "deepseek-ai__DeepSeek-V3.2.json": {
        "mla", "decoupled-rope", "rope", "yarn", "moe", "shared-experts", "fine-grained-experts", "deepseekmoe", "group-limited-routing",
        "aux-loss-free-balancing", "mtp", "fp8-quantization", "dsa",
    },
    "deepseek-ai__DeepSeek-V4-Pro.json": {
        # no kv_lora_rank: not MLA; one KV head; compress_ratios + index_topk; hc_mult 4 with Sinkhorn
        # compress ratios of 128 beside the 4s: heavily compressed attention layers
        "mqa", "compressed-sparse-attention", "heavily-compressed-attention", "sliding-window-attention", "rope", "yarn", "moe",
        "shared-experts", "fine-grained-experts", "deepseekmoe", "aux-loss-free-balancing", "hash-routing", "mtp", "hyper-connections", "mhc",
        "fp8-quantization", "fp4-quantization",
    },
    "moonshotai__Kimi-K2-Instruct.json": {
        # n_group 1: no group-limited routing; num_nextn_predict_layers 0: no MTP module shipped
        "mla", "decoupled-rope", "rope", "yarn", "moe", "shared-experts", "fine-grained-experts", "deepseekmoe", "aux-loss-free-balancing",
        "fp8-quantization",
    },
    "moonshotai__Kimi-K2.5.json": {
        "mla", "decoupled-rope", "rope", "yarn", "moe", "shared-experts", "fine-grained-experts", "deepseekmoe", "aux-loss-free-balancing",
    },
    "moonshotai__Kimi-K3.json": {
        # mla_use_nope: the MLA layers carry no RoPE
        "mla", "kda", "linear-attention", "hybrid-attention", "gated-attention", "moe", "shared-experts", "fine-grained-experts", "deepseekmoe",
        "aux-loss-free-balancing", "fp4-quantization",
    },
    "zai-org__GLM-5.json": {
        "mla", "decoupled-rope", "rope", "dsa", "moe", "shared-experts", "fine-grained-experts", "deepseekmoe", "aux-loss-free-balancing", "mtp",
    },
    "Qwen__Qwen3-235B-A22B.json": {"gqa", "rope", "moe", "fine-grained-experts"},
    "Qwen__Qwen3.5-397B-A17B.json": {
        "gqa", "rope", "moe", "shared-experts", "fine-grained-experts", "deepseekmoe", "linear-attention", "hybrid-attention", "gated-deltanet",
        "gated-attention", "mtp",
    },
    "XiaomiMiMo__MiMo-7B-Base.json": {"gqa", "rope", "mtp"},  # sliding_window set but use_sliding_window false
    "openai__gpt-oss-120b.json": {"gqa", "rope", "yarn", "moe", "sliding-window-attention", "fp4-quantization"},
    "MiniMaxAI__MiniMax-M2.5.json": {"gqa", "rope", "moe", "aux-loss-free-balancing", "mtp", "qk-norm", "fp8-quantization"},
}


def techniques_in(path: Path) -> set[str]:
    cfg, _ = read_config(path)
    return {f.object for f in findings_for(cfg, path.name) if f.predicate is Predicate.USES}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detected_techniques_match_hand_checked_values(corpus, name):
    assert techniques_in(corpus / "configs" / name) == EXPECTED[name]


def test_every_corpus_config_ingests(corpus, catalog, store):
    bundled = {s.sha256: s for s in bundled_configs()}
    paths = sorted((corpus / "configs").glob("*.json"))
    assert len(paths) >= 24
    reports = ingest_config(store, catalog, paths)
    assert [r.model for r in reports] == [bundled[_sha(p)].model for p in paths]
    assert all(r.claims > 5 for r in reports)
    assert len(store.sources()) == len(paths)


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_deepseek_v4_is_not_claimed_to_use_mla(corpus):
    for name in ("deepseek-ai__DeepSeek-V4-Pro.json", "deepseek-ai__DeepSeek-V4-Flash.json"):
        assert "mla" not in techniques_in(corpus / "configs" / name)


def test_claim_evidence_quotes_the_config_key(catalog, store):
    path = bundled_dir() / "deepseek-ai__DeepSeek-V3.json"
    ingest_config(store, catalog, [path])
    (mla,) = store.claims(subject="deepseek-v3", predicate=Predicate.USES, object="mla")
    ev = mla.evidence[0]
    keys = "deepseek-ai__DeepSeek-V3.json#/kv_lora_rank,q_lora_rank,qk_rope_head_dim,qk_nope_head_dim"
    if ev.method.value == "meta-device":  # read through transformers' modules: the keys and the module path
        assert ev.locator == keys + " (module model.layers.0.self_attn.kv_a_proj_with_mqa)"
        assert ev.snippet.startswith("kv_lora_rank = 512; q_lora_rank = 1536")
        assert "-> DeepseekV3ForCausalLM model.layers.0.self_attn.kv_a_proj_with_mqa" in ev.snippet
    else:  # key rules (transformers or torch not installed)
        assert ev.locator == keys
        assert ev.snippet.startswith("kv_lora_rank = 512; q_lora_rank = 1536")
    assert ev.source_kind.value == "primary"
    assert ev.revision == "095f58a51c4ca8e61b66ec108d86f223f8d559ce"
    assert mla.status is Status.VERIFIED


def test_a_quantized_derivative_speaks_for_the_architecture_but_not_the_encoding(catalog, store):
    path = bundled_dir() / "nvidia__Kimi-K2.6-NVFP4.json"
    (report,) = ingest_config(store, catalog, [path])
    assert report.model == "kimi-k2.6" and report.status is Status.VERIFIED
    assert "mla" in report.techniques
    assert "fp4-quantization" not in report.techniques
    assert any("fp4-quantization" in s for s in report.skipped)
    (mla,) = store.claims(subject="kimi-k2.6", object="mla")
    assert mla.reason.startswith("architecture key kept unchanged in nvidia's quantized derivative: ")


def test_text_config_of_a_multimodal_wrapper_is_read(catalog, store):
    (report,) = ingest_config(store, catalog, [bundled_dir() / "moonshotai__Kimi-K2.5.json"])
    (mla,) = store.claims(subject="kimi-k2.5", object="mla")
    assert mla.evidence[0].snippet.startswith("text_config.kv_lora_rank = 512")
    archs = {c.value for c in store.claims(subject="kimi-k2.5", predicate=Predicate.ARCHITECTURE)}
    assert archs == {"KimiK25ForConditionalGeneration", "DeepseekV3ForCausalLM"}


def test_reingesting_a_config_replaces_its_graph_without_duplicates(catalog, store):
    path = bundled_dir() / "zai-org__GLM-5.json"
    ingest_config(store, catalog, [path])
    first_claims = sorted(c.ref for c in store.claims())
    first_size = len(store)
    ingest_config(store, catalog, [path])
    assert sorted(c.ref for c in store.claims()) == first_claims
    assert len(store) == first_size


# --------------------------------------------------------------------------- bad input


def _write(tmp_path, name, content) -> Path:
    p = tmp_path / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return p


GOOD = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "num_hidden_layers": 2,
        "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2}

BAD = {
    "invalid-json": ('{"model_type": "llama",', "is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
    "array": ("[1, 2]", "holds a JSON list, expected an object"),
    "wrong-type": (json.dumps({**GOOD, "kv_lora_rank": "512"}), 'key "kv_lora_rank" should be a non-negative integer <= 1,048,576 (MAX_WIDTH), got str "512"'),
    "missing-keys": (json.dumps({"vocab_size": 10}), 'has neither "model_type" nor "architectures"'),
    "not-utf8": (b"\xff\xfe{}", "is not UTF-8 text"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_config_is_refused_with_one_line_and_store_unchanged(catalog, store, tmp_path, case):
    content, message = BAD[case]
    ingest_config(store, catalog, [bundled_dir() / "zai-org__GLM-5.json"])
    before = sorted(map(str, store.dataset.store._inner))
    bad = _write(tmp_path, f"{case}.json", content)
    good = _write(tmp_path, "good.json", json.dumps(GOOD))
    with pytest.raises(SourceFormatError) as err:
        ingest_config(store, catalog, [good, bad], model="llama-3.1-8b")
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert sorted(map(str, store.dataset.store._inner)) == before


def test_fifty_megabyte_file_is_refused_before_parsing(catalog, store, tmp_path):
    big = tmp_path / "huge.json"
    with big.open("wb") as fh:
        fh.write(b'{"pad": "')
        fh.write(b"x" * (50 * 1024 * 1024))
        fh.write(b'"}')
    with pytest.raises(SourceFormatError, match=r"is 52\.4 MB; model configs are a few kB"):
        ingest_config(store, catalog, [big], model="llama-3.1-8b")
    assert store.is_empty()


def test_an_estimated_mtp_size_is_not_claimed(catalog, store):
    (report,) = ingest_config(store, catalog, [bundled_dir() / "MiniMaxAI__MiniMax-M2.5.json"])
    assert report.parameters.mtp_estimated
    assert any(s.startswith("mtpParameters: ~") for s in report.skipped)
    assert store.claims(subject="minimax-m2.5", predicate=Predicate.MTP_PARAMETERS) == []
    assert len(store.claims(subject="minimax-m2.5", predicate=Predicate.TOTAL_PARAMETERS)) == 1
