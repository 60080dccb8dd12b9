"""Demos of MoE routing, optimizers, training objectives and number formats.

Each runs on CPU in a few seconds and returns numbers, never prints.  Needs torch.
"""

from __future__ import annotations

from lineage.demos.measurement import Demo, Measurement
from lineage.techniques import require_torch


def moe_demo() -> Demo:
    """Aux-loss-free balancing evening out a skewed router; DeepSeek-V3's active expert share."""
    torch = require_torch()
    from lineage.techniques.moe import DeepSeekMoE, MoEConfig, expert_load, route  # deferred for start-up: numpy, torch

    v3 = MoEConfig()
    cfg = MoEConfig(hidden_size=64, moe_intermediate_size=32, n_routed_experts=32, num_experts_per_tok=4, n_group=4, topk_group=2, bias_update_speed=0.01)
    torch.manual_seed(0)
    moe = DeepSeekMoE(cfg).train()
    with torch.no_grad():
        moe.gate.weight[:4] += 0.5
    x = torch.randn(512, cfg.hidden_size)

    def imbalance():
        _, chosen, _ = route(x, moe.gate.weight, moe.gate.e_score_correction_bias, cfg)
        load = expert_load(chosen, cfg.n_routed_experts).float()
        return round((load.max() / load.mean()).item(), 2)

    before = imbalance()
    with torch.no_grad():
        for _ in range(200):
            moe(x)
            moe.update_bias()
    return Demo(
        technique="deepseekmoe",
        module="lineage/techniques/moe.py",
        measurements=[
            Measurement(label="V3 routed experts active per token", value=f"{v3.num_experts_per_tok} of {v3.n_routed_experts} + {v3.n_shared_experts} shared", note="from MoEConfig defaults (DeepSeek-V3 config.json)"),
            Measurement(label="max/mean expert load, skewed router", value=before, unit="x", note="32 experts, 512 tokens"),
            Measurement(label="after 200 bias updates", value=imbalance(), unit="x", note="gamma = 0.01, no auxiliary loss"),
        ],
    )


def muon_demo() -> Demo:
    """Muon's optimizer state vs AdamW's, and agreement with torch.optim.Muon."""
    torch = require_torch()
    from lineage.techniques.muon import Muon, MuonConfig, state_bytes  # deferred for start-up: numpy, torch

    torch.manual_seed(0)
    shapes = [(512, 256), (256, 1024)]
    runs = {}
    for name, make in (
        ("lineage", lambda ps: Muon(ps, MuonConfig(lr=0.02, adjust_lr_fn="match_rms_adamw"))),
        ("torch.optim.Muon", lambda ps: torch.optim.Muon(ps, lr=0.02, adjust_lr_fn="match_rms_adamw")),
        ("AdamW", lambda ps: torch.optim.AdamW(ps)),
    ):
        torch.manual_seed(0)
        ps = [torch.nn.Parameter(torch.randn(*s)) for s in shapes]
        opt = make(ps)
        for _ in range(3):
            for p in ps:
                p.grad = torch.randn_like(p)
            opt.step()
        runs[name] = (ps, state_bytes(opt))
    diff = max((a - b).abs().max().item() for a, b in zip(runs["lineage"][0], runs["torch.optim.Muon"][0]))
    return Demo(
        technique="muon",
        module="lineage/techniques/muon.py",
        measurements=[
            Measurement(label="optimizer state, Muon", value=runs["lineage"][1], unit="B", note="one momentum buffer per matrix"),
            Measurement(label="optimizer state, AdamW", value=runs["AdamW"][1], unit="B", note="exp_avg + exp_avg_sq"),
            Measurement(label="Muon / AdamW state", value=runs["lineage"][1] / runs["AdamW"][1], unit="x"),
            Measurement(label="max |lineage - torch.optim.Muon| after 3 steps", value=f"{diff:.1e}", note="match_rms_adamw"),
        ],
    )


def mtp_demo() -> Demo:
    """MTP loss on a tiny model: one extra depth predicting token t+2."""
    torch = require_torch()
    from lineage.techniques.mtp import MTP, MTPConfig  # deferred for start-up: numpy, torch

    torch.manual_seed(0)
    cfg = MTPConfig(hidden_size=32, num_heads=4, depth=1)
    embed, head = torch.nn.Embedding(100, 32), torch.nn.Linear(32, 100, bias=False)
    mtp = MTP(cfg, embed, head)
    tokens = torch.randint(0, 100, (4, 16))
    loss = mtp(torch.randn(4, 16, 32), tokens)
    return Demo(
        technique="mtp",
        module="lineage/techniques/mtp.py",
        measurements=[
            Measurement(label="L_MTP at init (lambda 0.3, vocab 100)", value=round(loss.item(), 3), note=f"near 0.3 x ln(100) = {0.3 * 4.605:.3f}"),
            Measurement(label="MTP module parameters", value=sum(p.numel() for p in mtp.modules_.parameters()), note="embedding and head shared, not counted"),
        ],
    )


def mhc_demo() -> Demo:
    """mHC's residual mixing after Sinkhorn-Knopp: doubly stochastic per layer, gain 1 over 64 layers."""
    torch = require_torch()
    from lineage.techniques.mhc import (  # deferred for start-up: numpy, torch
        HCConfig,
        ManifoldHyperConnection,
        sinkhorn_knopp,
    )

    torch.manual_seed(0)
    cfg = HCConfig(hidden_size=256)  # DeepSeek-V4's n = 4 streams and 20 iterations, narrower streams
    hc = ManifoldHyperConnection(cfg).double()
    _, _, res = hc.mappings(torch.randn(8, 128, cfg.n_streams, cfg.hidden_size, dtype=torch.float64))  # (8, 128, 4, 4)
    logits = torch.randn(64, 4, 4, dtype=torch.float64)
    eye = torch.eye(4, dtype=torch.float64)
    mhc, hc_plain = eye, eye
    for layer in logits:
        mhc = mhc @ sinkhorn_knopp(layer, cfg.sinkhorn_iters)
        hc_plain = hc_plain @ (eye + 0.1 * layer.tanh())  # HC's A_r = I + s tanh(.), unconstrained
    return Demo(
        technique="mhc",
        module="lineage/techniques/mhc.py",
        measurements=[
            Measurement(label="max |row sum - 1| of res", value=f"{(res.sum(-1) - 1).abs().max().item():.1e}", note="1,024 tokens, 20 Sinkhorn-Knopp iterations"),
            Measurement(label="max |column sum - 1| of res", value=f"{(res.sum(-2) - 1).abs().max().item():.1e}", note="columns are normalised last"),
            Measurement(label="min entry of res", value=f"{res.min().item():.1e}", note="non-negative: a convex mix of streams"),
            Measurement(label="composite gain over 64 layers, mHC", value=round(mhc.abs().sum(-1).max().item(), 4), note="max row sum of the product of res"),
            Measurement(label="composite gain over 64 layers, HC-style I + 0.1 tanh", value=round(hc_plain.abs().sum(-1).max().item(), 2), note="same logits, no manifold constraint"),
        ],
    )


def hash_routing_demo() -> Demo:
    """Expert load of a random vs a balanced hash table on Zipf-distributed tokens."""
    torch = require_torch()
    from lineage.techniques.hash_routing import (  # deferred for start-up: numpy, torch
        HashRoutingConfig,
        balanced_hash_table,
        random_hash_table,
    )

    v4 = HashRoutingConfig()
    vocab, experts, k = 8000, 64, v4.num_experts_per_tok
    counts = (1e6 / torch.arange(1, vocab + 1, dtype=torch.float64)).round()  # frequency ~ 1 / rank

    def imbalance(table):
        load = torch.zeros(experts, dtype=torch.float64).index_add_(0, table.flatten(), counts.repeat_interleave(k))
        return round((load.max() / load.mean()).item(), 3)

    return Demo(
        technique="hash-routing",
        module="lineage/techniques/hash_routing.py",
        measurements=[
            Measurement(label="DeepSeek-V4 hash layers", value=f"first 3 MoE layers, {k} of {v4.n_routed_experts} experts per token id", note="mlp_layer_types in transformers' DeepseekV4Config"),
            Measurement(label="max/mean expert load, random hash", value=imbalance(random_hash_table(vocab, experts, k)), unit="x", note=f"Zipf tokens, vocab {vocab:,}, {experts} experts"),
            Measurement(label="max/mean expert load, balanced hash", value=imbalance(balanced_hash_table(counts, experts, k)), unit="x", note="frequent tokens first to the emptiest experts"),
        ],
    )


def grpo_demo() -> Demo:
    """Group-relative advantages: mean 0 and std 1 in every group, whatever the reward scale."""
    torch = require_torch()
    from lineage.techniques.grpo import GRPOConfig, group_advantages  # deferred for start-up: numpy, torch

    cfg = GRPOConfig()
    torch.manual_seed(0)
    rewards = torch.cat([torch.randint(0, 2, (cfg.group_size,)).double(), torch.rand(cfg.group_size, dtype=torch.float64) * 100])
    adv = group_advantages(rewards, cfg.group_size, cfg.std_eps).view(2, -1)  # (2 groups, G)
    return Demo(
        technique="grpo",
        module="lineage/techniques/grpo.py",
        measurements=[
            Measurement(label="group size G", value=cfg.group_size, note="DeepSeekMath section 4.2"),
            Measurement(label="advantage mean, 0/1 rewards", value=f"{adv[0].mean().item():.1e}"),
            Measurement(label="advantage std, 0/1 rewards", value=round(adv[0].std().item(), 5), note="std / (std + 1e-4)"),
            Measurement(label="advantage mean, 0-100 rewards", value=f"{adv[1].mean().item():.1e}"),
            Measurement(label="advantage std, 0-100 rewards", value=round(adv[1].std().item(), 5), note="same scale as the 0/1 group"),
        ],
    )


def fp8_demo() -> Demo:
    """FP8 error on ordinary tokens next to outlier tokens: 1x128 tiles vs one scale per tensor."""
    torch = require_torch()
    from lineage.techniques.fp8_blockwise import (  # deferred for start-up: numpy, torch
        dequantize_blocks,
        quantize_activations,
        quantize_per_tensor,
        relative_error,
    )

    torch.manual_seed(0)
    x = torch.randn(256, 1024)
    rows = []
    for outlier in (1e2, 1e4, 1e5, 1e6):
        a = x.clone()
        a[:2] *= outlier  # two "massive activation" tokens
        tile = relative_error(a[2:], dequantize_blocks(*quantize_activations(a))[2:])
        tensor = relative_error(a[2:], dequantize_blocks(*quantize_per_tensor(a))[2:])
        rows.append(Measurement(label=f"error on other tokens, outliers x{outlier:.0e}", value=f"{tile:.3f} (1x128 tiles) vs {tensor:.3f} (per tensor)", note="relative Frobenius error, E4M3"))
    return Demo(
        technique="fp8-training",
        module="lineage/techniques/fp8_blockwise.py",
        measurements=[
            *rows,
            Measurement(label="scale storage per weight element", value=f"{4 / 128**2:.5f}", unit="B", note="one float32 per 128x128 block, next to 1 B of E4M3"),
        ],
    )


def fp4_demo() -> Demo:
    """MXFP4 on Gaussian weights: bits per value and the round-trip error, beside FP8 128x128 blocks."""
    torch = require_torch()
    from lineage.techniques.fp4_blockwise import (  # deferred for start-up: numpy, torch
        bits_per_value,
        dequantize_mxfp4,
        quantize_mxfp4,
    )
    from lineage.techniques.fp8_blockwise import (  # deferred for start-up: numpy, torch
        dequantize_blocks,
        quantize_weight,
        relative_error,
    )

    torch.manual_seed(0)
    w = torch.randn(1024, 1024) * 0.02  # an expert's weight matrix at a typical init scale
    fp4 = relative_error(w, dequantize_mxfp4(*quantize_mxfp4(w)))
    fp8 = relative_error(w, dequantize_blocks(*quantize_weight(w)))
    return Demo(
        technique="fp4-quantization",
        module="lineage/techniques/fp4_blockwise.py",
        measurements=[
            Measurement(label="storage per weight", value=bits_per_value(), unit="bits", note="4-bit E2M1 code + one 8-bit E8M0 scale per 32"),
            Measurement(label="round-trip error, MXFP4", value=f"{fp4:.3f}", note="relative Frobenius error, 1024x1024 N(0, 0.02^2)"),
            Measurement(label="round-trip error, FP8 128x128 blocks", value=f"{fp8:.4f}", note="same weights, E4M3 with one scale per block"),
        ],
    )
