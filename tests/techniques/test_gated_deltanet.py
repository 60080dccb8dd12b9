"""Gated DeltaNet matches transformers' Qwen3-Next torch fallbacks: the two kernels and the whole layer."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from linear_state import both_outputs, decode_after_prefill, same_weights  # noqa: E402

from lineage.techniques.gated_deltanet import (  # noqa: E402
    GatedDeltaNet,
    GatedDeltaNetConfig,
    chunked_gated_delta_rule,
    l2_normalize,
    recurrent_gated_delta_rule,
)

# Tolerances.
# * Against transformers: its torch fallbacks cast q, k, v, beta and the decay to float32 and run the
#   whole recurrence in float32 whatever the input dtype (as do its gated RMSNorm and the decay gate),
#   while ours runs in float64 for float64 inputs. Each float32 step rounds at 2^-24 ~ 6e-8 relative;
#   the state is a sum over <= T = 24 decayed writes of size |v| ~ 1, and each output sums d_k = 8
#   products of it, so errors stay within ~T * d_k * 6e-8 ~ 1e-5 in the worst case (measured on AMD
#   EPYC: 8e-8 for the kernels, 7e-7 for the whole layer, whose outputs reach |y| ~ 2). VS_TRANSFORMERS = 5e-5 covers any CPU's float32 rounding; a wrong decay, a missing beta
#   or a swapped head order moves outputs by 1e-2 or more.
# * Ours against ours in float64 (chunked vs recurrent): the same sums in another order and one
#   triangular solve of a well-conditioned unit-triangular system (|A_ij| < 1): ~C * 2^-53 per entry
#   ~ 1e-14. FLOAT64_ONLY = 1e-10 leaves 4 orders of headroom and is 2 orders below one float32 rounding.
VS_TRANSFORMERS = dict(rtol=5e-5, atol=5e-5)
FLOAT64_ONLY = dict(rtol=1e-10, atol=1e-10)

TINY = GatedDeltaNetConfig(hidden_size=32, num_key_heads=2, num_value_heads=4, key_head_dim=8, value_head_dim=6,
                           conv_kernel=4, chunk_size=8)


def inputs(b=2, t=24, h=3, d_k=8, d_v=6, per_channel=False, seed=0):
    torch.manual_seed(seed)
    q, k = (l2_normalize(torch.randn(b, t, h, d_k, dtype=torch.float64)) for _ in range(2))
    v = torch.randn(b, t, h, d_v, dtype=torch.float64)
    log_alpha = -torch.rand(b, t, h, *((d_k,) if per_channel else ()), dtype=torch.float64)  # alpha in (e^-1, 1)
    beta = torch.rand(b, t, h, dtype=torch.float64)
    return q, k, v, log_alpha, beta


def test_recurrent_matches_transformers_recurrent_fallback():
    from transformers.models.qwen3_next.modeling_qwen3_next import torch_recurrent_gated_delta_rule

    q, k, v, g, beta = inputs()
    state = torch.randn(2, 3, 8, 6, dtype=torch.float64)
    want, want_state = torch_recurrent_gated_delta_rule(q, k, v, g, beta, initial_state=state, output_final_state=True)
    got, got_state = recurrent_gated_delta_rule(q, k, v, g, beta, state=state)
    torch.testing.assert_close(got, want, **VS_TRANSFORMERS)
    torch.testing.assert_close(got_state, want_state.double(), **VS_TRANSFORMERS)


def test_chunked_matches_transformers_chunked_fallback():
    from transformers.models.qwen3_next.modeling_qwen3_next import torch_chunk_gated_delta_rule

    q, k, v, g, beta = inputs(seed=1)
    want, want_state = torch_chunk_gated_delta_rule(q, k, v, g, beta, chunk_size=8, output_final_state=True)
    got, got_state = chunked_gated_delta_rule(q, k, v, g, beta, chunk_size=8)
    torch.testing.assert_close(got, want, **VS_TRANSFORMERS)
    torch.testing.assert_close(got_state, want_state.double(), **VS_TRANSFORMERS)


@pytest.mark.parametrize("per_channel", [False, True], ids=["per-head decay", "per-channel decay"])
def test_chunked_equals_recurrent_in_float64(per_channel):
    q, k, v, g, beta = inputs(t=21, per_channel=per_channel, seed=2)  # 21: the last chunk is partial
    state = torch.randn(2, 3, 8, 6, dtype=torch.float64)
    got, got_state = chunked_gated_delta_rule(q, k, v, g, beta, state=state, chunk_size=8)
    want, want_state = recurrent_gated_delta_rule(q, k, v, g, beta, state=state)
    torch.testing.assert_close(got, want, **FLOAT64_ONLY)
    torch.testing.assert_close(got_state, want_state, **FLOAT64_ONLY)


def test_recurrence_is_the_papers_equation():
    """S_t = alpha_t (I - beta_t k_t k_t^T) S_{t-1} + beta_t k_t v_t^T, o_t = S_t^T q_t, written out with matrices."""
    q, k, v, g, beta = inputs(b=1, t=5, h=1, seed=3)
    s = torch.zeros(8, 6, dtype=torch.float64)
    for t in range(5):
        kt = k[0, t, 0][:, None]  # (d_k, 1)
        s = g[0, t, 0].exp() * (torch.eye(8, dtype=torch.float64) - beta[0, t, 0] * kt @ kt.T) @ s + beta[0, t, 0] * kt @ v[0, t, 0][None]
        want = s.T @ (q[0, t, 0] * 8**-0.5)
        torch.testing.assert_close(recurrent_gated_delta_rule(q, k, v, g, beta)[0][0, t, 0], want, **FLOAT64_ONLY)


def pair(seed=0):
    from transformers import Qwen3NextConfig
    from transformers.models.qwen3_next.modeling_qwen3_next import Qwen3NextGatedDeltaNet

    c = TINY
    hf = Qwen3NextConfig(hidden_size=c.hidden_size, linear_num_key_heads=c.num_key_heads, linear_num_value_heads=c.num_value_heads,
                         linear_key_head_dim=c.key_head_dim, linear_value_head_dim=c.value_head_dim,
                         linear_conv_kernel_dim=c.conv_kernel, num_hidden_layers=1, layer_types=["linear_attention"],
                         num_attention_heads=2, num_key_value_heads=1, vocab_size=16)
    torch.manual_seed(seed)
    return same_weights(Qwen3NextGatedDeltaNet(hf, layer_idx=0), GatedDeltaNet(c))


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "recurrent"])
def test_layer_matches_qwen3_next_gated_deltanet(chunked):
    got, want = both_outputs(*pair(), TINY.hidden_size, chunked)
    torch.testing.assert_close(got, want, **VS_TRANSFORMERS)


def test_prefill_then_decode_equals_one_pass_and_the_state_stays_fixed():
    full, stepwise, after_prefill, at_end = decode_after_prefill(pair(seed=1)[0], TINY.hidden_size)
    torch.testing.assert_close(stepwise, full, **FLOAT64_ONLY)
    c = TINY  # float64 state S (heads x d_k x d_v) plus the conv window (K - 1 inputs)
    assert after_prefill == at_end == 8 * (c.num_value_heads * c.key_head_dim * c.value_head_dim
                                          + (c.conv_kernel - 1) * (2 * c.key_dim + c.value_dim))
