"""DeepSeek-V4 attention matches transformers' DeepseekV4Attention; its cache and FLOP formulas match measurements."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from lineage.measure import kv_bytes_at, v4_vs_v32_at  # noqa: E402
from lineage.techniques.deepseek_v4_attention import (  # noqa: E402
    V4Attention,
    V4AttentionConfig,
    V4Cache,
    flops_per_token,
    v4_layer_macs,
    v32_layer_macs,
)

# Tolerances.
# * Against transformers (float64 modules on both sides): DeepseekV4Attention rounds to float32 in
#   its RMSNorms, its rotary tables and rotation (``rope.float()``), its compressor softmax and its
#   indexer scores, whatever the module dtype. Each rounding costs 2^-24 ~ 6e-8 relative; a few
#   dozen chained through the projections give ~1e-6 at outputs |y| ~ 1 (measured on AMD EPYC:
#   1.3e-7 for the window-only layer, 1.0e-7 for CSA and HCA). VS_TRANSFORMERS = 1e-5 covers any CPU's float32 rounding; a wrong window, an entry
#   visible one token early, a missing sink or an un-rotated output moves outputs by 1e-2 or more.
#   The indexer's top-k is discrete: each test first checks that the k-th and (k+1)-th scores are
#   at least MARGIN apart, far above float32 rounding of scores |I| ~ 1, so both sides pick the same.
# * Ours against ours in float64 (decode vs one pass): the same sums in another order, ~1e-14.
VS_TRANSFORMERS = dict(rtol=1e-5, atol=1e-5)
FLOAT64_ONLY = dict(rtol=1e-10, atol=1e-10)
MARGIN = 1e-4

TYPES = {0: "sliding_attention", 4: "compressed_sparse_attention", 8: "heavily_compressed_attention"}
TINY = dict(hidden_size=32, num_heads=4, head_dim=16, rope_dim=4, q_lora_rank=16, o_groups=2, o_lora_rank=8, window=6,
            index_n_heads=3, index_head_dim=8, index_topk=3)


def cfg(ratio, **kw):
    return V4AttentionConfig(**{**TINY, "compress_ratio": ratio, **kw})


def reference(c: V4AttentionConfig):
    from transformers import DeepseekV4Config
    from transformers.models.deepseek_v4.modeling_deepseek_v4 import DeepseekV4Attention, DeepseekV4RotaryEmbedding

    hf = DeepseekV4Config(
        vocab_size=16, hidden_size=c.hidden_size, num_attention_heads=c.num_heads, head_dim=c.head_dim,
        qk_rope_head_dim=c.rope_dim, q_lora_rank=c.q_lora_rank, o_groups=c.o_groups, o_lora_rank=c.o_lora_rank,
        sliding_window=c.window, index_n_heads=c.index_n_heads, index_head_dim=c.index_head_dim, index_topk=c.index_topk,
        num_hidden_layers=1, layer_types=[TYPES[c.compress_ratio]], mlp_layer_types=["moe"],
        compress_rates={"compressed_sparse_attention": 4, "heavily_compressed_attention": 8},
        rope_theta=c.rope_theta, compress_rope_theta=c.compress_rope_theta, rms_norm_eps=c.rms_norm_eps,
    )
    hf._attn_implementation = "eager"
    return DeepseekV4Attention(hf, layer_idx=0).double(), DeepseekV4RotaryEmbedding(hf)


def pair(c, seed=0):
    torch.manual_seed(seed)
    ref, rotary = reference(c)
    for p in ref.parameters():
        torch.nn.init.normal_(p, std=0.3)
    ours = V4Attention(c).double()
    ours.load_state_dict(ref.state_dict())  # strict: every weight has the same name and shape
    return ours, ref, rotary


def run_reference(ref, rotary, x):
    b, s, _ = x.shape
    positions = torch.arange(s)[None].expand(b, -1)
    rope = {kind: rotary(x, positions, layer_type=kind) for kind in ("main", "compress")}
    distance = positions[0][:, None] - positions[0][None, :]
    mask = torch.zeros(b, 1, s, s, dtype=x.dtype).masked_fill((distance < 0) | (distance >= ref.sliding_window), float("-inf"))
    return ref(x, rope, positions, mask)[0]


def assert_top_k_is_clear(ours, x):
    """The top-k choice is far from a tie for every query, so float32 and float64 choose alike."""
    c = ours.cfg
    with torch.no_grad():
        c_q = ours.q_a_norm(ours.q_a_proj(x))
        scores = ours.index_scores(x, c_q, torch.arange(x.shape[1]), None).sort(dim=-1, descending=True).values
    k = c.index_topk
    kth, next_ = scores[..., k - 1], scores[..., k]
    ambiguous = torch.isfinite(next_) & ((kth - next_) < MARGIN)
    assert not ambiguous.any(), "seed gives a near-tie in the indexer's top-k; pick another"


@pytest.mark.parametrize("ratio", [0, 4, 8], ids=["sliding", "CSA", "HCA"])
def test_prefill_matches_transformers(ratio):
    c = cfg(ratio)
    ours, ref, rotary = pair(c)
    x = torch.randn(2, 26, c.hidden_size, dtype=torch.float64)  # 26 tokens: 6 CSA windows + 2, 3 HCA windows + 2
    if ratio == 4:
        assert_top_k_is_clear(ours, x)
    with torch.no_grad():
        torch.testing.assert_close(ours(x), run_reference(ref, rotary, x), **VS_TRANSFORMERS)


@pytest.mark.parametrize("ratio", [0, 4, 8], ids=["sliding", "CSA", "HCA"])
def test_decode_after_prefill_equals_one_pass(ratio):
    c = cfg(ratio)
    ours, _, _ = pair(c, seed=1)
    x = torch.randn(1, 26, c.hidden_size, dtype=torch.float64)
    if ratio == 4:
        assert_top_k_is_clear(ours, x)
    cache = V4Cache()
    with torch.no_grad():
        full = ours(x)
        steps = [ours(x[:, :13], 0, cache)] + [ours(x[:, t : t + 1], t, cache) for t in range(13, 26)]
    torch.testing.assert_close(torch.cat(steps, 1), full, **FLOAT64_ONLY)


def test_cache_bytes_match_the_formula():
    """A 3-layer model (window-only, CSA, HCA) fed 64 tokens: measured cache = kv_bytes_at (float64)."""
    layers = [V4Attention(cfg(m)).double() for m in (0, 4, 8)]
    caches = [V4Cache() for _ in layers]
    config = {"num_hidden_layers": 3, "num_attention_heads": 4, "head_dim": 16, "sliding_window": 6,
              "compress_ratios": [0, 4, 8], "index_head_dim": 8}
    x = torch.randn(1, 64, 32, dtype=torch.float64)
    with torch.no_grad():
        for layer, cache in zip(layers, caches):
            for t in range(0, 64, 16):
                layer(x[:, t : t + 16], t, cache)
    assert sum(c.nbytes() for c in caches) == kv_bytes_at(config, 64, dtype_bytes=8)
    assert max(c.scratch_nbytes() for c in caches) <= 2 * 8 * 2 * 2 * 16 * 8  # <= 2m tokens of (kv, gate), 2D wide


def test_layer_flops_match_a_flop_counter():
    """One decode step at context 33 counted by torch's FlopCounterMode equals v4_layer_macs (k >= entries)."""
    from torch.utils.flop_counter import FlopCounterMode

    config = {"hidden_size": 32, "num_attention_heads": 4, "head_dim": 16, "q_lora_rank": 16, "o_groups": 2,
              "o_lora_rank": 8, "sliding_window": 6, "index_n_heads": 3, "index_head_dim": 8, "index_topk": 64}
    for m in (0, 4, 8):
        layer, cache = V4Attention(cfg(m, index_topk=64)).double(), V4Cache()
        x = torch.randn(1, 33, 32, dtype=torch.float64)
        with torch.no_grad():
            layer(x[:, :32], 0, cache)
            with FlopCounterMode(display=False) as counter:
                layer(x[:, 32:], 32, cache)
        assert counter.get_total_flops() == 2 * v4_layer_macs(config, m, 33), m


def test_v32_layer_flops_match_a_flop_counter_on_dsa():
    from torch.utils.flop_counter import FlopCounterMode

    from lineage.techniques.dsa import DSA, DSAConfig
    from lineage.techniques.mla import LatentCache, MLAConfig

    m = MLAConfig(hidden_size=32, num_heads=4, q_lora_rank=16, kv_lora_rank=8, qk_nope_head_dim=8, qk_rope_head_dim=4, v_head_dim=8)
    layer, cache = DSA(DSAConfig(mla=m, index_n_heads=3, index_head_dim=8, index_topk=64)).double(), LatentCache()
    config = {"hidden_size": 32, "num_attention_heads": 4, "q_lora_rank": 16, "kv_lora_rank": 8, "qk_rope_head_dim": 4,
              "qk_nope_head_dim": 8, "v_head_dim": 8, "index_n_heads": 3, "index_head_dim": 8, "index_topk": 64}
    x = torch.randn(1, 33, 32, dtype=torch.float64)
    with torch.no_grad():
        layer(x[:, :32], 0, cache)
        with FlopCounterMode(display=False) as counter:
            layer(x[:, 32:], 32, cache)
    assert counter.get_total_flops() == 2 * v32_layer_macs(config, 33)


def test_v4_pro_vs_v32_at_1m_tokens_is_what_the_formulas_give():
    import json

    from lineage.catalog.config_sources import bundled_dir

    v4, v32 = (json.loads((bundled_dir() / n).read_text()) for n in ("deepseek-ai__DeepSeek-V4-Pro.json", "deepseek-ai__DeepSeek-V3.2.json"))
    r = v4_vs_v32_at(2**20)
    assert r["flops_ratio"] == flops_per_token(v4, 2**20)["total"] / flops_per_token(v32, 2**20)["total"]
    assert r["kv_ratio"] == kv_bytes_at(v4, 2**20) / kv_bytes_at(v32, 2**20)
    # the sliding window (61 x 128 x 512) is constant, so the KV ratio tends to the per-token growth ratio
    per_token_v4 = 30 * (512 / 4 + 128 / 4) + 31 * 512 / 128  # 30 CSA and 31 HCA layers of V4-Pro's first 61
    assert r["kv_ratio"] == pytest.approx(per_token_v4 / (61 * (512 + 64 + 128)), rel=2e-3)
    print(f"V4-Pro / V3.2 at 1M tokens: FLOPs {r['flops_ratio']:.1%}, KV cache {r['kv_ratio']:.1%}")
