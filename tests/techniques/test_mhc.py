"""mHC matches transformers' DeepseekV4HyperConnection with copied weights; its residual mixing is doubly stochastic."""

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.mhc import (  # noqa: E402
    HCConfig,
    HyperConnection,
    ManifoldHyperConnection,
    expand_streams,
    hc_update,
    sinkhorn_knopp,
)

# Tolerances.
# * Against transformers: DeepseekV4HyperConnection computes its mappings in float32 whatever the
#   module dtype (``.float()`` on the streams and on ``fn``); ours run in float64 for float64 input.
#   The float32 side rounds the RMS norm over nC = 128 values and the 128-term projection
#   (each ~sqrt(128) * 2^-24 ~ 7e-7 relative on terms of size ~1, with |alpha x phi| up to ~5), then
#   sigmoid/softmax and 2 * 20 Sinkhorn divisions, each 2^-24 ~ 6e-8 relative. Sinkhorn's
#   normalisations are contractive, so rounding does not compound: ~40 * 6e-8 ~ 2.4e-6 worst case
#   on the mixing weights (measured 2e-7 to 8e-7 over three seeds). VS_TRANSFORMERS = 1e-5 covers any CPU,
#   while swapping pre/post, transposing res or one Sinkhorn iteration less moves weights by 1e-3
#   or more. The collapsed input sums n = 4 streams of |x| <~ 4 with those weights: atol 1e-5 * 4.
# * Ours against a naive float64 Sinkhorn loop: float64 only, differing in op order: ~20 * 2^-53: 1e-12.
# * Doubly stochastic after 20 iterations: columns are normalised last, so their sums are 1 to float64
#   rounding (1e-12); rows converge linearly at a rate set by the logits' spread. For standard-normal
#   logits the worst row sum of 1,000 matrices is off by 1.6e-4 after 20 iterations (2e-7 after 40;
#   0.03 for logits twice as spread): ROWS_AFTER_20 = 1e-3. Finite t_max leaves this gap by design.
VS_TRANSFORMERS = dict(rtol=1e-5, atol=1e-5)
FLOAT64_ONLY = dict(rtol=1e-12, atol=1e-12)
ROWS_AFTER_20 = 1e-3
TINY = HCConfig(hidden_size=32, n_streams=4, sinkhorn_iters=20)


def reference(cfg: HCConfig, seed: int):
    pytest.importorskip("transformers")
    from transformers import DeepseekV4Config
    from transformers.models.deepseek_v4.modeling_deepseek_v4 import DeepseekV4HyperConnection

    hf = DeepseekV4Config(
        vocab_size=32, hidden_size=cfg.hidden_size, hc_mult=cfg.n_streams, hc_sinkhorn_iters=cfg.sinkhorn_iters,
        hc_eps=cfg.eps, rms_norm_eps=cfg.rms_norm_eps, num_hidden_layers=1,
    )
    torch.manual_seed(seed)
    ref = DeepseekV4HyperConnection(hf)
    with torch.no_grad():
        ref.fn.normal_(std=0.3)
        ref.base.normal_(std=0.5)
        ref.scale.uniform_(0.5, 2.0)
    ours = ManifoldHyperConnection(cfg).double()
    result = ours.load_state_dict(ref.state_dict())
    assert not result.missing_keys and not result.unexpected_keys
    return ours, ref.double()


def test_mappings_match_transformers():
    ours, ref = reference(TINY, seed=0)
    streams = torch.randn(2, 5, TINY.n_streams, TINY.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        post_hf, comb_hf, collapsed_hf = ref(streams)
        pre, post, res = ours.mappings(streams)
    collapsed = torch.einsum("bsj,bsjc->bsc", pre, streams)
    torch.testing.assert_close(post, post_hf.double(), **VS_TRANSFORMERS)
    torch.testing.assert_close(res, comb_hf.double(), **VS_TRANSFORMERS)
    torch.testing.assert_close(collapsed, collapsed_hf, rtol=1e-5, atol=4e-5)


def test_block_update_matches_deepseek_v4_decoder_layer():
    """DeepseekV4DecoderLayer: streams' = post * F(collapsed) + comb^T @ streams (comb indexed [in, out])."""
    ours, ref = reference(TINY, seed=1)
    torch.manual_seed(1)
    layer = torch.nn.Linear(TINY.hidden_size, TINY.hidden_size, dtype=torch.float64)
    streams = torch.randn(2, 5, TINY.n_streams, TINY.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        post_hf, comb_hf, collapsed_hf = ref(streams)
        # the two lines of DeepseekV4DecoderLayer.forward (modeling_deepseek_v4.py) that apply the weights
        expected = post_hf.double().unsqueeze(-1) * layer(collapsed_hf).unsqueeze(-2) + comb_hf.double().transpose(-1, -2) @ streams
        got = ours(streams, layer)
    # |F(x)| and the mixed streams are <~ 10 here: the mapping error of 1e-5 relative scales to ~1e-4 absolute
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-4)


def test_sinkhorn_matches_a_naive_loop_and_is_doubly_stochastic():
    torch.manual_seed(2)
    logits = torch.randn(200, 4, 4, dtype=torch.float64)
    got = sinkhorn_knopp(logits, iters=20)
    m = logits.exp()  # M^(0) = exp(H~)
    for _ in range(20):
        m = m / m.sum(-1, keepdim=True)  # T_r
        m = m / m.sum(-2, keepdim=True)  # T_c
    torch.testing.assert_close(got, m, **FLOAT64_ONLY)
    assert (got.sum(-2) - 1).abs().max() < 1e-12  # columns: exact after the last step
    assert (got.sum(-1) - 1).abs().max() < ROWS_AFTER_20  # rows: converged that far
    softmax_only = torch.softmax(logits, -1)  # what plain row normalisation (one step) gives
    assert (softmax_only.sum(-2) - 1).abs().max() > 0.5  # its columns are far from 1


def test_mixing_over_depth_stays_bounded_with_mhc_and_grows_without():
    """The product of 64 layers' res matrices, the composite residual mapping (mHC fig. 3's "gain"): a
    product of doubly stochastic matrices is doubly stochastic (gain 1 forward and backward);
    HC-style unconstrained mixing I + s tanh(.) of the same logits compounds over depth."""
    torch.manual_seed(3)
    logits = torch.randn(64, 4, 4, dtype=torch.float64)
    product_mhc, product_hc = torch.eye(4, dtype=torch.float64), torch.eye(4, dtype=torch.float64)
    for layer_logits in logits:
        product_mhc = product_mhc @ sinkhorn_knopp(layer_logits, 20)
        product_hc = product_hc @ (torch.eye(4, dtype=torch.float64) + 0.1 * layer_logits.tanh())  # A_r = I + s tanh(.)
    # column sums: the total weight each output stream takes (exact: every factor's columns sum to 1);
    # row sums: how much one input stream is spread (each factor's within ROWS_AFTER_20, and a product of
    # matrices with unit column sums does not amplify a row-sum error)
    assert (product_mhc.sum(-2) - 1).abs().max() < 1e-12
    assert (product_mhc.sum(-1) - 1).abs().max() < ROWS_AFTER_20
    assert product_hc.abs().sum(-2).max() > 2.0 and product_hc.abs().sum(-1).max() > 2.0  # measured 4.2 and 5.0


def test_plain_hc_at_initialisation_is_a_residual_connection():
    cfg = HCConfig(hidden_size=16, n_streams=4)
    torch.manual_seed(4)
    hc = HyperConnection(cfg, layer_index=5).double()
    layer = torch.nn.Linear(16, 16, dtype=torch.float64)
    h = torch.randn(3, 16, dtype=torch.float64)
    streams = expand_streams(h, cfg.n_streams)  # (3, 4, 16)
    with torch.no_grad():
        out = hc(streams, layer)
    torch.testing.assert_close(out, (h + layer(h))[:, None].expand_as(out), **FLOAT64_ONLY)


def test_hc_update_reads_pre_writes_post_and_mixes_res():
    streams = torch.arange(2 * 3, dtype=torch.float64).view(2, 3)  # n = 2 streams of C = 3
    pre, post = torch.tensor([1.0, 0.0], dtype=torch.float64), torch.tensor([0.0, 2.0], dtype=torch.float64)
    res = torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=torch.float64)  # swap the streams
    out = hc_update(streams, lambda x: x * 10, pre, post, res)
    # stream 0 <- stream 1; stream 1 <- stream 0 + 2 * F(stream 0) = [0, 1, 2] + 2 * [0, 10, 20]
    assert out.tolist() == [[3.0, 4.0, 5.0], [0.0, 21.0, 42.0]]
