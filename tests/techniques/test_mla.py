"""MLA matches transformers' DeepseekV3Attention with the same weights, on both decode paths."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from lineage.techniques.mla import MLA, LatentCache, MLAConfig, rope_angles  # noqa: E402

# Tolerances.
# * Against transformers (float64 modules on both sides): transformers' DeepseekV3 layer still rounds
#   to float32 in three places whatever the module dtype (RMSNorm upcasts to float32 and back, the
#   rotary table is built in float32, eager attention's softmax runs in float32). Each costs at most
#   2^-24 ~ 6e-8 relative; with outputs |y| <= ~1 after the output projection they add up to ~1e-7
#   (measured 5e-8 to 8e-8 on AMD EPYC). VS_TRANSFORMERS = 1e-6 is ~16 float32 ulps at |y| ~ 1:
#   loose enough for any CPU's float32 rounding, while a real mistake (a rotary pair swapped, a
#   wrong scale, a missing norm) moves outputs by 1e-2 or more.
# * Ours against ours in float64: every step runs in float64 (rope table, RMSNorm and softmax
#   included), so only summation order differs (the absorbed path re-associates W_UK into the
#   query): ~n * 2^-53 * |x| ~ 1e-14 for these sizes. FLOAT64_ONLY = 1e-12 leaves ~100x headroom
#   and is 5 orders below what one float32 rounding anywhere would cost.
VS_TRANSFORMERS = dict(rtol=1e-6, atol=1e-6)
FLOAT64_ONLY = dict(rtol=1e-12, atol=1e-12)

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
    torch.testing.assert_close(got, expected, **VS_TRANSFORMERS)


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
        torch.testing.assert_close(got, expected, **VS_TRANSFORMERS)
    assert len(cache) == 9


def test_plain_and_absorbed_agree_in_float64():
    ours, _, _ = pair(seed=2)
    x = torch.randn(1, 6, TINY.hidden_size, dtype=torch.float64)
    torch.testing.assert_close(ours(x), ours(x, absorbed=True), **FLOAT64_ONLY)


def test_without_query_compression_matches_transformers():
    cfg = MLAConfig(**{**TINY.__dict__, "q_lora_rank": None})
    ours, ref, rotary = pair(cfg, seed=3)
    x = torch.randn(1, 5, cfg.hidden_size, dtype=torch.float64)
    torch.testing.assert_close(ours(x, absorbed=True), run_reference(ref, rotary, x, 0), **VS_TRANSFORMERS)


def test_cache_holds_only_the_latent_and_rotary_key():
    ours, _, _ = pair()
    cache = LatentCache()
    ours(torch.randn(1, 10, TINY.hidden_size, dtype=torch.float64), cache=cache)
    assert cache.nbytes() == 10 * (TINY.kv_lora_rank + TINY.qk_rope_head_dim) * 8


def test_float64_rope_table_is_float64_exact_for_a_sequence_and_one_position_at_a_time():
    """A float64 caller gets a table computed in float64, so a sequence and the same positions fed one
    by one agree to float64 rounding (a float32 table differed by ~6e-8 between the two on AMD)."""
    positions = torch.arange(0, 4096, 37)
    cos, sin = rope_angles(positions, 64, 10000.0, torch.float64)
    singles = [rope_angles(p[None], 64, 10000.0, torch.float64) for p in positions]
    # |angle| < 4096 rad: float64 angle rounding is 4096 * 2^-53 ~ 5e-13, cos/sin add 2^-53
    torch.testing.assert_close(cos, torch.cat([c for c, _ in singles]), rtol=0, atol=1e-12)
    torch.testing.assert_close(sin, torch.cat([s for _, s in singles]), rtol=0, atol=1e-12)
    exact = positions.double()[:, None] * (1.0 / 10000.0 ** (torch.arange(0, 64, 2).double() / 64))[None]
    torch.testing.assert_close(cos, exact.cos(), rtol=0, atol=1e-12)


def test_float32_rope_table_matches_transformers_rotary_embedding():
    """Real use stays float32, computed the way transformers' DeepseekV3RotaryEmbedding does."""
    _, _, rotary = pair()
    positions = torch.arange(0, 512)
    cos_hf, sin_hf = rotary(torch.zeros(1, 1, dtype=torch.float32), positions[None])  # (1, T, d_r): two halves
    cos, sin = rope_angles(positions, TINY.qk_rope_head_dim, TINY.rope_theta)  # (T, d_r / 2)
    half = TINY.qk_rope_head_dim // 2
    assert cos.dtype == torch.float32
    # both float32: angles up to 511 rad carry 511 * 2^-24 ~ 3e-5 of rounding each, whichever kernel
    torch.testing.assert_close(cos, cos_hf[0, :, :half], rtol=0, atol=1e-4)
    torch.testing.assert_close(sin, sin_hf[0, :, half:], rtol=0, atol=1e-4)
