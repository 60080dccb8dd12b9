"""DeepSeekMoE matches transformers' DeepseekV3MoE with copied weights, and its bias balances load."""

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.moe import DeepSeekMoE, MoEConfig, expert_load, route, update_bias  # noqa: E402

TINY = MoEConfig(
    hidden_size=32, moe_intermediate_size=16, n_routed_experts=16, n_shared_experts=2, num_experts_per_tok=4,
    n_group=4, topk_group=2, routed_scaling_factor=2.5,
)


def test_matches_transformers_with_router_bias():
    pytest.importorskip("transformers")
    from transformers import DeepseekV3Config
    from transformers.models.deepseek_v3.modeling_deepseek_v3 import DeepseekV3MoE

    hf = DeepseekV3Config(
        vocab_size=32, hidden_size=TINY.hidden_size, moe_intermediate_size=TINY.moe_intermediate_size,
        n_routed_experts=TINY.n_routed_experts, n_shared_experts=TINY.n_shared_experts,
        num_experts_per_tok=TINY.num_experts_per_tok, n_group=TINY.n_group, topk_group=TINY.topk_group,
        routed_scaling_factor=TINY.routed_scaling_factor, norm_topk_prob=True, num_hidden_layers=1,
    )
    torch.manual_seed(0)
    ref = DeepseekV3MoE(hf).double().eval()
    for p in ref.parameters():
        torch.nn.init.normal_(p, std=0.3)
    ref.gate.e_score_correction_bias.copy_(torch.randn(TINY.n_routed_experts) * 0.5)
    ours = DeepSeekMoE(TINY).double().eval()
    result = ours.load_state_dict(ref.state_dict(), strict=False)
    assert not result.missing_keys and not result.unexpected_keys
    x = torch.randn(3, 11, TINY.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        # transformers computes router scores in float32 whatever the module dtype (ours: float64 for a
        # float64 module). Each gate then carries a few float32 roundings (~4 * 2^-24 ~ 2.4e-7 relative),
        # and the output sums K=4 gated experts of |y| up to ~25: |diff| <~ 2.4e-5 worst case, measured
        # 1.7e-6 on AMD EPYC. atol 1e-5 + rtol 1e-5 * |y| covers the worst case on any CPU; a wrong expert
        # choice or gate moves outputs by O(1).
        torch.testing.assert_close(ours(x), ref(x), rtol=1e-5, atol=1e-5)


def naive_route(u, w, bias, cfg):
    """Equations 13-16 of DeepSeek-V3 plus group limiting, one token at a time."""
    gates, chosen = [], []
    per_group = cfg.n_routed_experts // cfg.n_group
    for tok in u:
        s = [float(torch.sigmoid(tok @ w[i])) for i in range(cfg.n_routed_experts)]
        biased = [s[i] + float(bias[i]) for i in range(cfg.n_routed_experts)]
        group_scores = [sum(sorted(biased[g * per_group : (g + 1) * per_group])[-2:]) for g in range(cfg.n_group)]
        groups = sorted(range(cfg.n_group), key=lambda g: -group_scores[g])[: cfg.topk_group]
        allowed = [i for i in range(cfg.n_routed_experts) if i // per_group in groups]
        top = sorted(allowed, key=lambda i: -biased[i])[: cfg.num_experts_per_tok]
        total = sum(s[i] for i in top)
        chosen.append(sorted(top))
        gates.append({i: cfg.routed_scaling_factor * s[i] / total for i in top})
    return gates, chosen


def test_routing_follows_the_equations():
    torch.manual_seed(1)
    u = torch.randn(20, TINY.hidden_size, dtype=torch.float64)
    w = torch.randn(TINY.n_routed_experts, TINY.hidden_size, dtype=torch.float64) * 0.3
    bias = torch.randn(TINY.n_routed_experts, dtype=torch.float64) * 0.3
    gates, chosen, _ = route(u, w, bias, TINY)
    want_gates, want_chosen = naive_route(u, w, bias, TINY)
    for t in range(len(u)):
        got = dict(zip(chosen[t].tolist(), gates[t].tolist()))
        assert sorted(got) == want_chosen[t]
        assert got == pytest.approx(want_gates[t], rel=1e-12)  # float64 both sides: only op order differs
        groups = {i // (TINY.n_routed_experts // TINY.n_group) for i in got}
        assert len(groups) <= TINY.topk_group


def test_bias_update_moves_toward_balanced_load():
    bias = torch.zeros(4)
    new = update_bias(bias, torch.tensor([10, 2, 5, 0]), speed=0.01)
    assert new.tolist() == pytest.approx([-0.01, 0.01, -0.01, 0.01])


def test_aux_loss_free_balancing_evens_out_a_skewed_router():
    torch.manual_seed(2)
    cfg = MoEConfig(**{**TINY.__dict__, "bias_update_speed": 0.02})
    moe = DeepSeekMoE(cfg).train()
    with torch.no_grad():
        moe.gate.weight[:2] += 1.0  # experts 0 and 1 win far too often
    x = torch.randn(256, cfg.hidden_size)

    def imbalance():
        _, chosen, _ = route(x, moe.gate.weight, moe.gate.e_score_correction_bias, cfg)
        load = expert_load(chosen, cfg.n_routed_experts).float()
        return (load.max() / load.mean()).item()

    before = imbalance()
    with torch.no_grad():
        for _ in range(100):
            moe(x)
            moe.update_bias()
    assert imbalance() - 1 < 0.5 * (before - 1)  # max load / mean load: 1.67 -> 1.14 here
