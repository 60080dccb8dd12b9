"""Muon matches torch.optim.Muon step for step; its AdamW part matches torch.optim.AdamW; QK-Clip caps logits."""

import math

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.mla import MLA, MLAConfig, apply_rope, causal_mask, rms_norm, rope_angles, split_kv_up  # noqa: E402
from lineage.techniques.muon import (  # noqa: E402
    Muon,
    MuonConfig,
    adjust_lr,
    newton_schulz,
    qk_clip_,
    qk_clip_mla_,
    state_bytes,
)

SHAPES = [(32, 16), (16, 48), (24, 24)]


def run(make_opt, steps=8, seed=0):
    torch.manual_seed(seed)
    params = [torch.nn.Parameter(torch.randn(*s)) for s in SHAPES]
    opt = make_opt(params)
    grads = [[torch.randn(*s) for s in SHAPES] for _ in range(steps)]
    for step in grads:
        for p, g in zip(params, step):
            p.grad = g.clone()
        opt.step()
    return params, opt


@pytest.mark.parametrize("mode", ["original", "match_rms_adamw"])
@pytest.mark.parametrize("nesterov", [True, False])
def test_matches_torch_optim_muon(mode, nesterov):
    kw = dict(lr=0.02, weight_decay=0.1, momentum=0.95, nesterov=nesterov)
    ours, _ = run(lambda ps: Muon(ps, MuonConfig(adjust_lr_fn=mode, **kw)))
    ref, _ = run(lambda ps: torch.optim.Muon(ps, adjust_lr_fn=mode, **kw))
    for a, b in zip(ours, ref):
        # Both run the same bfloat16 Newton-Schulz op for op, so they agree bit for bit on any CPU and
        # thread count (measured: 0.0). One differing bf16 rounding inside NS would move a weight by
        # about lr * 2^-8 ~ 8e-5, so 1e-6 (a few float32 ulps at |w| ~ 2) still catches any divergence.
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)


def test_adamw_part_matches_torch_adamw():
    shapes = [(7,), (5, 3)]
    torch.manual_seed(0)
    grads = [[torch.randn(*s, dtype=torch.float64) for s in shapes] for _ in range(6)]
    out = []
    for make in (
        lambda ps: Muon([{"params": ps, "use_muon": False}], MuonConfig(adam_lr=1e-2, weight_decay=0.1)),
        lambda ps: torch.optim.AdamW(ps, lr=1e-2, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1),
    ):
        torch.manual_seed(1)
        ps = [torch.nn.Parameter(torch.randn(*s, dtype=torch.float64)) for s in shapes]
        opt = make(ps)
        for step in grads:
            for p, g in zip(ps, step):
                p.grad = g.clone()
            opt.step()
        out.append(ps)
    for a, b in zip(*out):
        # float64 on both sides, the same AdamW formula: only the order of a few element-wise
        # operations differs (~1e-16 relative per step, 6 steps), so 1e-12 holds on any CPU
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def test_newton_schulz_pushes_singular_values_towards_one():
    torch.manual_seed(0)
    g = torch.randn(64, 32) @ torch.diag(torch.logspace(-1, 1, 32))  # singular values spread over ~150x
    s = torch.linalg.svdvals(newton_schulz(g).float())
    assert s.min() > 0.5 and s.max() < 1.25  # Keller: S' ~ Uniform(0.5, 1.5) rather than exactly 1


def test_match_rms_adamw_gives_update_rms_of_0_2():
    torch.manual_seed(0)
    for a, b in [(256, 64), (64, 256), (128, 128)]:
        o = newton_schulz(torch.randn(a, b)).float()
        rms = (adjust_lr(1.0, torch.Size([a, b]), "match_rms_adamw") * o).pow(2).mean().sqrt()
        assert rms == pytest.approx(0.2, rel=0.25)  # 0.2 * sqrt(max(A,B)) * RMS(O) with RMS(O) ~ 1/sqrt(max)


def test_muon_keeps_half_the_state_of_adamw():
    _, muon = run(lambda ps: Muon(ps), steps=1)
    _, adamw = run(lambda ps: torch.optim.AdamW(ps), steps=1)
    assert state_bytes(muon) * 2 == state_bytes(adamw) == 2 * sum(a * b for a, b in SHAPES) * 4


def max_logits_mha(x, w_q, w_k, heads):
    q = (x @ w_q.T).view(len(x), heads, -1).transpose(0, 1)  # (H, T, d)
    k = (x @ w_k.T).view(len(x), heads, -1).transpose(0, 1)
    return (q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])).amax(dim=(1, 2))


def test_qk_clip_caps_each_heads_max_logit_at_tau():
    torch.manual_seed(0)
    heads, x = 4, torch.randn(10, 16, dtype=torch.float64)
    w_q, w_k = torch.randn(heads * 8, 16, dtype=torch.float64) * 2, torch.randn(heads * 8, 16, dtype=torch.float64) * 2
    before = max_logits_mha(x, w_q, w_k, heads)
    tau = before.median().item()
    qk_clip_(w_q, w_k, before, tau)
    after = max_logits_mha(x, w_q, w_k, heads)
    # float64 throughout: assert_close's float64 default (rtol 1e-7) is far above the ~1e-15 the
    # rescaling costs and far below the factor gamma < 1 an unclipped head would keep
    torch.testing.assert_close(after, before.clamp(max=tau))


def max_logits_mla(mla, x):
    """Per-head max of q_i . k_j / sqrt(d) computed directly from the MLA equations."""
    c = mla.cfg
    q = mla.q_b_proj(rms_norm(mla.q_a_proj(x), mla.q_a_layernorm.weight, c.rms_norm_eps))
    q = q.view(len(x), c.num_heads, c.qk_head_dim).transpose(0, 1)  # (H, T, d_h + d_r)
    c_kv, k_r = mla.kv_a_proj_with_mqa(x).split([c.kv_lora_rank, c.qk_rope_head_dim], -1)
    c_kv = rms_norm(c_kv, mla.kv_a_layernorm.weight, c.rms_norm_eps)
    cos, sin = rope_angles(torch.arange(len(x)), c.qk_rope_head_dim, c.rope_theta, x.dtype)
    w_uk, _ = split_kv_up(mla.kv_b_proj.weight, c)
    k_c = torch.einsum("tc,hdc->htd", c_kv, w_uk)  # (H, T, d_h)
    q_c, q_r = q.split([c.qk_nope_head_dim, c.qk_rope_head_dim], -1)
    logits = q_c @ k_c.transpose(1, 2) + apply_rope(q_r, cos, sin) @ apply_rope(k_r, cos, sin).T
    logits = logits.masked_fill(causal_mask(len(x), len(x)), float("-inf")) * c.scale
    return logits.amax(dim=(1, 2))


def test_qk_clip_mla_split_caps_logits_and_leaves_shared_rope_key_alone():
    torch.manual_seed(0)
    mla = MLA(MLAConfig(hidden_size=32, num_heads=4, q_lora_rank=16, kv_lora_rank=8, qk_nope_head_dim=8,
                        qk_rope_head_dim=4, v_head_dim=8)).double()
    for p in mla.parameters():
        torch.nn.init.normal_(p, std=1.0)
    x = torch.randn(12, 32, dtype=torch.float64)
    k_rope_w = mla.kv_a_proj_with_mqa.weight.clone()
    with torch.no_grad():
        before = max_logits_mla(mla, x)
        tau = before.median().item()
        qk_clip_mla_(mla, before, tau)
        after = max_logits_mla(mla, x)
    # float64 throughout; assert_close's float64 default (rtol 1e-7, atol 1e-7) is far above the
    # ~1e-15 the rescaling costs and far below the factor gamma < 1 an unclipped head would keep
    torch.testing.assert_close(after, before.clamp(max=tau))
    assert torch.equal(mla.kv_a_proj_with_mqa.weight, k_rope_w)


def test_muon_rejects_non_matrix_parameters():
    with pytest.raises(ValueError, match="2-D"):
        Muon([torch.nn.Parameter(torch.zeros(3))])
