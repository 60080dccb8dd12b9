"""DeepSeek-V4's hybrid attention: compressed sparse (CSA) and heavily compressed (HCA) layers.

Paper: DeepSeek-AI, "DeepSeek-V4: Towards Highly Efficient Million-Token Context Intelligence",
arXiv:2606.19348, section 2.3 (2.3.1 CSA with its lightning indexer, 2.3.2 HCA; eq. numbers as
cited by transformers' ``modeling_deepseek_v4.py``) and the deepseek-ai/DeepSeek-V4-Pro and
-Flash model cards and configs.  Graph ids ``compressed-sparse-attention`` and
``heavily-compressed-attention``.

Every layer is multi-query attention with one shared head that is both key and value (width
D = 512), over two sets of entries:

* a **sliding window** of the last W = 128 tokens, uncompressed;
* **compressed entries**: each window of m tokens is pooled into one entry,
  ``C_n = RMSNorm(sum_j softmax_j(Z_j + B_j) * C_j)`` with per-channel gates Z = H W^Z, values
  C = H W^KV and a learned position bias B (sec. 2.3.2, eqs. 20-23).  HCA layers use m = 128 and
  attend to every entry; CSA layers use m = 4 with windows that overlap by m (each entry pools
  2m tokens: the previous window's first half-projection and its own second half, sec. 2.3.1), and
  a DSA-style lightning indexer (:mod:`lineage.techniques.dsa`) picks the top-k entries per query:
  ``I_{t,n} = sum_h w_{t,h} ReLU(q^I_{t,h} . K^I_n)`` over compressed indexer keys (eqs. 13-17).

An entry is visible to query t once its whole window lies at or before t.  Queries come from a
low-rank latent (as in MLA) and are RMS-normalised per head; RoPE rotates the last 64 dimensions
of queries and keys, and the output's rotary part is rotated back by the query's angle (keys
double as values).  A learned per-head "sink" logit joins each softmax.  The output projection
is grouped: g groups of heads each map to a d_g latent, then one matrix mixes them.

Per token and layer the cache grows by D / m numbers (plus index_head_dim / 4 for CSA), against
576 + 128 for DeepSeek-V3.2's MLA + DSA; :func:`lineage.measure.v4_vs_v32_at` computes both models'
KV bytes and single-token FLOPs at a context length from their configs (:func:`lineage.measure.kv_bytes_at`,
:func:`flops_per_token`).

Simplified: plain RoPE (no YaRN) in the module; no FP8/FP4, no mHC residual streams, no MoE;
batches without padding.  Parity with transformers' ``DeepseekV4Attention`` (all three layer
types) is tested in ``tests/techniques/test_deepseek_v4_attention.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from lineage.techniques.mla import apply_rope, rms_norm, rope_angles

TECHNIQUES = ("compressed-sparse-attention", "heavily-compressed-attention")  # graph ids, read by lineage.techniques

__all__ = [
    "V4AttentionConfig", "V4Attention", "V4Cache", "pool_windows", "flops_per_token", "v4_layer_macs", "v32_layer_macs"]


@dataclass(frozen=True)
class V4AttentionConfig:
    """Defaults are DeepSeek-V4-Pro's (config.json of deepseek-ai/DeepSeek-V4-Pro), for a CSA layer."""

    hidden_size: int = 7168  # d
    num_heads: int = 128  # query heads; one shared key/value head
    head_dim: int = 512  # D, width of the shared KV entry and of each query head
    rope_dim: int = 64  # the last 64 dims of each head carry RoPE
    q_lora_rank: int = 1536  # query latent, as in MLA
    o_groups: int = 16  # g, groups of heads in the output projection
    o_lora_rank: int = 1024  # d_g, each group's latent
    window: int = 128  # W, sliding window of uncompressed tokens
    compress_ratio: int = 4  # m: 4 = CSA (overlapping windows + indexer), 128 = HCA, 0 = window only
    index_n_heads: int = 64  # H^I, indexer heads (CSA)
    index_head_dim: int = 128  # d^I, indexer key width (CSA)
    index_topk: int = 1024  # k, compressed entries each query attends (CSA)
    rope_theta: float = 10000.0  # window-only layers
    compress_rope_theta: float = 160000.0  # layers with compressed entries (YaRN-scaled in the release)
    rms_norm_eps: float = 1e-6

    @property
    def theta(self) -> float:
        return self.compress_rope_theta if self.compress_ratio else self.rope_theta


# --------------------------------------------------------------------------- pure functions


def pool_windows(kv, gate, bias, ratio: int, overlap: bool, previous=None):
    """Gated pooling of each complete window of ``ratio`` tokens into one entry (eqs. 20-23).

    Shapes: kv, gate (B, N * m, w) or (B, N * m, 2w) with ``overlap``; bias (m, w or 2w);
    previous: (kv, gate) of the window before the first, (B, m, 2w), or None.  Returns (B, N, w).
    With ``overlap`` (CSA) entry n pools 2m rows: window n-1's first halves and window n's second.
    """
    if kv.shape[1] == 0:  # no window closed
        return kv.new_zeros(kv.shape[0], 0, kv.shape[-1] // (2 if overlap else 1))
    gate = gate.unflatten(1, (-1, ratio)) + bias  # (B, N, m, w'): bias by position in the window
    kv = kv.unflatten(1, (-1, ratio))  # (B, N, m, w')
    if overlap:
        w = kv.shape[-1] // 2
        if previous is None:  # before the first window: nothing, weight 0 after the softmax
            previous = (torch.zeros_like(kv[:, :1]), torch.full_like(gate[:, :1], float("-inf")))
        else:
            previous = (previous[0][:, None], previous[1][:, None] + bias)  # (B, 1, m, 2w)
        before_kv = torch.cat((previous[0], kv[:, :-1]), dim=1)[..., :w]  # (B, N, m, w): window n-1, first half
        before_gate = torch.cat((previous[1], gate[:, :-1]), dim=1)[..., :w]
        kv = torch.cat((before_kv, kv[..., w:]), dim=2)  # (B, N, 2m, w)
        gate = torch.cat((before_gate, gate[..., w:]), dim=2)
    weights = torch.softmax(gate, dim=2, dtype=torch.promote_types(gate.dtype, torch.float32)).to(kv.dtype)
    return (weights * kv).sum(dim=2)  # (B, N, w)


def rope_tail(x, positions, rope_dim: int, theta: float, inverse: bool = False):
    """Interleaved RoPE on the last ``rope_dim`` dims of x (..., T, D); ``inverse`` rotates back."""
    cos, sin = rope_angles(positions, rope_dim, theta, x.dtype)  # (T, rope_dim / 2)
    head, tail = x[..., :-rope_dim], x[..., -rope_dim:]
    return torch.cat((head, apply_rope(tail, cos, -sin if inverse else sin)), dim=-1)


def entry_visible(positions, n_entries: int, ratio: int):
    """True where the query at each position may see compressed entry n: its window ended at or before it."""
    return (torch.arange(n_entries)[None, :] + 1) * ratio <= positions[:, None] + 1  # (S, N)


def window_visible(positions, key_positions, window: int):
    """True where the query sees the uncompressed key: one of its last ``window`` tokens."""
    distance = positions[:, None] - key_positions[None, :]  # (S, T_w)
    return (distance >= 0) & (distance < window)


def attend_with_sink(q, kv, visible, sinks, scale):
    """Shared-KV MQA with a per-head sink logit: q (B, H, S, D), kv (B, T, D), visible (B or 1, S, T)."""
    scores = torch.einsum("bhsd,btd->bhst", q, kv) * scale
    scores = scores.masked_fill(~visible[:, None], float("-inf"))
    sink = sinks.view(1, -1, 1, 1).expand(*scores.shape[:-1], 1).to(scores.dtype)  # (B, H, S, 1)
    wide = torch.promote_types(scores.dtype, torch.float32)
    probs = torch.softmax(torch.cat((scores, sink), dim=-1), dim=-1, dtype=wide)[..., :-1]  # the sink takes mass, no value
    return torch.einsum("bhst,btd->bhsd", probs.to(kv.dtype), kv)


# --------------------------------------------------------------------------- cache and modules


class V4Cache:
    """Per layer: the sliding window, the compressed entries, the indexer keys, and the unpooled tail."""

    def __init__(self):
        self.seen = 0  # tokens seen so far
        self.window: torch.Tensor | None = None  # (B, <= W, D)
        self.entries: dict[str, torch.Tensor] = {}  # "kv" (B, T // m, D); "index" (B, T // m, d^I)
        self.pending: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}  # projections of the open window
        self.previous: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}  # last closed window (CSA overlap)

    def nbytes(self) -> int:
        """The KV cache proper: window plus compressed entries (what the formulas count)."""
        return sum(t.numel() * t.element_size() for t in (self.window, *self.entries.values()) if t is not None)

    def scratch_nbytes(self) -> int:
        """Projections waiting for their window to close: bounded by 2m tokens, whatever the length."""
        return sum(t.numel() * t.element_size() for pair in (*self.pending.values(), *self.previous.values()) for t in pair)


class Compressor(nn.Module):
    """Projects tokens to (kv, gate), pools closed windows, normalises and rotates the entries."""

    def __init__(self, hidden: int, width: int, cfg: V4AttentionConfig):
        super().__init__()
        self.cfg, self.overlap = cfg, cfg.compress_ratio == 4  # CSA windows overlap; HCA's do not
        wide = 2 * width if self.overlap else width
        self.kv_proj = nn.Linear(hidden, wide, bias=False)
        self.gate_proj = nn.Linear(hidden, wide, bias=False)
        self.position_bias = nn.Parameter(torch.zeros(cfg.compress_ratio, wide))
        self.kv_norm = nn.RMSNorm(width, eps=cfg.rms_norm_eps)

    def forward(self, x, cache: V4Cache | None, name: str, start: int):
        c, m = self.cfg, self.cfg.compress_ratio
        kv, gate = self.kv_proj(x), self.gate_proj(x)
        first = 0  # position of the first token in kv
        if cache is not None and name in cache.pending:
            kv, gate = (torch.cat(p, dim=1) for p in zip(cache.pending[name], (kv, gate)))
            first = start - cache.pending[name][0].shape[1]
        closed = kv.shape[1] // m * m
        previous = cache.previous.get(name) if cache is not None else None
        new = pool_windows(kv[:, :closed], gate[:, :closed], self.position_bias, m, self.overlap, previous)
        new = rms_norm(new, self.kv_norm.weight, c.rms_norm_eps)
        new = rope_tail(new, torch.arange(first, first + closed, m), c.rope_dim, c.theta)  # at each window's start
        if cache is None:
            return new
        if closed:
            cache.previous[name] = (kv[:, closed - m : closed], gate[:, closed - m : closed])
        cache.pending[name] = (kv[:, closed:], gate[:, closed:])
        cache.entries[name] = new if name not in cache.entries else torch.cat((cache.entries[name], new), dim=1)
        return cache.entries[name]


class V4Attention(nn.Module):
    """One DeepSeek-V4 attention layer; weight names follow transformers' ``DeepseekV4Attention``."""

    def __init__(self, cfg: V4AttentionConfig):
        super().__init__()
        self.cfg = c = cfg
        self.q_a_proj = nn.Linear(c.hidden_size, c.q_lora_rank, bias=False)
        self.q_a_norm = nn.RMSNorm(c.q_lora_rank, eps=c.rms_norm_eps)
        self.q_b_proj = nn.Linear(c.q_lora_rank, c.num_heads * c.head_dim, bias=False)
        self.kv_proj = nn.Linear(c.hidden_size, c.head_dim, bias=False)  # the one shared key/value head
        self.kv_norm = nn.RMSNorm(c.head_dim, eps=c.rms_norm_eps)
        self.o_a_proj = nn.Linear(c.num_heads * c.head_dim // c.o_groups, c.o_groups * c.o_lora_rank, bias=False)
        self.o_b_proj = nn.Linear(c.o_groups * c.o_lora_rank, c.hidden_size, bias=False)
        self.sinks = nn.Parameter(torch.zeros(c.num_heads))
        if c.compress_ratio:
            self.compressor = Compressor(c.hidden_size, c.head_dim, c)
        if c.compress_ratio == 4:
            self.compressor.indexer = Compressor(c.hidden_size, c.index_head_dim, c)
            self.compressor.indexer.q_b_proj = nn.Linear(c.q_lora_rank, c.index_n_heads * c.index_head_dim, bias=False)
            self.compressor.indexer.scorer = nn.Module()
            self.compressor.indexer.scorer.weights_proj = nn.Linear(c.hidden_size, c.index_n_heads, bias=False)

    def index_scores(self, x, c_q, positions, cache):
        """CSA's lightning indexer: I_{t,n} for every compressed entry, -inf where not yet visible (eqs. 13-16)."""
        c, idx = self.cfg, self.compressor.indexer
        keys = idx(x, cache, "index", int(positions[0]))  # (B, N, d^I)
        b, s, _ = x.shape
        q = idx.q_b_proj(c_q).view(b, s, c.index_n_heads, c.index_head_dim).transpose(1, 2)  # (B, H^I, S, d^I)
        q = rope_tail(q, positions, c.rope_dim, c.theta)
        w = idx.scorer.weights_proj(x) * c.index_n_heads**-0.5  # (B, S, H^I)
        scores = torch.einsum("bhsd,bnd->bshn", q, keys).relu() * c.index_head_dim**-0.5  # (B, S, H^I, N)
        scores = torch.einsum("bshn,bsh->bsn", scores, w)  # sum over indexer heads
        visible = entry_visible(positions, keys.shape[1], c.compress_ratio)[None]  # (1, S, N)
        return scores.masked_fill(~visible, float("-inf"))

    def select(self, scores: torch.Tensor) -> torch.Tensor:
        """True for the top-k visible entries of each query (eq. 17); (B, S, N)."""
        top = scores.topk(min(self.cfg.index_topk, scores.shape[-1]), dim=-1).indices  # (B, S, k)
        return torch.zeros_like(scores, dtype=torch.bool).scatter_(-1, top, True) & (scores > float("-inf"))

    def forward(self, x: torch.Tensor, start: int = 0, cache: V4Cache | None = None) -> torch.Tensor:
        """Attend from ``x`` (B, S, d), the tokens at positions ``start`` … ``start + S - 1``."""
        c = self.cfg
        b, s, _ = x.shape
        positions = torch.arange(start, start + s)
        c_q = rms_norm(self.q_a_proj(x), self.q_a_norm.weight, c.rms_norm_eps)  # (B, S, q_lora)
        q = self.q_b_proj(c_q).view(b, s, c.num_heads, c.head_dim).transpose(1, 2)  # (B, H, S, D)
        q = rope_tail(rms_norm(q, torch.ones((), dtype=q.dtype), c.rms_norm_eps), positions, c.rope_dim, c.theta)
        kv = rope_tail(rms_norm(self.kv_proj(x), self.kv_norm.weight, c.rms_norm_eps), positions, c.rope_dim, c.theta)
        key_positions = positions
        if cache is not None:
            if cache.window is not None:
                old = cache.window[:, max(0, cache.window.shape[1] - c.window + 1) :]  # only what the first query can see
                kv = torch.cat((old, kv), dim=1)  # (B, <= W - 1 + S, D)
                key_positions = torch.arange(start - old.shape[1], start + s)
            cache.window, cache.seen = kv[:, -c.window :], start + s
        visible = window_visible(positions, key_positions, c.window)[None]  # (1, S, T_w)
        if c.compress_ratio:
            entries = self.compressor(x, cache, "kv", start)  # (B, N, D)
            chosen = (self.select(self.index_scores(x, c_q, positions, cache)) if c.compress_ratio == 4
                      else entry_visible(positions, entries.shape[1], c.compress_ratio)[None])  # (B or 1, S, N)
            kv = torch.cat((kv, entries), dim=1)
            visible = torch.cat((visible.expand(chosen.shape[0], -1, -1), chosen), dim=-1)
        out = attend_with_sink(q, kv, visible, self.sinks, c.head_dim**-0.5)  # (B, H, S, D)
        out = rope_tail(out, positions, c.rope_dim, c.theta, inverse=True)  # values carried keys' rotation
        groups = out.transpose(1, 2).reshape(b, s, c.o_groups, -1)  # (B, S, g, H D / g)
        w_a = self.o_a_proj.weight.view(c.o_groups, c.o_lora_rank, -1)  # (g, d_g, H D / g)
        latent = torch.einsum("bsgi,goi->bsgo", groups, w_a).flatten(2)  # (B, S, g d_g)
        return self.o_b_proj(latent)  # (B, S, d)


# --------------------------------------------------------------------------- formulas from configs


def v4_layer_macs(c: dict, ratio: int, tokens: int) -> int:
    """Multiply-adds of one DeepSeek-V4 layer (compress ratio m) for one token at context ``tokens``."""
    h, heads, d, ql = c["hidden_size"], c["num_attention_heads"], c["head_dim"], c["q_lora_rank"]
    hi, di = c["index_n_heads"], c["index_head_dim"]
    macs = h * ql + ql * heads * d + h * d  # q latent, q heads, the shared kv head
    macs += heads * d * c["o_lora_rank"] + c["o_groups"] * c["o_lora_rank"] * h  # grouped output projection
    entries = tokens // ratio if ratio else 0
    keys = min(tokens, c["sliding_window"]) + (min(c["index_topk"], entries) if ratio == 4 else entries)
    macs += keys * heads * d * 2  # q . k and p v over the shared D-wide entries
    if ratio:
        macs += 2 * h * d * (2 if ratio == 4 else 1)  # compressor kv and gate projections (CSA: two halves)
    if ratio == 4:  # lightning indexer: its compressor, queries, head weights, scores and their weighted sum
        macs += 2 * h * 2 * di + ql * hi * di + h * hi + entries * hi * (di + 1)
    return macs


def v32_layer_macs(c: dict, tokens: int) -> int:
    """Multiply-adds of one DeepSeek-V3.2 layer (absorbed MLA + DSA) for one token at context ``tokens``."""
    h, heads, ql = c["hidden_size"], c["num_attention_heads"], c["q_lora_rank"]
    dc, dr, dn, dv = c["kv_lora_rank"], c["qk_rope_head_dim"], c["qk_nope_head_dim"], c["v_head_dim"]
    hi, di = c["index_n_heads"], c["index_head_dim"]
    macs = h * ql + ql * heads * (dn + dr) + h * (dc + dr)  # q latent, q heads, kv latent + rotary key
    macs += heads * dn * dc + heads * dc * dv + heads * dv * h  # W_UK into q, W_UV out of the latent, W_O
    macs += ql * hi * di + h * di + h * hi + tokens * hi * (di + 1)  # indexer over every past token
    return macs + min(tokens, c["index_topk"]) * heads * (dc + dr + dc)  # scores over [c_kv; k_rope], then p c_kv


def flops_per_token(config: dict, tokens: int) -> dict[str, float]:
    """FLOPs (2 per multiply-add) to decode one token at context ``tokens``, by part.

    ``attention``: projections, indexer and attention over the entries the token sees, all layers;
    ``ffn``: active experts (+ shared, + dense layers) and routers; ``head``: the output head.
    Not counted: norms, softmaxes, RoPE, pooling, V4's hyper-connections (each O(d) per token).
    """
    c, layers, h = config, config["num_hidden_layers"], config["hidden_size"]
    if "compress_ratios" in c:  # DeepSeek-V4
        attention = sum(v4_layer_macs(c, m, tokens) for m in c["compress_ratios"][:layers])
        dense = 0
    else:  # DeepSeek-V3.2
        attention = layers * v32_layer_macs(c, tokens)
        dense = c.get("first_k_dense_replace", 0)
    active = c["num_experts_per_tok"] + c.get("n_shared_experts", 0)
    ffn = (layers - dense) * (3 * h * c["moe_intermediate_size"] * active + h * c["n_routed_experts"])
    ffn += dense * 3 * h * c.get("intermediate_size", 0)
    parts = {"attention": 2 * attention, "ffn": 2 * ffn, "head": 2 * h * c["vocab_size"]}
    return {**parts, "total": sum(parts.values())}
