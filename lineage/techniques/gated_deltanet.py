"""Gated DeltaNet: linear attention whose fixed-size state is edited by a gated delta rule.

Paper: Yang, Kautz and Hatamizadeh, "Gated Delta Networks: Improving Mamba2 with Delta Rule",
arXiv:2412.06464, section 3.1 (the gated delta rule) and section 3.2 (its chunkwise form with the
WY/UT representation).  Layer layout as in Qwen3-Next (transformers' ``Qwen3NextGatedDeltaNet``,
whose weight names the module below uses).  Graph id ``gated-deltanet``.

Each head keeps a state S (d_k x d_v here; the paper writes its transpose) instead of a KV cache.
Per token t, with decay alpha_t in (0, 1) and write strength beta_t in (0, 1):

    S_t = alpha_t (I - beta_t k_t k_t^T) S_{t-1} + beta_t k_t v_t^T          (sec. 3.1)
    o_t = S_t^T q_t

i.e. decay the state, read what it predicts for k_t, and write back only the error
``beta_t (v_t - (alpha_t S_{t-1})^T k_t)`` along k_t (the delta rule).  The state has
d_k * d_v numbers per head whatever the context length; a softmax layer's KV cache grows by
2 * heads * d_h per token.

Two paths compute the same outputs:

* :func:`recurrent_gated_delta_rule`: the recurrence above, one token at a time (decode).
* :func:`chunked_gated_delta_rule`: chunks of C tokens.  Inside a chunk with cumulative log
  decay G_i, the writes u_i solve one unit-lower-triangular system
  (I + A) U = beta V - (beta K * exp(G)) S_0 with A_ij = beta_i sum_c k_ic k_jc exp(G_ic - G_jc)
  for j < i (the UT transform of sec. 3.2); outputs and the next state then follow by matmuls.

The same two functions take a per-channel decay (one alpha per key dimension, shape
(..., d_k)), which is Kimi Delta Attention (:mod:`lineage.techniques.kda`).

Simplified: no variable-length batches or padding masks; no fused kernels (``fla``); the
triangular system is solved with ``torch.linalg.solve_triangular`` rather than the
kernels' forward substitution.  Parity with transformers' torch fallbacks
(``torch_recurrent_gated_delta_rule``, ``torch_chunk_gated_delta_rule``) and with the whole
``Qwen3NextGatedDeltaNet`` layer is tested in ``tests/techniques/test_gated_deltanet.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

TECHNIQUES = ("gated-deltanet",)  # graph ids, read by lineage.techniques

__all__ = [
    "GatedDeltaNetConfig", "GatedDeltaNet", "RecurrentState", "recurrent_gated_delta_rule",
    "chunked_gated_delta_rule", "l2_normalize", "causal_conv", "NormWeight", "gated_rms_norm",
]


@dataclass(frozen=True)
class GatedDeltaNetConfig:
    """Defaults are Qwen3-Next-80B-A3B's linear-attention layers (its config.json)."""

    hidden_size: int = 2048  # d, the model width
    num_key_heads: int = 16  # query/key heads
    num_value_heads: int = 32  # value heads (and states): each q/k head serves 2
    key_head_dim: int = 128  # d_k: the state is d_k x d_v per value head
    value_head_dim: int = 128  # d_v
    conv_kernel: int = 4  # short causal depthwise convolution over q, k, v
    rms_norm_eps: float = 1e-6
    chunk_size: int = 64  # C, tokens per chunk in the chunked path

    @property
    def key_dim(self) -> int:
        return self.num_key_heads * self.key_head_dim

    @property
    def value_dim(self) -> int:
        return self.num_value_heads * self.value_head_dim


# --------------------------------------------------------------------------- pure functions


def wide(x: torch.Tensor) -> torch.Tensor:
    """``x`` in float32 or wider: the state accumulates over the whole sequence."""
    return x.to(torch.promote_types(x.dtype, torch.float32))


def l2_normalize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """x / sqrt(|x|^2 + eps) over the last dimension (keys and queries, sec. 3.3)."""
    return x * torch.rsqrt((x * x).sum(-1, keepdim=True) + eps)


def _per_channel(log_alpha: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """Log decay as (B, T, H, 1) for one alpha per head or (B, T, H, d_k) per key channel."""
    return log_alpha if log_alpha.dim() == q.dim() else log_alpha[..., None]  # (B, T, H) -> (B, T, H, 1)


def recurrent_gated_delta_rule(q, k, v, log_alpha, beta, scale=None, state=None):
    """The gated delta rule token by token (sec. 3.1).

    Shapes: q, k (B, T, H, d_k); v (B, T, H, d_v); log_alpha (B, T, H) or (B, T, H, d_k), the log of
    the decay; beta (B, T, H); state (B, H, d_k, d_v) or None.  Returns o (B, T, H, d_v) and the
    final state.  ``scale`` multiplies q (default d_k^-1/2).
    """
    dtype = q.dtype
    q, k, v, beta = wide(q), wide(k), wide(v), wide(beta)
    alpha = wide(_per_channel(log_alpha, q)).exp()  # (B, T, H, d_k or 1)
    q = q * (q.shape[-1] ** -0.5 if scale is None else scale)
    b, t, h, d_k = k.shape
    s = q.new_zeros(b, h, d_k, v.shape[-1]) if state is None else wide(state)
    out = []
    for i in range(t):
        s = s * alpha[:, i, :, :, None]  # decay: alpha S (a scalar, or Diag(alpha) S for KDA)
        predicted = torch.einsum("bhkv,bhk->bhv", s, k[:, i])  # what the decayed state recalls for k_t
        write = beta[:, i, :, None] * (v[:, i] - predicted)  # (B, H, d_v): delta rule, the error only
        s = s + k[:, i, :, :, None] * write[:, :, None, :]  # + k_t write^T
        out.append(torch.einsum("bhkv,bhk->bhv", s, q[:, i]))  # o_t = S_t^T q_t
    return torch.stack(out, dim=1).to(dtype), s  # (B, T, H, d_v)


def decayed_dots(a: torch.Tensor, b: torch.Tensor, g: torch.Tensor, strict: bool) -> torch.Tensor:
    """sum_c a_ic b_jc exp(g_ic - g_jc) for j < i (``strict``) or j <= i, else 0.

    Shapes: a, b (..., C, d_k); g (..., C, 1) or (..., C, d_k), cumulative log decay.  Returns (..., C, C).
    """
    c = a.shape[-2]
    future = torch.ones(c, c, dtype=torch.bool, device=a.device).triu(0 if strict else 1)
    diff = (g[..., :, None, :] - g[..., None, :, :]).masked_fill(future[..., None], float("-inf"))  # (..., C, C, d_g)
    if g.shape[-1] == 1:  # one decay per head: it factors out of the dot product
        return (a @ b.transpose(-1, -2)) * diff[..., 0].exp()
    return (a[..., :, None, :] * b[..., None, :, :] * diff.exp()).sum(-1)  # (..., C, C, d_k) -> (..., C, C)


def chunked_gated_delta_rule(q, k, v, log_alpha, beta, scale=None, state=None, chunk_size=64):
    """The same outputs as :func:`recurrent_gated_delta_rule`, computed C tokens at a time (sec. 3.2)."""
    dtype = q.dtype
    q, k, v, beta = wide(q), wide(k), wide(v), wide(beta)
    g = wide(_per_channel(log_alpha, q))
    q = q * (q.shape[-1] ** -0.5 if scale is None else scale)
    b, t, h, d_k = k.shape
    s = q.new_zeros(b, h, d_k, v.shape[-1]) if state is None else wide(state)
    q, k, v, g = (x.transpose(1, 2) for x in (q, k, v, g))  # (B, H, T, d): chunks along dim 2
    beta = beta.transpose(1, 2)[..., None]  # (B, H, T, 1)
    out = []
    for c0 in range(0, t, chunk_size):
        qc, kc, vc, bc = (x[:, :, c0 : c0 + chunk_size] for x in (q, k, v, beta))  # (B, H, C, d)
        gc = g[:, :, c0 : c0 + chunk_size].cumsum(2)  # G_i: log decay from the chunk start to token i
        # (I + A) [U0, W] = [beta V, beta K exp(G)]: the C sequential delta writes as one solve
        system = torch.eye(qc.shape[2], dtype=q.dtype, device=q.device) + bc * decayed_dots(kc, kc, gc, strict=True)
        u0, w = torch.linalg.solve_triangular(
            system, torch.cat((bc * vc, bc * kc * gc.exp()), dim=-1), upper=False, unitriangular=True
        ).split([vc.shape[-1], d_k], dim=-1)
        u = u0 - w @ s  # (B, H, C, d_v): the writes u_i, given the state S_0 entering the chunk
        # o_i = S_0^T (q_i exp(G_i)) + sum_{j <= i} (q_i exp(G_i - G_j)) . k_j u_j
        out.append((qc * gc.exp()) @ s + decayed_dots(qc, kc, gc, strict=False) @ u)
        # S_C = exp(G_C) S_0 + sum_j (k_j exp(G_C - G_j)) u_j^T
        last = gc[:, :, -1:]  # (B, H, 1, d_g)
        s = last.transpose(-1, -2).exp() * s + (kc * (last - gc).exp()).transpose(-1, -2) @ u
    return torch.cat(out, dim=2).transpose(1, 2).to(dtype), s  # (B, H, T, d_v) -> (B, T, H, d_v)


def causal_conv(x: torch.Tensor, weight: torch.Tensor, window: torch.Tensor | None = None):
    """Depthwise causal convolution + SiLU over time.

    Shapes: x (B, T, C); weight (C, 1, K); window (B, K - 1, C), the previous inputs (zeros at the
    start).  Returns y (B, T, C) and the new window.
    """
    kernel = weight.shape[-1]
    if window is None:
        window = x.new_zeros(x.shape[0], kernel - 1, x.shape[2])
    padded = torch.cat((window, x), dim=1)  # (B, K - 1 + T, C)
    y = F.conv1d(padded.transpose(1, 2), weight, groups=x.shape[2])  # (B, C, T)
    return F.silu(y.transpose(1, 2)), padded[:, -(kernel - 1) :]


class NormWeight(nn.Module):
    """The learned scale of :func:`gated_rms_norm`, held as ``<name>.weight`` (the state-dict name transformers uses)."""

    def __init__(self, width: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))


def gated_rms_norm(x: torch.Tensor, weight: torch.Tensor, gate: torch.Tensor, eps: float) -> torch.Tensor:
    """RMSNorm(x) * weight * gate, in float32 or wider (``gate`` already activated)."""
    xw = wide(x)
    return (xw * torch.rsqrt(xw.pow(2).mean(-1, keepdim=True) + eps) * weight * gate).to(x.dtype)


# --------------------------------------------------------------------------- state and module


class RecurrentState:
    """What a linear-attention layer carries between calls: the conv window and the state S."""

    def __init__(self):
        self.conv: torch.Tensor | None = None  # (B, K - 1, C): the last inputs of the short convolution
        self.state: torch.Tensor | None = None  # (B, H, d_k, d_v)

    def nbytes(self) -> int:
        """Measured size: fixed, whatever the number of tokens seen."""
        return sum(t.numel() * t.element_size() for t in (self.conv, self.state) if t is not None)


class GatedDeltaNet(nn.Module):
    """One Gated DeltaNet layer; weight names follow transformers' ``Qwen3NextGatedDeltaNet``."""

    def __init__(self, cfg: GatedDeltaNetConfig):
        super().__init__()
        self.cfg = c = cfg
        conv_dim = 2 * c.key_dim + c.value_dim
        self.in_proj_qkvz = nn.Linear(c.hidden_size, 2 * c.key_dim + 2 * c.value_dim, bias=False)  # q, k, v, output gate z
        self.in_proj_ba = nn.Linear(c.hidden_size, 2 * c.num_value_heads, bias=False)  # beta and alpha logits
        self.conv1d = nn.Conv1d(conv_dim, conv_dim, c.conv_kernel, groups=conv_dim, bias=False)
        self.dt_bias = nn.Parameter(torch.ones(c.num_value_heads))
        self.A_log = nn.Parameter(torch.zeros(c.num_value_heads))  # Mamba2's decay rate A, in log
        self.norm = NormWeight(c.value_head_dim)
        self.out_proj = nn.Linear(c.value_dim, c.hidden_size, bias=False)

    def split(self, qkvz: torch.Tensor, ba: torch.Tensor):
        """Qwen3-Next packs projections per key head: [q, k, v (r heads), z (r heads)], r = value heads per key head."""
        c = self.cfg
        b, t, _ = qkvz.shape
        r = c.num_value_heads // c.num_key_heads
        qkvz = qkvz.view(b, t, c.num_key_heads, -1)  # (B, T, H_k, 2 d_k + 2 r d_v)
        q, k, v, z = qkvz.split([c.key_head_dim, c.key_head_dim, r * c.value_head_dim, r * c.value_head_dim], dim=-1)
        beta, a = ba.view(b, t, c.num_key_heads, 2 * r).split([r, r], dim=-1)  # (B, T, H_k, r) each
        v, z = (x.reshape(b, t, c.num_value_heads, c.value_head_dim) for x in (v, z))  # (B, T, H_v, d_v)
        beta, a = (x.reshape(b, t, c.num_value_heads) for x in (beta, a))  # (B, T, H_v)
        return q.reshape(b, t, c.key_dim), k.reshape(b, t, c.key_dim), v, z, beta, a

    def forward(self, x: torch.Tensor, cache: RecurrentState | None = None, chunked: bool = True) -> torch.Tensor:
        """Mix ``x`` (B, T, d) over time; ``cache`` carries the conv window and state across calls."""
        c = self.cfg
        b, t, _ = x.shape
        q, k, v, z, beta, a = self.split(self.in_proj_qkvz(x), self.in_proj_ba(x))
        mixed = torch.cat((q, k, v.flatten(2)), dim=-1)  # (B, T, 2 H_k d_k + H_v d_v)
        mixed, window = causal_conv(mixed, self.conv1d.weight, cache.conv if cache else None)
        q, k, v = mixed.split([c.key_dim, c.key_dim, c.value_dim], dim=-1)
        r = c.num_value_heads // c.num_key_heads
        q, k = (l2_normalize(wide(y).view(b, t, c.num_key_heads, c.key_head_dim)) for y in (q, k))  # (B, T, H_k, d_k)
        q, k = (y.repeat_interleave(r, dim=2) for y in (q, k))  # (B, T, H_v, d_k): key head i serves value heads ir..ir+r-1
        v = v.reshape(b, t, c.num_value_heads, c.value_head_dim)  # (B, T, H_v, d_v)
        log_alpha = -wide(self.A_log).exp() * F.softplus(wide(a) + self.dt_bias)  # log alpha_t = -A dt_t (Mamba2 gate)
        rule = chunked_gated_delta_rule if chunked and t > 1 else recurrent_gated_delta_rule
        kwargs = dict(chunk_size=c.chunk_size) if rule is chunked_gated_delta_rule else {}
        o, state = rule(q, k, v, log_alpha, beta.sigmoid(), state=cache.state if cache else None, **kwargs)
        if cache is not None:
            cache.conv, cache.state = window, state
        o = gated_rms_norm(o, self.norm.weight, F.silu(wide(z)), c.rms_norm_eps)  # (B, T, H_v, d_v), gated by silu(z)
        return self.out_proj(o.to(x.dtype).reshape(b, t, c.value_dim))  # (B, T, H_v d_v) -> (B, T, d)
