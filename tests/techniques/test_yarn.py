"""YaRN's frequencies and attention factor match transformers' yarn RoPE init for the same config."""

import math

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.yarn import YaRNConfig, YaRNRotaryEmbedding, attention_factor, correction_range, yarn_inv_freq  # noqa: E402

# Tolerances.
# * inv_freq against transformers: transformers builds the table in float32 whatever is asked
#   (``torch.arange(...).to(torch.float)``); each value is b^(2i/|D|) (one float32 pow, <= 1 ulp),
#   a reciprocal and a product by s (1 ulp each), and the blend (2 products and a sum, 3 ulps):
#   ~6 float32 ulps = 6 * 2^-24 ~ 3.6e-7 relative to the float64 value we compute (measured 1.3e-7
#   to 3.8e-7 on these configs). VS_TRANSFORMERS_RTOL = 1e-6 (~17 ulps) covers that on any CPU; a ramp off by one pair moves a value by
#   (1/s - 1) / (high - low) ~ 10% or more.
# * cos/sin against transformers' rotary embedding (float32 there): the angle pos * theta_i carries
#   pos * 2^-24 of float32 rounding, <= 511 * 6e-8 ~ 3e-5 for positions below 512, times the
#   attention factor 1.37: atol 1e-4, as in test_mla's float32 rope table check.
# * Our own float64 values against closed forms: float64 rounding only, ~|D| * 2^-53 ~ 1e-14: 1e-12.
VS_TRANSFORMERS_RTOL = 1e-6
FLOAT64_ONLY = dict(rtol=1e-12, atol=1e-12)

V3 = YaRNConfig()  # DeepSeek-V3's 64-dim rotary part, s = 40, L = 4096
LLAMA = YaRNConfig(head_dim=128, rope_theta=500000.0, factor=8.0, original_max_position_embeddings=8192)
V3_MSCALE = YaRNConfig(mscale=1.0, mscale_all_dim=0.707)  # numerator and denominator differ
UNTRUNCATED = YaRNConfig(head_dim=96, factor=16.0, original_max_position_embeddings=2048, beta_fast=24, truncate=False)
CONFIGS = [V3, LLAMA, V3_MSCALE, UNTRUNCATED]


def transformers_yarn(cfg: YaRNConfig):
    """(inv_freq, attention factor) from transformers' ``ROPE_INIT_FUNCTIONS["yarn"]``, and a rotary module."""
    pytest.importorskip("transformers")
    from transformers import LlamaConfig
    from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    rope = {
        "rope_type": "yarn", "rope_theta": cfg.rope_theta, "factor": cfg.factor,
        "original_max_position_embeddings": cfg.original_max_position_embeddings,
        "beta_fast": cfg.beta_fast, "beta_slow": cfg.beta_slow, "truncate": cfg.truncate,
    }
    if cfg.mscale is not None:
        rope.update(mscale=cfg.mscale, mscale_all_dim=cfg.mscale_all_dim)
    hf = LlamaConfig(
        hidden_size=cfg.head_dim * 2, num_attention_heads=2, head_dim=cfg.head_dim, num_hidden_layers=1,
        max_position_embeddings=int(cfg.factor * cfg.original_max_position_embeddings), rope_parameters=rope,
    )
    inv_freq, factor = ROPE_INIT_FUNCTIONS["yarn"](hf)
    return inv_freq, factor, LlamaRotaryEmbedding(hf)


@pytest.mark.parametrize("cfg", CONFIGS, ids=["v3", "llama", "v3-mscale", "untruncated"])
def test_inv_freq_and_attention_factor_match_transformers(cfg):
    inv_freq, factor, _ = transformers_yarn(cfg)
    assert inv_freq.dtype == torch.float32  # transformers' table is float32: compare at its precision
    torch.testing.assert_close(yarn_inv_freq(cfg, torch.float64), inv_freq.double(), rtol=VS_TRANSFORMERS_RTOL, atol=0)
    torch.testing.assert_close(yarn_inv_freq(cfg), inv_freq, rtol=VS_TRANSFORMERS_RTOL, atol=0)
    assert attention_factor(cfg) == pytest.approx(factor, rel=1e-15)  # both plain Python float64 arithmetic


def test_cos_sin_match_transformers_rotary_embedding():
    _, _, rotary = transformers_yarn(V3)
    positions = torch.arange(0, 512)
    cos_hf, sin_hf = rotary(torch.zeros(1, dtype=torch.float32), positions[None])  # (1, T, |D|): two halves
    cos, sin = YaRNRotaryEmbedding(V3)(positions)  # (T, |D|/2)
    half = V3.head_dim // 2
    torch.testing.assert_close(cos, cos_hf[0, :, :half], rtol=0, atol=1e-4)
    torch.testing.assert_close(sin, sin_hf[0, :, half:], rtol=0, atol=1e-4)


def test_fast_pairs_keep_their_frequency_and_slow_pairs_are_divided_by_s():
    """The NTK-by-parts property itself: r > beta extrapolates, r < alpha interpolates (eq. 17-18)."""
    cfg = V3
    theta = 1.0 / cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.float64) / cfg.head_dim)
    rotations = cfg.original_max_position_embeddings * theta / (2 * math.pi)  # r_i over the 4K context
    got = yarn_inv_freq(cfg, torch.float64)
    fast, slow = rotations > cfg.beta_fast, rotations < cfg.beta_slow
    assert fast.sum() >= 5 and slow.sum() >= 5  # both regimes are populated for V3's 64 dims
    torch.testing.assert_close(got[fast], theta[fast], **FLOAT64_ONLY)
    torch.testing.assert_close(got[slow], theta[slow] / cfg.factor, **FLOAT64_ONLY)
    ratio = got / theta  # between 1/s and 1, never increasing from fast to slow pairs
    assert (ratio.diff() <= 1e-15).all() and ratio.min() == pytest.approx(1 / cfg.factor)


def test_ramp_ends_where_the_rotation_counts_cross_beta_and_alpha():
    low, high = correction_range(V3)
    # i = |D| ln(L / (2 pi r)) / (2 ln b): r = 32 -> 10.2, r = 1 -> 23.0, rounded outward
    assert (low, high) == (10, 23)


def test_attention_factor_is_point_one_log_s_plus_one():
    assert attention_factor(V3) == pytest.approx(0.1 * math.log(40) + 1)  # 1.3689 for s = 40
    assert attention_factor(YaRNConfig(mscale=1.0, mscale_all_dim=1.0)) == 1.0  # DeepSeek-V3: moved to the softmax
    assert attention_factor(YaRNConfig(factor=1.0)) == 1.0
