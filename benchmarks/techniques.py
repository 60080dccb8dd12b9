"""Technique benchmark: KV-cache sizes, MLA decode, Muon, Muon vs AdamW training, references vs their ecosystem twins
(YaRN, mHC, hash routing, FP8, FP4, Gated DeltaNet, KDA, Lightning, DeepSeek-V4 attention vs transformers).

Run: ``.venv/bin/python benchmarks/techniques.py [--quick] [--store PATH]``.  Every ratio is
measured in this one run on this machine (CPU).  Prints tables, writes
``benchmarks/results/techniques.json`` and ``benchmarks/results/muon_vs_adamw.png``
(matplotlib, a benchmark-only dependency; the PNG is skipped without it).  With
``--store`` the measured KV-cache sizes of the bundled configs are also recorded there as
``kvBytesPerToken`` claims (method measurement).

Needs torch (the ``techniques`` extra) and transformers (the ``dev`` extra) for the
comparison with ``DeepseekV3Attention``.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from pathlib import Path

import torch

from lineage.measure import kv_footprint
from lineage.techniques.kv_cache import measure
from lineage.techniques.mla import MLA, LatentCache, MLAConfig
from lineage.techniques.mtp import Block, MTPConfig
from lineage.techniques.muon import Muon, MuonConfig, state_bytes

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
CORPUS = ROOT.parent / "shared" / "corpus" / "configs"


def best_ms(fn, repeat: int, setup=lambda: None) -> float:
    """Best of ``repeat`` timed calls (``setup`` runs untimed before each), in ms."""
    fn()  # warm-up
    best = math.inf
    for _ in range(repeat):
        setup()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def table(headers, rows) -> str:
    cells = [list(map(str, headers))] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return "\n".join("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in cells)


# --------------------------------------------------------------------------- KV cache


def kv_section() -> list[dict]:
    folder = CORPUS if CORPUS.is_dir() else ROOT / "seeds" / "sources" / "configs"
    rows = []
    for path in sorted(folder.glob("*.json")):
        fp = kv_footprint(json.loads(path.read_text()), name=path.name)
        m = measure(fp, tokens=256)
        assert m.bytes_per_token == fp.bytes_per_token and m.bytes_at == fp.bytes_at(256), path.name
        rows.append({
            "config": path.name, "kind": fp.kind, "bytes_per_token": m.bytes_per_token,
            "mha_bytes_per_token": m.mha_bytes_per_token, "mha_over_this": round(m.mha_bytes_per_token / m.bytes_per_token, 1),
            "window_bytes": fp.window_bytes, "estimated": fp.estimated, "notes": list(fp.notes),
        })
    print(f"KV cache per token, BF16, measured on torch caches (configs from {folder})")
    print(table(
        ["CONFIG", "KIND", "B/TOKEN", "MHA B/TOKEN", "MHA/THIS", "WINDOW B"],
        [[r["config"][:52], r["kind"] + (" (est.)" if r["estimated"] else ""), f"{r['bytes_per_token']:,}",
          f"{r['mha_bytes_per_token']:,}", f"{r['mha_over_this']}x", f"{r['window_bytes']:,}"] for r in rows],
    ))
    return rows


# --------------------------------------------------------------------------- MLA decode


def transformers_attention(cfg: MLAConfig):
    from transformers import DeepseekV3Config
    from transformers.models.deepseek_v3.modeling_deepseek_v3 import DeepseekV3Attention, DeepseekV3RotaryEmbedding

    hf = DeepseekV3Config(
        vocab_size=32, hidden_size=cfg.hidden_size, num_attention_heads=cfg.num_heads, num_key_value_heads=cfg.num_heads,
        q_lora_rank=cfg.q_lora_rank, kv_lora_rank=cfg.kv_lora_rank, qk_nope_head_dim=cfg.qk_nope_head_dim,
        qk_rope_head_dim=cfg.qk_rope_head_dim, v_head_dim=cfg.v_head_dim, rope_interleave=True, num_hidden_layers=1,
    )
    hf._attn_implementation = "eager"
    hf.rope_parameters = {"rope_type": "default", "rope_theta": cfg.rope_theta}
    return DeepseekV3Attention(hf, layer_idx=0).eval(), DeepseekV3RotaryEmbedding(hf)


def mla_section(lengths: list[int], repeat: int) -> list[dict]:
    from transformers.cache_utils import DynamicCache

    torch.manual_seed(0)
    cfg = MLAConfig(hidden_size=2048, num_heads=16, q_lora_rank=1536)  # V3's per-head dims and ranks, 16 heads
    ours = MLA(cfg).eval()
    ref, rotary = transformers_attention(cfg)
    ref.load_state_dict(ours.state_dict(), strict=False)
    rows = []
    with torch.no_grad():
        for t in lengths:
            c_kv, k_rope = torch.randn(1, t, cfg.kv_lora_rank), torch.randn(1, t, cfg.qk_rope_head_dim)
            x = torch.randn(1, 1, cfg.hidden_size)
            cache = LatentCache()

            def reset():
                cache.c_kv, cache.k_rope = c_kv, k_rope

            hf_cache = DynamicCache()
            hf_cache.update(c_kv[:, None], k_rope[:, None], 0)  # (B, 1, T, d_c), (B, 1, T, d_r)
            cos, sin = rotary(x, torch.tensor([[t]]))

            timings = {
                "plain": best_ms(lambda: ours(x, t, cache, absorbed=False), repeat, reset),
                "absorbed": best_ms(lambda: ours(x, t, cache, absorbed=True), repeat, reset),
                "transformers": best_ms(lambda: ref(x, (cos, sin), None, past_key_values=hf_cache), repeat,
                                        lambda: hf_cache.get_seq_length() > t and hf_cache.crop(-1)),
            }
            reset()
            same = (ours(x, t, cache, absorbed=True) - ours(x, t, (reset(), cache)[1], absorbed=False)).abs().max().item()
            rows.append({"cached_tokens": t, **{f"{k}_ms": round(v, 3) for k, v in timings.items()},
                         "plain_over_absorbed": round(timings["plain"] / timings["absorbed"], 1),
                         "transformers_over_absorbed": round(timings["transformers"] / timings["absorbed"], 1),
                         "max_abs_diff_plain_absorbed": same})
    print("\nMLA decode, one new token, batch 1, float32 (16 heads, d_c 512, d_h 128 + 64 rope)")
    print(table(
        ["CACHED", "PLAIN ms", "ABSORBED ms", "TRANSFORMERS ms", "PLAIN/ABSORBED", "TRANSFORMERS/ABSORBED"],
        [[f"{r['cached_tokens']:,}", r["plain_ms"], r["absorbed_ms"], r["transformers_ms"],
          f"{r['plain_over_absorbed']}x", f"{r['transformers_over_absorbed']}x"] for r in rows],
    ))
    return rows


# --------------------------------------------------------------------------- linear attention and DeepSeek-V4


def linear_section(repeat: int, scale: int = 1) -> list[dict]:
    """Ours vs transformers' torch paths at one realistic shape each, same inputs or weights, float32
    (``scale`` divides every sequence length: a smoke run)."""
    from transformers import DeepseekV4Config, MiniMaxConfig
    from transformers.models.deepseek_v4.modeling_deepseek_v4 import DeepseekV4Attention, DeepseekV4RotaryEmbedding
    from transformers.models.kimi_linear.modeling_kimi_linear import chunk_kimi_delta_attention
    from transformers.models.minimax.modeling_minimax import MiniMaxLightningAttention
    from transformers.models.qwen3_next.modeling_qwen3_next import torch_chunk_gated_delta_rule

    from lineage.techniques.deepseek_v4_attention import V4Attention, V4AttentionConfig
    from lineage.techniques.gated_deltanet import chunked_gated_delta_rule
    from lineage.techniques.lightning_attention import LightningAttention, LightningConfig

    torch.manual_seed(0)
    t, h, d = 512 // scale, 32, 128  # Qwen3-Next / Kimi Linear heads and head width, 512 tokens, chunks of 64
    q, k = (torch.nn.functional.normalize(torch.randn(1, t, h, d), dim=-1) for _ in range(2))
    v, beta = torch.randn(1, t, h, d), torch.rand(1, t, h)
    g_head, g_chan = -torch.rand(1, t, h) * 0.1, -torch.rand(1, t, h, d) * 0.1
    rows = [
        ("gated_deltanet.py (chunked rule)", f"32 heads x 128, {t} tokens",
         lambda: chunked_gated_delta_rule(q, k, v, g_head, beta), lambda: torch_chunk_gated_delta_rule(q, k, v, g_head, beta)),
        ("kda.py (chunked rule, per-channel decay)", f"32 heads x 128, {t} tokens",
         lambda: chunked_gated_delta_rule(q, k, v, g_chan, beta), lambda: chunk_kimi_delta_attention(q, k, v, g_chan, beta)),
    ]
    lc = LightningConfig(hidden_size=2048, num_heads=16, head_dim=128, block_size=256, num_layers=80)
    ref = MiniMaxLightningAttention(MiniMaxConfig(hidden_size=2048, num_attention_heads=16, head_dim=128, block_size=256,
                                                  num_hidden_layers=80, layer_types=["linear_attention"] * 80), 0).eval()
    ours = LightningAttention(lc).eval()
    ours.load_state_dict(ref.state_dict(), strict=False)
    x = torch.randn(1, 2048 // scale, 2048)
    rows.append(("lightning_attention.py (layer)", f"16 heads x 128, blocks of 256, {2048 // scale:,} tokens",
                 lambda: ours(x), lambda: ref(x, None, None)))
    vc = V4AttentionConfig(hidden_size=1024, num_heads=16, q_lora_rank=512, o_groups=4, o_lora_rank=256, index_n_heads=16, index_topk=256)
    hf = DeepseekV4Config(hidden_size=1024, num_attention_heads=16, head_dim=512, q_lora_rank=512, o_groups=4, o_lora_rank=256,
                          index_n_heads=16, index_topk=256, num_hidden_layers=1, layer_types=["compressed_sparse_attention"],
                          mlp_layer_types=["moe"])
    hf._attn_implementation = "eager"
    v4_ref, rotary = DeepseekV4Attention(hf, 0).eval(), DeepseekV4RotaryEmbedding(hf)
    for p in v4_ref.parameters():
        torch.nn.init.normal_(p, std=0.02)
    v4 = V4Attention(vc).eval()
    v4.load_state_dict(v4_ref.state_dict())
    n4 = 1024 // scale
    x4 = torch.randn(1, n4, 1024)
    pos = torch.arange(n4)[None]
    rope = {kind: rotary(x4, pos, layer_type=kind) for kind in ("main", "compress")}
    dist = pos[0][:, None] - pos[0][None, :]
    mask = torch.zeros(1, 1, n4, n4).masked_fill((dist < 0) | (dist >= 128), float("-inf"))
    rows.append(("deepseek_v4_attention.py (CSA layer)", f"V4 head_dim 512, 16 heads, m 4, top-256, {n4:,} tokens",
                 lambda: v4(x4), lambda: v4_ref(x4, rope, pos, mask)))
    out = []
    with torch.no_grad():
        for name, shape, mine, theirs in rows:
            a, b = mine(), theirs()
            a, b = (y[0] if isinstance(y, tuple) else y for y in (a, b))
            ms_ours, ms_ref = best_ms(mine, repeat), best_ms(theirs, repeat)
            out.append({"file": name, "shape": shape, "ours_ms": round(ms_ours, 1), "transformers_ms": round(ms_ref, 1),
                        "ours_over_transformers": round(ms_ours / ms_ref, 2), "max_abs_diff": (a - b).abs().max().item()})
    print("\nLinear attention and DeepSeek-V4 attention, prefill, batch 1, float32: ours vs transformers' torch path")
    print(table(["FILE", "SHAPE", "OURS ms", "TRANSFORMERS ms", "OURS/TRANSFORMERS", "MAX |DIFF|"],
                [[r["file"], r["shape"], r["ours_ms"], r["transformers_ms"], f"{r['ours_over_transformers']}x",
                  f"{r['max_abs_diff']:.1e}"] for r in out]))
    return out


# --------------------------------------------------------------------------- Muon


def muon_section(repeat: int) -> dict:
    shapes = [(512, 512), (512, 2048), (2048, 512)] * 2
    makers = {
        "lineage Muon": lambda ps: Muon(ps, MuonConfig(lr=0.02, adjust_lr_fn="match_rms_adamw")),
        "torch.optim.Muon": lambda ps: torch.optim.Muon(ps, lr=0.02, adjust_lr_fn="match_rms_adamw"),
        "torch.optim.AdamW": lambda ps: torch.optim.AdamW(ps, lr=1e-3),
    }
    out = {}
    for name, make in makers.items():
        torch.manual_seed(0)
        ps = [torch.nn.Parameter(torch.randn(*s)) for s in shapes]
        for p in ps:
            p.grad = torch.randn_like(p)
        opt = make(ps)
        out[name] = {"step_ms": round(best_ms(opt.step, repeat), 2), "state_bytes": state_bytes(opt),
                     "param_bytes": sum(p.numel() * p.element_size() for p in ps)}
    ours, ref, adamw = out["lineage Muon"], out["torch.optim.Muon"], out["torch.optim.AdamW"]
    ratios = {"step_vs_torch_muon": round(ours["step_ms"] / ref["step_ms"], 2),
              "step_vs_adamw": round(ours["step_ms"] / adamw["step_ms"], 1),
              "state_vs_adamw": ours["state_bytes"] / adamw["state_bytes"]}
    print("\nOptimizer step, 6 matrices (512x512, 512x2048, 2048x512) x 2, float32 params, bf16 Newton-Schulz")
    print(table(["OPTIMIZER", "STEP ms", "STATE BYTES", "STATE / PARAMS"],
                [[k, v["step_ms"], f"{v['state_bytes']:,}", f"{v['state_bytes'] / v['param_bytes']:.1f}"] for k, v in out.items()]))
    print(f"lineage Muon / torch.optim.Muon step time: {ratios['step_vs_torch_muon']}x; "
          f"/ AdamW: {ratios['step_vs_adamw']}x; state vs AdamW: {ratios['state_vs_adamw']}x")
    return {"optimizers": out, **ratios}


# --------------------------------------------------------------------------- references vs ecosystem


def ecosystem_section(repeat: int, scale: int = 1) -> list[dict]:
    """YaRN, mHC, hash routing, FP8 and FP4 references against transformers' implementations, one realistic shape each
    (``scale`` divides the positions, tokens and weight rows: a smoke run)."""
    from types import SimpleNamespace

    from transformers import DeepseekV4Config, LlamaConfig
    from transformers.integrations.finegrained_fp8 import Fp8Quantize
    from transformers.integrations.mxfp4 import convert_moe_packed_tensors
    from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS
    from transformers.models.deepseek_v4.modeling_deepseek_v4 import DeepseekV4HashRouter, DeepseekV4HyperConnection
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    from lineage.techniques.fp4_blockwise import dequantize_mxfp4, quantize_mxfp4
    from lineage.techniques.fp8_blockwise import quantize_weight
    from lineage.techniques.hash_routing import HashRouter, HashRoutingConfig
    from lineage.techniques.mhc import HCConfig, ManifoldHyperConnection
    from lineage.techniques.yarn import YaRNConfig, YaRNRotaryEmbedding

    torch.manual_seed(0)
    rows = []

    def row(name, shape, ours, theirs):
        with torch.no_grad():
            t_ours, t_theirs = best_ms(ours, repeat), best_ms(theirs, repeat)
        rows.append({"technique": name, "shape": shape, "lineage_ms": round(t_ours, 3), "transformers_ms": round(t_theirs, 3),
                     "lineage_over_transformers": round(t_ours / t_theirs, 2)})

    yarn = YaRNConfig()  # DeepSeek-V3: 64 rotary dims, 4K -> 160K
    hf_yarn = LlamaConfig(hidden_size=128, num_attention_heads=2, head_dim=64, num_hidden_layers=1, max_position_embeddings=163840,
                          rope_parameters={"rope_type": "yarn", "rope_theta": 10000.0, "factor": 40.0, "original_max_position_embeddings": 4096})
    positions = torch.arange(32768 // scale)
    rotary = LlamaRotaryEmbedding(hf_yarn)
    row("yarn", f"inv_freq + cos/sin for {32768 // scale:,} positions, 64 dims",
        lambda: YaRNRotaryEmbedding(yarn)(positions), lambda: (ROPE_INIT_FUNCTIONS["yarn"](hf_yarn), rotary(positions[None].float(), positions[None])))

    hc = HCConfig(hidden_size=1024)  # n = 4 streams as DeepSeek-V4, a quarter of its width
    hf_v4 = DeepseekV4Config(hidden_size=hc.hidden_size, hc_mult=4, num_hidden_layers=1, vocab_size=129280)
    ref_hc = DeepseekV4HyperConnection(hf_v4)
    ours_hc = ManifoldHyperConnection(hc)
    ref_hc.load_state_dict(ours_hc.state_dict())
    streams = torch.randn(1, 2048 // scale, 4, hc.hidden_size)
    row("mhc", f"mappings for {2048 // scale:,} tokens x 4 streams x 1,024", lambda: ours_hc.mappings(streams), lambda: ref_hc(streams))

    hr = HashRoutingConfig(hidden_size=1024)  # V4's 256 experts, 6 per token, its vocabulary
    ours_router, ref_router = HashRouter(hr), DeepseekV4HashRouter(DeepseekV4Config(hidden_size=1024, num_hidden_layers=1))
    ref_router.load_state_dict(ours_router.state_dict())
    x, ids = torch.randn(4096 // scale, hr.hidden_size), torch.randint(0, hr.vocab_size, (4096 // scale,))
    row("hash-routing", f"{4096 // scale:,} tokens x 1,024, 256 experts, top-6", lambda: ours_router(x, ids), lambda: ref_router(x, ids))

    w = torch.randn(2048 // scale, 7168) * 0.02  # a DeepSeek-V3 expert's down-projection shape, transposed
    quantizer = Fp8Quantize(SimpleNamespace(quantization_config=SimpleNamespace(weight_block_size=(128, 128), scale_fmt="float")))
    row("fp8-quantization", f"{2048 // scale:,} x 7,168 weight, 128x128 blocks", lambda: quantize_weight(w), lambda: quantizer._quantize_one("w.weight", w))

    blocks, scales = quantize_mxfp4(torch.randn(1, 2048 // scale, 7168) * 0.02)  # one expert's weight, as V4 stores experts
    row("fp4-quantization", f"MXFP4 dequantise, {2048 // scale:,} x 7,168 weight, blocks of 32",
        lambda: dequantize_mxfp4(blocks, scales), lambda: convert_moe_packed_tensors(blocks, scales, dtype=torch.float32))

    print("\nReference implementations vs transformers, same run, float32 CPU (grpo: trl's loss needs a Trainer, not timed)")
    print(table(["TECHNIQUE", "SHAPE", "LINEAGE ms", "TRANSFORMERS ms", "LINEAGE/TRANSFORMERS"],
                [[r["technique"], r["shape"], r["lineage_ms"], r["transformers_ms"], f"{r['lineage_over_transformers']}x"] for r in rows]))
    return rows


# --------------------------------------------------------------------------- training


class TinyLM(torch.nn.Module):
    """Character-level 2-layer causal transformer (blocks from lineage.techniques.mtp)."""

    def __init__(self, vocab: int, d: int = 64, layers: int = 2, ctx: int = 64):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, d)
        self.pos = torch.nn.Embedding(ctx, d)
        self.blocks = torch.nn.ModuleList(Block(MTPConfig(hidden_size=d, num_heads=4)) for _ in range(layers))
        self.norm = torch.nn.RMSNorm(d)
        self.head = torch.nn.Linear(d, vocab, bias=False)

    def forward(self, idx):
        x = self.embed(idx) + self.pos(torch.arange(idx.shape[1]))
        for b in self.blocks:
            x = b(x)
        return self.head(self.norm(x))


def corpus_text() -> str:
    """Text the project ships: the README and the seed catalog."""
    parts = [ROOT / "README.md", *sorted((ROOT / "seeds").glob("*.yaml"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in parts)


def train_section(steps: int, draw: bool = True) -> dict:
    text = corpus_text()
    chars = sorted(set(text))
    data = torch.tensor([chars.index(c) for c in text])
    split = int(0.9 * len(data))
    train, val = data[:split], data[split:]
    ctx, batch, lr = 64, 16, 3e-3

    def batches(src, n, seed):
        g = torch.Generator().manual_seed(seed)
        for _ in range(n):
            i = torch.randint(0, len(src) - ctx - 1, (batch,), generator=g)
            yield torch.stack([src[j : j + ctx] for j in i]), torch.stack([src[j + 1 : j + ctx + 1] for j in i])

    def loss_of(model, x, y):
        return torch.nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())

    curves = {}
    for name in ("AdamW", "Muon"):
        torch.manual_seed(0)
        model = TinyLM(len(chars), ctx=ctx)
        hidden = [p for n, p in model.named_parameters() if p.ndim == 2 and n.startswith("blocks")]
        rest = [p for n, p in model.named_parameters() if not (p.ndim == 2 and n.startswith("blocks"))]
        if name == "Muon":  # Moonlight recipe: AdamW's lr and decay reused through match_rms_adamw
            opt = Muon([{"params": hidden, "use_muon": True}, {"params": rest, "use_muon": False}],
                       MuonConfig(lr=lr, adam_lr=lr, weight_decay=0.1, adjust_lr_fn="match_rms_adamw"))
        else:
            opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
        log, start = [], time.perf_counter()
        for step, (x, y) in enumerate(batches(train, steps, seed=1), start=1):
            loss = loss_of(model, x, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 25 == 0 or step == 1:
                with torch.no_grad():
                    v = sum(loss_of(model, vx, vy).item() for vx, vy in batches(val, 4, seed=2)) / 4
                log.append({"step": step, "train": round(loss.item(), 4), "val": round(v, 4)})
        curves[name] = {"log": log, "seconds": round(time.perf_counter() - start, 1), "state_bytes": state_bytes(opt)}
    final = {k: v["log"][-1]["val"] for k, v in curves.items()}
    print(f"\nTraining, 2-layer char LM (d 64, ctx 64, batch 16, lr {lr}) on README + seeds ({len(text):,} chars), {steps} steps")
    print(table(["OPTIMIZER", "FINAL VAL LOSS", "SECONDS", "STATE BYTES"],
                [[k, final[k], v["seconds"], f"{v['state_bytes']:,}"] for k, v in curves.items()]))
    png = plot(curves) if draw else None  # a quick run leaves the committed figure alone
    return {"steps": steps, "chars": len(text), "curves": curves, "final_val": final, "png": png}


def plot(curves) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no PNG written")
        return None
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, c in curves.items():
        ax.plot([r["step"] for r in c["log"]], [r["val"] for r in c["log"]], label=f"{name} (val)")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats/char)")
    ax.set_title("Muon vs AdamW, 2-layer char LM on CPU")
    ax.legend()
    path = RESULTS / "muon_vs_adamw.png"
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return str(path.relative_to(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A smoke run: one repeat, short contexts and shapes, 10 training steps.")
    parser.add_argument("--store", type=Path, help="Also record measured KV-cache claims into this store.")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    result = {
        "machine": {"python": platform.python_version(), "torch": torch.__version__, "threads": torch.get_num_threads(),
                    "processor": platform.processor() or platform.machine(), "quick": args.quick},
        "kv_cache": kv_section(),
        "mla_decode": mla_section([256, 1024] if args.quick else [1024, 4096, 16384], repeat=1 if args.quick else 5),
        "linear_and_v4": linear_section(repeat=1, scale=4) if args.quick else linear_section(repeat=3),
        "muon": muon_section(repeat=1 if args.quick else 10),
        "ecosystem": ecosystem_section(repeat=1, scale=8) if args.quick else ecosystem_section(repeat=10),
        "training": train_section(steps=10 if args.quick else 300, draw=not args.quick),
    }
    if args.store:
        from lineage.ingest.kv_measured import record_kv
        from lineage.store import Store

        with Store(args.store) as st:
            print(f"\nRecorded {record_kv(st)} kvBytesPerToken claims in {args.store}")
    if args.quick:  # a smoke run: the committed results stay those of a full run
        print("\nquick run: benchmarks/results/ left as it is")
        return
    out = RESULTS / "techniques.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
