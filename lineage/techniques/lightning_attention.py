"""Lightning Attention: linear attention with exponential decay, tiled into blocks.

Papers: Qin et al., "TransNormerLLM: A Faster and Better Large Language Model with Improved
TransNormer", arXiv:2307.14995 (linear attention with decay lambda^(t-s), section 3, and the
first Lightning Attention); Qin et al., "Lightning Attention-2", arXiv:2401.04658 (the
intra-block / inter-block split, its algorithm 1); MiniMax, "MiniMax-01: Scaling Foundation
Models with Lightning Attention", arXiv:2501.08313, section 2 (the layer used in MiniMax-Text-01,
with its per-head, per-layer decay rates).  Graph id ``lightning-attention``.

Per head, with a fixed decay rate s (no softmax, no 1/sqrt(d) scale):

    o_t = sum_{j <= t} exp(-s (t - j)) (q_t . k_j) v_j

Written as a recurrence, KV_t = exp(-s) KV_{t-1} + k_t v_t^T and o_t = KV_t^T q_t: a d x d
state per head instead of a KV cache that grows with t.  Training cannot afford a loop over t
and the quadratic form wastes FLOPs, so Lightning Attention splits the sequence into blocks
of B tokens (:func:`lightning_blocks`):

* **intra-block**: inside a block, the masked quadratic form ``((Q K^T) * D) V`` with
  D_ij = exp(-s (i - j)) for j <= i, else 0;
* **inter-block**: earlier blocks reach the block only through the state KV, decayed to each
  query's distance: ``(Q * exp(-s (i + 1))) KV``; the state then absorbs the block,
  ``KV <- exp(-s B) KV + (K * exp(-s (B - 1 - j)))^T V``.

:func:`decayed_linear_attention` is the plain quadratic form over the whole sequence, kept
beside it as the definition; :func:`lightning_step` is one decode step.  The layer
(:class:`LightningAttention`) is MiniMax-Text-01's: SiLU on q, k, v, an RMSNorm over all heads'
outputs, and a sigmoid output gate.  Decay rates follow ALiBi's slopes, 2^(-8 h / H), scaled down
linearly with depth (MiniMax-01's code, ``get_slope_rate`` in transformers).

Simplified: no padding masks or variable-length batches; no fused kernel.  Parity with
transformers' ``MiniMaxLightningAttention`` (prefill and cached decode) is tested in
``tests/techniques/test_lightning_attention.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

TECHNIQUES = ("lightning-attention",)  # graph ids, read by lineage.techniques

__all__ = ["LightningConfig", "LightningAttention", "LinearState", "decay_rates", "decayed_linear_attention",
           "lightning_blocks", "lightning_step"]


@dataclass(frozen=True)
class LightningConfig:
    """Defaults are MiniMax-Text-01's (config.json of MiniMaxAI/MiniMax-Text-01)."""

    hidden_size: int = 6144  # d, the model width
    num_heads: int = 64  # H
    head_dim: int = 128  # d_h: the state is d_h x d_h per head
    block_size: int = 256  # B, tokens per block in the tiled path
    num_layers: int = 80  # decay rates shrink with depth: deeper layers remember longer
    layer_idx: int = 0
    rms_norm_eps: float = 1e-6


# --------------------------------------------------------------------------- pure functions


def decay_rates(num_heads: int, layer_idx: int, num_layers: int, dtype=torch.float64) -> torch.Tensor:
    """s_h = 2^(-8 (h + 1) / H) * (1 - l / (L - 1) + 1e-5): ALiBi's slopes, smaller in deeper layers.  (H,)"""
    base = 2 ** (-8 / num_heads)
    depth = 1 - layer_idx / (num_layers - 1 + 1e-5) + 1e-5  # the 1e-5 terms as in MiniMax's code
    return base ** torch.arange(1, num_heads + 1, dtype=dtype) * depth


def decay_matrix(n: int, s: torch.Tensor) -> torch.Tensor:
    """D_ij = exp(-s (i - j)) for j <= i, else 0.  s (H,) -> (H, n, n)."""
    distance = torch.arange(n, dtype=s.dtype)[:, None] - torch.arange(n, dtype=s.dtype)[None, :]  # (n, n)
    return torch.exp(-s[:, None, None] * distance.clamp(min=0)) * (distance >= 0)


def decayed_linear_attention(q, k, v, s):
    """The definition, quadratic in T: o = ((Q K^T) * D) V.  q, k, v (B, H, T, d); s (H,) -> (B, H, T, d)."""
    return ((q @ k.transpose(-1, -2)) * decay_matrix(q.shape[2], s)) @ v


def lightning_blocks(q, k, v, s, block_size: int, state=None):
    """The same outputs computed block by block (Lightning Attention-2, algorithm 1).

    Shapes: q, k, v (B, H, T, d); s (H,); state (B, H, d, d) or None.  Returns o (B, H, T, d) and
    the state after the last token.
    """
    b, h, t, d = q.shape
    kv = q.new_zeros(b, h, d, v.shape[-1]) if state is None else state
    rate = s[:, None, None]  # (H, 1, 1)
    out = []
    for start in range(0, t, block_size):
        qb, kb, vb = (x[:, :, start : start + block_size] for x in (q, k, v))  # (B, H, n, d), n <= B
        n = qb.shape[2]
        i = torch.arange(n, dtype=s.dtype)[:, None]  # (n, 1): position inside the block
        intra = ((qb @ kb.transpose(-1, -2)) * decay_matrix(n, s)) @ vb  # masked, quadratic in n only
        inter = (qb * torch.exp(-rate * (i + 1))) @ kv  # earlier blocks, i + 1 steps away from KV
        out.append(intra + inter)
        kv = torch.exp(-rate * n) * kv + (kb * torch.exp(-rate * (n - 1 - i))).transpose(-1, -2) @ vb
    return torch.cat(out, dim=2), kv


def lightning_step(q, k, v, s, state):
    """One decode step: KV <- exp(-s) KV + k v^T, o = KV^T q.  q, k, v (B, H, 1, d); state (B, H, d, d)."""
    state = torch.exp(-s)[:, None, None] * state + k.transpose(-1, -2) @ v
    return q @ state, state


# --------------------------------------------------------------------------- state and module


class LinearState:
    """The only thing a lightning layer carries between calls: KV (B, H, d, d), whatever the length."""

    def __init__(self):
        self.kv: torch.Tensor | None = None

    def nbytes(self) -> int:
        return 0 if self.kv is None else self.kv.numel() * self.kv.element_size()


class LightningAttention(nn.Module):
    """MiniMax-Text-01's lightning layer; weight names follow transformers' ``MiniMaxLightningAttention``."""

    def __init__(self, cfg: LightningConfig):
        super().__init__()
        self.cfg = c = cfg
        width = c.num_heads * c.head_dim
        self.qkv_proj = nn.Linear(c.hidden_size, 3 * width, bias=False)
        self.output_gate = nn.Linear(c.hidden_size, width, bias=False)
        self.norm = nn.RMSNorm(width, eps=c.rms_norm_eps)
        self.out_proj = nn.Linear(width, c.hidden_size, bias=False)

    def forward(self, x: torch.Tensor, cache: LinearState | None = None, blocked: bool = True) -> torch.Tensor:
        """Mix ``x`` (B, T, d) over time; ``cache`` carries KV across calls (decode: one token at a time)."""
        c = self.cfg
        b, t, _ = x.shape
        wide = torch.promote_types(x.dtype, torch.float32)
        qkv = F.silu(self.qkv_proj(x)).view(b, t, c.num_heads, 3 * c.head_dim).to(wide)  # (B, T, H, 3 d_h)
        q, k, v = qkv.transpose(1, 2).split(c.head_dim, dim=-1)  # (B, H, T, d_h) each
        s = decay_rates(c.num_heads, c.layer_idx, c.num_layers, wide)
        state = cache.kv if cache is not None else None
        if state is not None and t == 1:
            o, state = lightning_step(q, k, v, s, state)
        elif blocked or cache is not None:
            o, state = lightning_blocks(q, k, v, s, c.block_size, state)
        else:
            o = decayed_linear_attention(q, k, v, s)
        if cache is not None:
            cache.kv = state
        o = o.transpose(1, 2).reshape(b, t, c.num_heads * c.head_dim)  # (B, H, T, d_h) -> (B, T, H d_h)
        normed = o * torch.rsqrt(o.pow(2).mean(-1, keepdim=True) + c.rms_norm_eps)  # RMSNorm over all heads
        o = (normed * self.norm.weight).to(x.dtype) * torch.sigmoid(self.output_gate(x))
        return self.out_proj(o)  # (B, T, d)
