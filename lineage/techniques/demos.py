"""Small runnable demos behind ``lineage explain TECHNIQUE --run``: each measures its headline property.

Every demo runs on CPU in a few seconds and returns numbers, never prints.  Needs torch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from pydantic import BaseModel, Field

from lineage.techniques import require_torch

V3_CONFIG = "deepseek-ai__DeepSeek-V3.json"


class Measurement(BaseModel):
    """One measured number with how it was obtained."""

    label: str = Field(description="What was measured.")
    value: float | int | str = Field(description="The number (or a short formula rendering).")
    unit: str | None = Field(None, description="Unit of the value.")
    note: str | None = Field(None, description="How it was computed or measured.")


class Demo(BaseModel):
    """Result of one demo run."""

    technique: str = Field(description="Technique id the demo illustrates.")
    module: str = Field(description="Implementation module.")
    measurements: list[Measurement] = Field(description="Measured numbers, in reading order.")


def _bundled_config(name: str) -> dict:
    from lineage.ingest.config.read import bundled_dir

    return json.loads((bundled_dir() / name).read_text(encoding="utf-8"))


def _time(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def kv_cache_demo() -> Demo:
    """DeepSeek-V3's cache arithmetic from its bundled config, measured on torch caches."""
    from lineage.techniques.kv_cache import kv_footprint, measure

    cfg = _bundled_config(V3_CONFIG)
    fp, m = kv_footprint(cfg, name=V3_CONFIG), None
    m = measure(fp, tokens=256)
    d_c, d_r, layers, heads = cfg["kv_lora_rank"], cfg["qk_rope_head_dim"], cfg["num_hidden_layers"], cfg["num_attention_heads"]
    k = cfg["qk_nope_head_dim"]
    ctx = cfg["max_position_embeddings"]
    return Demo(
        technique="kv-cache",
        module="lineage/techniques/kv_cache.py",
        measurements=[
            Measurement(label="MLA cache per token (formula)", value=f"({d_c} + {d_r}) x {layers} layers x 2 B = {fp.bytes_per_token:,}", unit="B/token", note=f"kv_lora_rank + qk_rope_head_dim from {V3_CONFIG}, BF16"),
            Measurement(label="MLA cache per token (measured)", value=m.bytes_per_token, unit="B/token", note="nbytes of torch LatentCache tensors grown from 256 to 512 tokens, x layers"),
            Measurement(label="MHA, same heads (formula)", value=f"2 x {heads} heads x {k} x {layers} layers x 2 B = {fp.mha_bytes_per_token:,}", unit="B/token", note="DeepSeek-V2 table 1 baseline: key and value of d_h per head"),
            Measurement(label="MHA, same heads (measured)", value=m.mha_bytes_per_token, unit="B/token", note="nbytes of a torch KVCache with 128 heads, x layers"),
            Measurement(label="MHA / MLA", value=round(m.mha_bytes_per_token / m.bytes_per_token, 1), unit="x"),
            Measurement(label=f"cache at {ctx:,} tokens", value=f"{fp.bytes_at(ctx) / 1e9:.1f} GB (MLA) vs {fp.mha_bytes_per_token * ctx / 1e9:.0f} GB (MHA)", note="one sequence, BF16"),
        ],
    )


def mla_demo() -> Demo:
    """The V3 cache arithmetic, then plain vs absorbed decode on a small MLA layer."""
    torch = require_torch()
    from lineage.techniques.mla import MLA, LatentCache, MLAConfig

    demo = kv_cache_demo()
    torch.manual_seed(0)
    cfg = MLAConfig(hidden_size=1024, num_heads=16, q_lora_rank=384)  # V3's per-head dims, fewer heads
    layer = MLA(cfg).eval()
    cache = LatentCache()
    with torch.no_grad():
        layer(torch.randn(1, 1024, cfg.hidden_size), 0, cache)
        x = torch.randn(1, 1, cfg.hidden_size)
        plain = lambda: layer(x, 1024, _frozen(cache), absorbed=False)  # noqa: E731
        absorbed = lambda: layer(x, 1024, _frozen(cache), absorbed=True)  # noqa: E731
        diff = (plain() - absorbed()).abs().max().item()
        t_plain, t_abs = _time(plain), _time(absorbed)
    demo.technique, demo.module = "mla", "lineage/techniques/mla.py"
    demo.measurements += [
        Measurement(label="decode, 1,024 cached tokens, plain", value=round(t_plain, 2), unit="ms", note="16 heads, d_c 512, float32, CPU"),
        Measurement(label="decode, 1,024 cached tokens, absorbed", value=round(t_abs, 2), unit="ms", note="W_UK, W_UV folded into query and output"),
        Measurement(label="absorbed speed-up", value=round(t_plain / t_abs, 1), unit="x"),
        Measurement(label="max |plain - absorbed|", value=f"{diff:.1e}", note="same output, float32 rounding"),
    ]
    return demo


class _frozen:
    """A cache view whose appends do not persist (to time one decode step repeatedly)."""

    def __init__(self, cache):
        self.cache = cache

    def append(self, c_kv, k_rope):
        import torch

        return torch.cat((self.cache.c_kv, c_kv), 1), torch.cat((self.cache.k_rope, k_rope), 1)


def moe_demo() -> Demo:
    """Aux-loss-free balancing evening out a skewed router; DeepSeek-V3's active expert share."""
    torch = require_torch()
    from lineage.techniques.moe import DeepSeekMoE, MoEConfig, expert_load, route

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
    from lineage.techniques.muon import Muon, MuonConfig, state_bytes

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
    from lineage.techniques.mtp import MTP, MTPConfig

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


def dsa_demo() -> Demo:
    """Share of the cache DSA attends to at a long context, with V3.2's top-k."""
    torch = require_torch()
    from lineage.techniques.dsa import DSA, DSAConfig
    from lineage.techniques.mla import MLAConfig

    torch.manual_seed(0)
    cfg = DSAConfig(mla=MLAConfig(hidden_size=256, num_heads=4, q_lora_rank=128), index_n_heads=8, index_head_dim=32, index_topk=256)
    dsa = DSA(cfg).eval()
    with torch.no_grad():
        dsa(torch.randn(1, 2048, 256))
    return Demo(
        technique="dsa",
        module="lineage/techniques/dsa.py",
        measurements=[
            Measurement(label="tokens attended per query at 128K context (V3.2)", value=f"2,048 of 131,072 = {2048 / 131072:.1%}", note="index_topk from DeepSeek-V3.2 config.json"),
            Measurement(label="tokens attended, demo (2,048 context, top-256)", value=f"{256 / 2048:.1%}", note="last query; earlier queries see min(t, 256)"),
        ],
    )


def yarn_demo() -> Demo:
    """DeepSeek-V3's YaRN: which rotary pairs keep their frequency, which are slowed 40x, and the attention factor."""
    torch = require_torch()
    from lineage.techniques.yarn import YaRNConfig, attention_factor, correction_range, yarn_inv_freq

    cfg = YaRNConfig()
    theta = 1.0 / cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.float64) / cfg.head_dim)
    ratio = yarn_inv_freq(cfg, torch.float64) / theta  # 1: extrapolated, 1/s: interpolated
    low, high = correction_range(cfg)
    long_ctx = int(cfg.factor * cfg.original_max_position_embeddings)
    slowest = yarn_inv_freq(cfg, torch.float64)[-1].item()
    return Demo(
        technique="yarn",
        module="lineage/techniques/yarn.py",
        measurements=[
            Measurement(label="context", value=f"{cfg.original_max_position_embeddings:,} -> {long_ctx:,} tokens (s = {cfg.factor:g})", note="DeepSeek-V3 rope_scaling, 64-dim rotary part"),
            Measurement(label="attention factor sqrt(1/t)", value=round(attention_factor(cfg), 4), note="0.1 ln s + 1 on cos and sin; logits scale by its square"),
            Measurement(label="pairs keeping their frequency", value=int((ratio == 1).sum()), note=f"pairs 0-{low}: over 32 rotations in 4K tokens"),
            Measurement(label="pairs interpolated by 1/s", value=int((ratio - 1 / cfg.factor).abs().lt(1e-12).sum()), note=f"pairs {high}-31: under one rotation in 4K tokens"),
            Measurement(label="pairs blended", value=int(((ratio < 1) & (ratio > 1 / cfg.factor + 1e-12)).sum()), note="linear ramp between"),
            Measurement(label="slowest pair's angle at 160K (YaRN) / at 4K (RoPE)", value=round(long_ctx * slowest / (cfg.original_max_position_embeddings * theta[-1].item()), 6), note="1: no angle beyond the pretrained range"),
        ],
    )


def mhc_demo() -> Demo:
    """mHC's residual mixing after Sinkhorn-Knopp: doubly stochastic per layer, gain 1 over 64 layers."""
    torch = require_torch()
    from lineage.techniques.mhc import HCConfig, ManifoldHyperConnection, sinkhorn_knopp

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
    from lineage.techniques.hash_routing import HashRoutingConfig, balanced_hash_table, random_hash_table

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
    from lineage.techniques.grpo import GRPOConfig, group_advantages

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
    from lineage.techniques.fp8_blockwise import (
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


DEMOS: dict[str, Callable[[], Demo]] = {
    "mla": mla_demo,
    "kv-cache": kv_cache_demo,
    "deepseekmoe": moe_demo,
    "muon": muon_demo,
    "muonclip": muon_demo,
    "mtp": mtp_demo,
    "dsa": dsa_demo,
    "yarn": yarn_demo,
    "hyper-connections": mhc_demo,
    "mhc": mhc_demo,
    "hash-routing": hash_routing_demo,
    "grpo": grpo_demo,
    "fp8-training": fp8_demo,
    "fp8-quantization": fp8_demo,
}
