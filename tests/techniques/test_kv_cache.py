"""KV-cache formulas agree with measured tensor bytes; DeepSeek-V3 caches 70,272 B/token in BF16."""

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from lineage.measure import kv_footprint  # noqa: E402
from lineage.techniques.kv_cache import (  # noqa: E402
    KVCache,
    LatentCache,
    SlidingWindowCache,
    gqa_bytes_per_token,
    measure,
    mha_bytes_per_token,
    mla_bytes_per_token,
    sliding_window_bytes,
)

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "seeds" / "sources" / "configs"
CORPUS = ROOT.parent / "shared" / "corpus" / "configs"


def test_deepseek_v3_caches_70272_bytes_per_token_57x_below_mha():
    fp = kv_footprint(json.loads((CONFIGS / "deepseek-ai__DeepSeek-V3.json").read_text()))
    assert fp.bytes_per_token == (512 + 64) * 61 * 2 == 70_272
    assert fp.mha_bytes_per_token == 2 * 128 * 128 * 61 * 2 == 3_997_696
    assert round(fp.ratio_vs_mha) == 57
    m = measure(fp, tokens=64)
    assert m.bytes_per_token == 70_272 and m.mha_bytes_per_token == 3_997_696
    assert m.bytes_at == m.formula_at == 64 * 70_272


def test_inference_format_config_reads_the_same():
    fp = kv_footprint(json.loads((CONFIGS / "deepseek-ai__DeepSeek-V3-inference-config_671B.json").read_text()))
    assert fp.bytes_per_token == 70_272


@pytest.mark.parametrize("heads,kv_heads,kind", [(8, 8, "mha"), (8, 2, "gqa"), (8, 1, "mqa")])
def test_mha_gqa_mqa_formula_equals_measured_bytes(heads, kv_heads, kind):
    cache = KVCache()
    for _ in range(5):
        cache.append(torch.zeros(2, kv_heads, 3, 16, dtype=torch.bfloat16), torch.zeros(2, kv_heads, 3, 16, dtype=torch.bfloat16))
    assert cache.nbytes() == 2 * 15 * gqa_bytes_per_token(kv_heads, 16)  # batch 2, 15 tokens
    fp = kv_footprint({"num_hidden_layers": 4, "num_attention_heads": heads, "num_key_value_heads": kv_heads, "head_dim": 16})
    assert fp.kind == kind and fp.bytes_per_token == 4 * gqa_bytes_per_token(kv_heads, 16)
    assert fp.mha_bytes_per_token == 4 * mha_bytes_per_token(heads, 16)
    assert measure(fp, tokens=32).bytes_per_token == fp.bytes_per_token


def test_mla_formula_equals_measured_bytes():
    cache = LatentCache()
    cache.append(torch.zeros(1, 10, 512, dtype=torch.bfloat16), torch.zeros(1, 10, 64, dtype=torch.bfloat16))
    assert cache.nbytes() == 10 * mla_bytes_per_token(512, 64) == 10 * 1152


def test_sliding_window_stops_growing_at_the_window():
    cache = SlidingWindowCache(window=8)
    sizes = []
    for _ in range(6):
        cache.append(torch.zeros(1, 2, 3, 4), torch.zeros(1, 2, 3, 4))
        sizes.append(cache.nbytes())
    per_token = gqa_bytes_per_token(2, 4, dtype_bytes=4)
    assert sizes == [sliding_window_bytes(per_token, 8, n) for n in (3, 6, 9, 12, 15, 18)]
    assert sizes[-1] == 8 * per_token


def test_gpt_oss_alternating_layers_split_into_full_and_window():
    cfg = {"num_hidden_layers": 4, "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 4,
           "sliding_window": 16, "layer_types": ["sliding_attention", "full_attention"] * 2}
    fp = kv_footprint(cfg)
    assert fp.bytes_per_token == 2 * gqa_bytes_per_token(2, 4)
    assert fp.window_bytes == 2 * 16 * gqa_bytes_per_token(2, 4)
    m = measure(fp, tokens=64)
    assert (m.bytes_per_token, m.bytes_at) == (fp.bytes_per_token, fp.bytes_at(64))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_every_corpus_config_formula_equals_measurement():
    for path in sorted(CORPUS.glob("*.json")):
        fp = kv_footprint(json.loads(path.read_text()), name=path.name)
        m = measure(fp, tokens=256)
        assert (m.bytes_per_token, m.bytes_at, m.mha_bytes_per_token) == (
            fp.bytes_per_token, fp.bytes_at(256), fp.mha_bytes_per_token), path.name
        assert fp.bytes_per_token < fp.mha_bytes_per_token, path.name
