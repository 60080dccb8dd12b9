"""Demos of attention and position techniques: cache sizes, decode paths, recurrent state, YaRN.

Each runs on CPU in a few seconds and returns numbers, never prints.  Needs torch.
"""

from __future__ import annotations

from lineage.demos.measurement import V3_CONFIG, Demo, Measurement, best_ms, frozen
from lineage.measure import bundled_config, kv_footprint, v4_vs_v32_at
from lineage.techniques import require_torch


def kv_cache_demo() -> Demo:
    """DeepSeek-V3's cache arithmetic from its bundled config, measured on torch caches."""
    from lineage.techniques.kv_cache import measure  # deferred for start-up: numpy, torch

    cfg = bundled_config(V3_CONFIG)
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
    from lineage.techniques.mla import MLA, LatentCache, MLAConfig  # deferred for start-up: numpy, torch

    demo = kv_cache_demo()
    torch.manual_seed(0)
    cfg = MLAConfig(hidden_size=1024, num_heads=16, q_lora_rank=384)  # V3's per-head dims, fewer heads
    layer = MLA(cfg).eval()
    cache = LatentCache()
    with torch.no_grad():
        layer(torch.randn(1, 1024, cfg.hidden_size), 0, cache)
        x = torch.randn(1, 1, cfg.hidden_size)
        plain = lambda: layer(x, 1024, frozen(cache), absorbed=False)  # noqa: E731
        absorbed = lambda: layer(x, 1024, frozen(cache), absorbed=True)  # noqa: E731
        diff = (plain() - absorbed()).abs().max().item()
        t_plain, t_abs = best_ms(plain), best_ms(absorbed)
    demo.technique, demo.module = "mla", "lineage/techniques/mla.py"
    demo.measurements += [
        Measurement(label="decode, 1,024 cached tokens, plain", value=round(t_plain, 2), unit="ms", note="16 heads, d_c 512, float32, CPU"),
        Measurement(label="decode, 1,024 cached tokens, absorbed", value=round(t_abs, 2), unit="ms", note="W_UK, W_UV folded into query and output"),
        Measurement(label="absorbed speed-up", value=round(t_plain / t_abs, 1), unit="x"),
        Measurement(label="max |plain - absorbed|", value=f"{diff:.1e}", note="same output, float32 rounding"),
    ]
    return demo


def dsa_demo() -> Demo:
    """Share of the cache DSA attends to at a long context, with V3.2's top-k."""
    torch = require_torch()
    from lineage.techniques.dsa import DSA, DSAConfig  # deferred for start-up: numpy, torch
    from lineage.techniques.mla import MLAConfig  # deferred for start-up: numpy, torch

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
    from lineage.techniques.yarn import (  # deferred for start-up: numpy, torch
        YaRNConfig,
        attention_factor,
        correction_range,
        yarn_inv_freq,
    )

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


def _state_vs_kv(technique: str, module: str, rule, heads: int, d_k: int, d_v: int, per_channel: bool,
                 kv_per_token: int, kv_note: str, model: str) -> Demo:
    """A linear-attention state measured after two lengths, next to a softmax layer's growing KV cache."""
    torch = require_torch()
    sizes = {}
    for t in (64, 256):
        torch.manual_seed(0)
        q, k = (torch.nn.functional.normalize(torch.randn(1, t, heads, d_k), dim=-1) for _ in range(2))
        decay = -torch.rand(1, t, heads, *((d_k,) if per_channel else ())) * 0.1
        _, state = rule(q, k, torch.randn(1, t, heads, d_v), decay, torch.rand(1, t, heads))
        sizes[t] = state.numel() * state.element_size()
    rows = [
        Measurement(label=f"state per layer after {t} tokens (measured)", value=b, unit="B",
                    note=f"{heads} heads x {d_k} x {d_v}, float32, {model}") for t, b in sizes.items()
    ]
    rows += [
        Measurement(label=f"softmax KV cache per layer at {t:,} tokens", value=kv_per_token * t, unit="B", note=kv_note)
        for t in (4096, 131072, 1048576)
    ]
    rows.append(Measurement(label="tokens at which the KV cache outgrows the state", value=sizes[256] // kv_per_token + 1))
    return Demo(technique=technique, module=module, measurements=rows)


def gated_deltanet_demo() -> Demo:
    """Qwen3-Next's Gated DeltaNet state (fixed) vs its full-attention layers' GQA cache (growing)."""
    from lineage.techniques.gated_deltanet import chunked_gated_delta_rule  # deferred for start-up: numpy, torch

    return _state_vs_kv("gated-deltanet", "lineage/techniques/gated_deltanet.py", chunked_gated_delta_rule, 32, 128, 128,
                        False, 2 * 2 * 256 * 2, "Qwen3-Next full-attention layer: 2 KV heads x 256 dims, K and V, BF16",
                        "Qwen3-Next-80B-A3B dims")


def kda_demo() -> Demo:
    """Kimi Linear's KDA state (fixed) vs its MLA layers' latent cache (growing)."""
    from lineage.techniques.gated_deltanet import chunked_gated_delta_rule  # deferred for start-up: numpy, torch

    return _state_vs_kv("kda", "lineage/techniques/kda.py", chunked_gated_delta_rule, 32, 128, 128, True, (512 + 64) * 2,
                        "Kimi Linear MLA layer: 512-dim latent + 64-dim rotary key, BF16", "Kimi-Linear-48B-A3B dims")


def lightning_demo() -> Demo:
    """MiniMax-Text-01's lightning state (fixed) vs its softmax layers' GQA cache (growing)."""
    torch = require_torch()
    from lineage.techniques.lightning_attention import (  # deferred for start-up: numpy, torch
        decay_rates,
        lightning_blocks,
    )

    def rule(q, k, v, _decay, _beta):  # (B, T, H, d) inputs; per-head rates of MiniMax-Text-01's first layer
        return lightning_blocks(*(x.transpose(1, 2) for x in (q, k, v)), decay_rates(64, 0, 80, torch.float32), 256)

    return _state_vs_kv("lightning-attention", "lineage/techniques/lightning_attention.py", rule, 64, 128, 128, False,
                        2 * 8 * 128 * 2, "MiniMax-Text-01 softmax layer: 8 KV heads x 128 dims, K and V, BF16",
                        "MiniMax-Text-01 dims")


def deepseek_v4_demo() -> Demo:
    """DeepSeek-V4-Pro vs V3.2: KV bytes and single-token FLOPs at 128K and 1M tokens, from their configs."""
    require_torch()

    rows = []
    for t in (131072, 1048576):
        r = v4_vs_v32_at(t)
        rows += [
            Measurement(label=f"KV cache per token at {t:,} tokens, V4-Pro / V3.2", value=f"{r['v4_kv_bytes'] / t:,.0f} / {r['v32_kv_bytes'] / t:,.0f}",
                        unit="B/token", note="all layers, BF16; window + compressed entries + indexer keys vs MLA latent + indexer keys"),
            Measurement(label=f"KV ratio at {t:,} tokens", value=f"{r['kv_ratio']:.1%}"),
            Measurement(label=f"FLOPs per token at {t:,} tokens, V4-Pro / V3.2", value=f"{r['v4_flops'] / 1e9:,.0f} / {r['v32_flops'] / 1e9:,.0f}",
                        unit="GFLOP", note="attention (projections, indexer, attended entries) + active experts + head"),
            Measurement(label=f"FLOPs ratio at {t:,} tokens", value=f"{r['flops_ratio']:.1%}",
                        note=f"attention alone: {r['attention_flops_ratio']:.1%}"),
        ]
    return Demo(technique="compressed-sparse-attention", module="lineage/techniques/deepseek_v4_attention.py", measurements=rows)
