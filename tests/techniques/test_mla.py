"""MLA matches transformers' DeepseekV3Attention with the same weights, on both decode paths."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from lineage.techniques.mla import MLA, LatentCache, MLAConfig  # noqa: E402

TINY = MLAConfig(
    hidden_size=64, num_heads=4, q_lora_rank=32, kv_lora_rank=16, qk_nope_head_dim=8, qk_rope_head_dim=4,
    v_head_dim=6, rope_theta=10000.0,
)


def reference(cfg: MLAConfig):
    """transformers' attention layer and its rotary embedding for the same shapes."""
    from transformers import DeepseekV3Config
    from transformers.models.deepseek_v3.modeling_deepseek_v3 import DeepseekV3Attention, DeepseekV3RotaryEmbedding

    hf = DeepseekV3Config(
        vocab_size=32, hidden_size=cfg.hidden_size, num_attention_heads=cfg.num_heads,
        num_key_value_heads=cfg.num_heads, q_lora_rank=cfg.q_lora_rank, kv_lora_rank=cfg.kv_lora_rank,
        qk_nope_head_dim=cfg.qk_nope_head_dim, qk_rope_head_dim=cfg.qk_rope_head_dim, v_head_dim=cfg.v_head_dim,
        rope_interleave=True, rms_norm_eps=cfg.rms_norm_eps, num_hidden_layers=1,
    )
    hf._attn_implementation = "eager"
    hf.rope_parameters = {"rope_type": "default", "rope_theta": cfg.rope_theta}
    return DeepseekV3Attention(hf, layer_idx=0).double(), DeepseekV3RotaryEmbedding(hf)


def run_reference(attn, rotary, x, start, cache=None):
    b, s, _ = x.shape
    positions = torch.arange(start, start + s)[None].expand(b, -1)
    cos, sin = rotary(x, positions)
    t = start + s
    mask = torch.zeros(b, 1, s, t, dtype=x.dtype)
    mask = mask.masked_fill(torch.arange(t)[None, :] > positions[0][:, None], float("-inf"))
    return attn(x, (cos, sin), mask, past_key_values=cache)[0]


def pair(cfg=TINY, seed=0):
    torch.manual_seed(seed)
    ref, rotary = reference(cfg)
    for p in ref.parameters():
        torch.nn.init.normal_(p, std=0.3)
    ours = MLA(cfg).double()
    missing = ours.load_state_dict(ref.state_dict(), strict=False)
    assert not missing.missing_keys and not missing.unexpected_keys
    return ours, ref, rotary


@pytest.mark.parametrize("absorbed", [False, True], ids=["plain", "absorbed"])
def test_prefill_matches_transformers(absorbed):
    ours, ref, rotary = pair()
    x = torch.randn(2, 7, TINY.hidden_size, dtype=torch.float64)
    expected = run_reference(ref, rotary, x, 0)
    got = ours(x, absorbed=absorbed)
    torch.testing.assert_close(got, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("absorbed", [False, True], ids=["plain", "absorbed"])
def test_cached_decode_matches_transformers(absorbed):
    from transformers.cache_utils import DynamicCache

    ours, ref, rotary = pair(seed=1)
    x = torch.randn(2, 9, TINY.hidden_size, dtype=torch.float64)
    hf_cache, cache = DynamicCache(), LatentCache()
    run_reference(ref, rotary, x[:, :5], 0, hf_cache)
    ours(x[:, :5], 0, cache, absorbed=absorbed)
    for t in range(5, 9):  # one token at a time over the cache
        expected = run_reference(ref, rotary, x[:, t : t + 1], t, hf_cache)
        got = ours(x[:, t : t + 1], t, cache, absorbed=absorbed)
        torch.testing.assert_close(got, expected, rtol=1e-6, atol=1e-6)
    assert len(cache) == 9


def test_plain_and_absorbed_agree_in_float64():
    ours, _, _ = pair(seed=2)
    x = torch.randn(1, 6, TINY.hidden_size, dtype=torch.float64)
    torch.testing.assert_close(ours(x), ours(x, absorbed=True), rtol=1e-12, atol=1e-12)


def test_without_query_compression_matches_transformers():
    cfg = MLAConfig(**{**TINY.__dict__, "q_lora_rank": None})
    ours, ref, rotary = pair(cfg, seed=3)
    x = torch.randn(1, 5, cfg.hidden_size, dtype=torch.float64)
    torch.testing.assert_close(ours(x, absorbed=True), run_reference(ref, rotary, x, 0), rtol=1e-6, atol=1e-6)


def test_cache_holds_only_the_latent_and_rotary_key():
    ours, _, _ = pair()
    cache = LatentCache()
    ours(torch.randn(1, 10, TINY.hidden_size, dtype=torch.float64), cache=cache)
    assert cache.nbytes() == 10 * (TINY.kv_lora_rank + TINY.qk_rope_head_dim) * 8
