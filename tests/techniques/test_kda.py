"""KDA matches transformers' Kimi Linear torch fallbacks: the two kernels and the whole layer."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from linear_state import both_outputs, decode_after_prefill, same_weights  # noqa: E402

from lineage.techniques.gated_deltanet import (  # noqa: E402
    chunked_gated_delta_rule,
    l2_normalize,
    recurrent_gated_delta_rule,  # noqa: E402
)
from lineage.techniques.kda import KDA, KDAConfig  # noqa: E402

# Tolerances.
# * Against transformers: its KDA fallbacks cast q, k, v, beta and the per-channel decay to float32 and
#   run the recurrence in float32 (so do its forget gate and gated RMSNorm); ours runs in float64 for
#   float64 inputs. Each float32 step rounds at 2^-24 ~ 6e-8 relative; the state sums <= T = 24 decayed
#   writes of size |v| ~ 1 and each output sums d_k = 8 products of it: ~T * d_k * 6e-8 ~ 1e-5 at worst
#   (measured on AMD EPYC: 8e-8 for the kernels, 3e-7 for the whole layer, outputs |y| ~ 1).
#   VS_TRANSFORMERS = 5e-5 covers any CPU's float32 rounding; a decay applied per head instead of per
#   channel, or on the value side of the state, moves outputs by 1e-2 or more.
# * Ours against ours in float64: summation order and one well-conditioned unit-triangular solve,
#   ~C * 2^-53 ~ 1e-14. FLOAT64_ONLY = 1e-10: 4 orders of headroom, 2 below one float32 rounding.
VS_TRANSFORMERS = dict(rtol=5e-5, atol=5e-5)
FLOAT64_ONLY = dict(rtol=1e-10, atol=1e-10)

TINY = KDAConfig(hidden_size=32, num_heads=3, head_dim=8, conv_kernel=4, chunk_size=8)


def inputs(b=2, t=24, h=3, d=8, seed=0):
    torch.manual_seed(seed)
    q, k = (l2_normalize(torch.randn(b, t, h, d, dtype=torch.float64)) for _ in range(2))
    v = torch.randn(b, t, h, d, dtype=torch.float64)
    log_alpha = -torch.rand(b, t, h, d, dtype=torch.float64)  # one decay per key channel, in (e^-1, 1)
    return q, k, v, log_alpha, torch.rand(b, t, h, dtype=torch.float64)


def test_recurrent_matches_transformers_recurrent_fallback():
    from transformers.models.kimi_linear.modeling_kimi_linear import recurrent_kimi_delta_attention

    q, k, v, g, beta = inputs()
    state = torch.randn(2, 3, 8, 8, dtype=torch.float64)
    want, want_state = recurrent_kimi_delta_attention(q, k, v, g, beta, initial_state=state, output_final_state=True)
    got, got_state = recurrent_gated_delta_rule(q, k, v, g, beta, state=state)
    torch.testing.assert_close(got, want, **VS_TRANSFORMERS)
    torch.testing.assert_close(got_state, want_state.double(), **VS_TRANSFORMERS)


def test_chunked_matches_transformers_chunked_fallback():
    from transformers.models.kimi_linear.modeling_kimi_linear import chunk_kimi_delta_attention

    q, k, v, g, beta = inputs(t=21, seed=1)  # 21: the last chunk is partial
    want, want_state = chunk_kimi_delta_attention(q, k, v, g, beta, chunk_size=8, output_final_state=True)
    got, got_state = chunked_gated_delta_rule(q, k, v, g, beta, chunk_size=8)
    torch.testing.assert_close(got, want, **VS_TRANSFORMERS)
    torch.testing.assert_close(got_state, want_state.double(), **VS_TRANSFORMERS)


def test_recurrence_is_the_papers_equation():
    """S_t = (I - beta_t k_t k_t^T) Diag(alpha_t) S_{t-1} + beta_t k_t v_t^T, o_t = S_t^T q_t, with matrices."""
    q, k, v, g, beta = inputs(b=1, t=5, h=1, seed=2)
    s = torch.zeros(8, 8, dtype=torch.float64)
    got = recurrent_gated_delta_rule(q, k, v, g, beta)[0]
    for t in range(5):
        kt = k[0, t, 0][:, None]  # (d_k, 1)
        erase = torch.eye(8, dtype=torch.float64) - beta[0, t, 0] * kt @ kt.T
        s = erase @ torch.diag(g[0, t, 0].exp()) @ s + beta[0, t, 0] * kt @ v[0, t, 0][None]
        torch.testing.assert_close(got[0, t, 0], s.T @ (q[0, t, 0] * 8**-0.5), **FLOAT64_ONLY)


def test_equal_channel_decays_reduce_to_gated_deltanet():
    q, k, v, g, beta = inputs(seed=3)
    per_head = g[..., 0]  # (B, T, H)
    same = per_head[..., None].expand_as(g)  # (B, T, H, d_k): every channel decays alike
    torch.testing.assert_close(chunked_gated_delta_rule(q, k, v, same, beta, chunk_size=8)[0],
                               chunked_gated_delta_rule(q, k, v, per_head, beta, chunk_size=8)[0], **FLOAT64_ONLY)


def pair(seed=0):
    from transformers import KimiLinearConfig
    from transformers.models.kimi_linear.modeling_kimi_linear import KimiLinearDeltaAttention

    c = TINY
    hf = KimiLinearConfig(hidden_size=c.hidden_size, linear_num_heads=c.num_heads, linear_head_dim=c.head_dim,
                          linear_conv_kernel_dim=c.conv_kernel, rms_norm_eps=c.rms_norm_eps, num_hidden_layers=1,
                          layer_types=["linear_attention"], num_attention_heads=2, vocab_size=16,
                          pad_token_id=None, bos_token_id=None, eos_token_id=None)
    torch.manual_seed(seed)
    return same_weights(KimiLinearDeltaAttention(hf, layer_idx=0), KDA(c))


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "recurrent"])
def test_layer_matches_kimi_linear_delta_attention(chunked):
    got, want = both_outputs(*pair(), TINY.hidden_size, chunked)
    torch.testing.assert_close(got, want, **VS_TRANSFORMERS)


def test_prefill_then_decode_equals_one_pass_and_the_state_stays_fixed():
    full, stepwise, after_prefill, at_end = decode_after_prefill(pair(seed=1)[0], TINY.hidden_size)
    torch.testing.assert_close(stepwise, full, **FLOAT64_ONLY)
    c = TINY  # float64 state S (heads x d_k x d_v) plus the conv window (K - 1 inputs)
    assert after_prefill == at_end == 8 * (c.num_heads * c.head_dim**2 + (c.conv_kernel - 1) * 3 * c.qkv_dim)
