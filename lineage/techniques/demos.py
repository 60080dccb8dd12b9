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
    from lineage.ingest.config import bundled_dir

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
    from lineage.techniques.gated_deltanet import chunked_gated_delta_rule

    return _state_vs_kv("gated-deltanet", "lineage/techniques/gated_deltanet.py", chunked_gated_delta_rule, 32, 128, 128,
                        False, 2 * 2 * 256 * 2, "Qwen3-Next full-attention layer: 2 KV heads x 256 dims, K and V, BF16",
                        "Qwen3-Next-80B-A3B dims")


def kda_demo() -> Demo:
    """Kimi Linear's KDA state (fixed) vs its MLA layers' latent cache (growing)."""
    from lineage.techniques.gated_deltanet import chunked_gated_delta_rule

    return _state_vs_kv("kda", "lineage/techniques/kda.py", chunked_gated_delta_rule, 32, 128, 128, True, (512 + 64) * 2,
                        "Kimi Linear MLA layer: 512-dim latent + 64-dim rotary key, BF16", "Kimi-Linear-48B-A3B dims")


def lightning_demo() -> Demo:
    """MiniMax-Text-01's lightning state (fixed) vs its softmax layers' GQA cache (growing)."""
    torch = require_torch()
    from lineage.techniques.lightning_attention import decay_rates, lightning_blocks

    def rule(q, k, v, _decay, _beta):  # (B, T, H, d) inputs; per-head rates of MiniMax-Text-01's first layer
        return lightning_blocks(*(x.transpose(1, 2) for x in (q, k, v)), decay_rates(64, 0, 80, torch.float32), 256)

    return _state_vs_kv("lightning-attention", "lineage/techniques/lightning_attention.py", rule, 64, 128, 128, False,
                        2 * 8 * 128 * 2, "MiniMax-Text-01 softmax layer: 8 KV heads x 128 dims, K and V, BF16",
                        "MiniMax-Text-01 dims")


def deepseek_v4_demo() -> Demo:
    """DeepSeek-V4-Pro vs V3.2: KV bytes and single-token FLOPs at 128K and 1M tokens, from their configs."""
    require_torch()
    from lineage.techniques.deepseek_v4_attention import v4_vs_v32_at

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


DEMOS: dict[str, Callable[[], Demo]] = {
    "mla": mla_demo,
    "kv-cache": kv_cache_demo,
    "deepseekmoe": moe_demo,
    "muon": muon_demo,
    "muonclip": muon_demo,
    "mtp": mtp_demo,
    "dsa": dsa_demo,
    "gated-deltanet": gated_deltanet_demo,
    "kda": kda_demo,
    "lightning-attention": lightning_demo,
    "compressed-sparse-attention": deepseek_v4_demo,
    "heavily-compressed-attention": deepseek_v4_demo,
}
