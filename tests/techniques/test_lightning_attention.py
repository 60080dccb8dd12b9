"""Lightning Attention matches transformers' MiniMaxLightningAttention, and its block form equals the definition."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from lineage.techniques.lightning_attention import (  # noqa: E402
    LightningAttention,
    LightningConfig,
    LinearState,
    decay_rates,
    decayed_linear_attention,
    lightning_blocks,
)

# Tolerances.
# * Against transformers (float64 modules on both sides): MiniMaxLightningAttention computes its
#   decay rates and decay tables in float32 at construction (then cast to float64) and its RMSNorm
#   in float32. A rate s rounded at 2^-24 relative shifts exp(-s n) by s * n * 6e-8 <= 1e-6 for the
#   n <= 16 steps here; the norm adds ~6e-8 relative; outputs reach |y| ~ 1 after the projections
#   (measured on AMD EPYC: 1.1e-7 at |y| ~ 1). VS_TRANSFORMERS = 1e-5 covers any CPU's float32 rounding, while a
#   decay off by one step, a missing gate or the norm taken per head moves outputs by 1e-2 or more.
# * Ours against ours in float64 (blocks vs quadratic definition vs one token at a time): the same
#   sums in another order, ~T * 2^-53 * |x| ~ 1e-14. FLOAT64_ONLY = 1e-10 leaves 4 orders of headroom.
VS_TRANSFORMERS = dict(rtol=1e-5, atol=1e-5)
FLOAT64_ONLY = dict(rtol=1e-10, atol=1e-10)

TINY = LightningConfig(hidden_size=32, num_heads=4, head_dim=8, block_size=8, num_layers=3, layer_idx=1)


def pair(seed=0):
    from transformers import MiniMaxConfig
    from transformers.models.minimax.modeling_minimax import MiniMaxLightningAttention

    c = TINY
    hf = MiniMaxConfig(hidden_size=c.hidden_size, num_attention_heads=c.num_heads, head_dim=c.head_dim,
                       block_size=c.block_size, num_hidden_layers=c.num_layers, vocab_size=16,
                       layer_types=["linear_attention"] * c.num_layers, num_key_value_heads=c.num_heads)
    torch.manual_seed(seed)
    ref = MiniMaxLightningAttention(hf, layer_idx=c.layer_idx).double()
    for p in ref.parameters():
        torch.nn.init.normal_(p, std=0.3)
    ours = LightningAttention(c).double()
    result = ours.load_state_dict(ref.state_dict(), strict=False)
    assert not result.missing_keys  # theirs also stores the decay tables as buffers; ours computes them
    assert set(result.unexpected_keys) == {"slope_rate", "query_decay", "key_decay", "diagonal_decay"}
    return ours, ref


def test_decay_rates_match_minimax():
    _, ref = pair()
    torch.testing.assert_close(decay_rates(4, 1, 3), ref.slope_rate.flatten(), rtol=1e-7, atol=0)  # theirs: float32


def test_prefill_matches_transformers():
    ours, ref = pair()
    x = torch.randn(2, 21, TINY.hidden_size, dtype=torch.float64)  # 21 tokens: blocks of 8, 8 and 5
    with torch.no_grad():
        torch.testing.assert_close(ours(x), ref(x, None, None)[0], **VS_TRANSFORMERS)


def test_cached_decode_matches_transformers():
    from transformers.models.minimax.modeling_minimax import MiniMaxCache

    ours, ref = pair(seed=1)
    x = torch.randn(2, 14, TINY.hidden_size, dtype=torch.float64)
    hf_cache, cache = MiniMaxCache(), LinearState()
    with torch.no_grad():
        ref(x[:, :10], None, None, cache=hf_cache)
        ours(x[:, :10], cache)
        size = cache.nbytes()
        for t in range(10, 14):
            want = ref(x[:, t : t + 1], None, None, cache=hf_cache)[0]
            torch.testing.assert_close(ours(x[:, t : t + 1], cache), want, **VS_TRANSFORMERS)
    assert cache.nbytes() == size == 2 * TINY.num_heads * TINY.head_dim**2 * 8  # KV per head, float64, fixed


def test_blocks_equal_the_quadratic_definition_and_the_recurrence():
    torch.manual_seed(2)
    q, k, v = (torch.randn(1, 4, 19, 8, dtype=torch.float64) for _ in range(3))
    s = decay_rates(4, 0, 4)
    want = decayed_linear_attention(q, k, v, s)
    torch.testing.assert_close(lightning_blocks(q, k, v, s, block_size=5)[0], want, **FLOAT64_ONLY)
    kv = torch.zeros(1, 4, 8, 8, dtype=torch.float64)
    for t in range(19):  # KV_t = exp(-s) KV_{t-1} + k_t v_t^T; o_t = KV_t^T q_t
        kv = torch.exp(-s)[:, None, None] * kv + k[0, :, t, :, None] * v[0, :, t, None, :]
        torch.testing.assert_close(torch.einsum("hd,hde->he", q[0, :, t], kv[0]), want[0, :, t], **FLOAT64_ONLY)
