"""Kimi Delta Attention (KDA): the gated delta rule with one forget gate per key channel.

Paper: Kimi Team, "Kimi Linear: An Expressive, Efficient Attention Architecture", arXiv:2510.26692,
section 3 (KDA's recurrence and its chunkwise algorithm).  Layer layout as in transformers'
``KimiLinearDeltaAttention``, whose weight names the module below uses.  Graph id ``kda``.

Gated DeltaNet (:mod:`lineage.techniques.gated_deltanet`, arXiv:2412.06464) decays the whole
state of a head by one scalar alpha_t.  KDA replaces it with a diagonal matrix, one decay per
key dimension, so some channels can keep information for long while others forget quickly:

    S_t = (I - beta_t k_t k_t^T) Diag(alpha_t) S_{t-1} + beta_t k_t v_t^T          (sec. 3)
    o_t = S_t^T q_t

(S is d_k x d_v here; the paper's transpose).  The recurrent and chunked paths are those of
:mod:`lineage.techniques.gated_deltanet`, which accept a log decay of shape (..., d_k); what is
KDA-specific lives here: the low-rank, per-channel forget gate
``log alpha_t = -exp(A) * softplus(W_fb W_fa x_t + dt_bias)`` (A one scalar per head), and the
output gate ``RMSNorm(o_t) * sigmoid(W_gb W_ga x_t)``.  Kimi Linear interleaves three KDA
layers with one MLA layer; a KDA layer's state is heads * d_k * d_v numbers whatever the
context length.

Simplified: no fused kernels, no variable-length batches; the chunked path solves its
triangular system with ``torch.linalg.solve_triangular`` and computes the per-channel decayed
dot products directly (the paper's kernel splits each chunk again for numerical range).
Parity with transformers' torch fallbacks (``recurrent_kimi_delta_attention``,
``chunk_kimi_delta_attention``) and the whole layer is tested in ``tests/techniques/test_kda.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lineage.techniques.gated_deltanet import (
    NormWeight,
    RecurrentState,
    causal_conv,
    chunked_gated_delta_rule,
    gated_rms_norm,
    l2_normalize,
    recurrent_gated_delta_rule,
    wide,
)

TECHNIQUES = ("kda",)  # graph ids, read by lineage.techniques

__all__ = ["KDAConfig", "KDA", "ChannelForgetGate", "channel_log_decay"]


@dataclass(frozen=True)
class KDAConfig:
    """Defaults are Kimi-Linear-48B-A3B's KDA layers (its config.json, ``linear_attn_config``)."""

    hidden_size: int = 2304  # d, the model width
    num_heads: int = 32  # heads; q, k and v all have num_heads heads
    head_dim: int = 128  # d_k = d_v: the state is 128 x 128 per head
    conv_kernel: int = 4  # short causal depthwise convolution over q, k, v
    rms_norm_eps: float = 1e-5
    chunk_size: int = 64  # C, tokens per chunk in the chunked path

    @property
    def qkv_dim(self) -> int:
        return self.num_heads * self.head_dim


# --------------------------------------------------------------------------- pure functions


def channel_log_decay(logits: torch.Tensor, dt_bias: torch.Tensor, a_log: torch.Tensor) -> torch.Tensor:
    """log alpha_t per channel: -exp(A_h) * softplus(logits + dt_bias), in float32 or wider.

    Shapes: logits (B, T, H, d_k); dt_bias (H * d_k,); a_log broadcastable to (B, T, H, 1).
    """
    h, d = logits.shape[-2:]
    dt = wide(logits) + wide(dt_bias).view(h, d)  # (H * d_k,) -> (H, d_k)
    return -wide(a_log).exp().view(1, 1, h, 1) * F.softplus(dt)  # (1, 1, H, 1): one rate A per head


# --------------------------------------------------------------------------- modules


class ChannelForgetGate(nn.Module):
    """Low-rank projection to one decay logit per key channel (``KimiLinearForgetGate``'s weights)."""

    def __init__(self, cfg: KDAConfig):
        super().__init__()
        self.cfg = cfg
        self.f_a_proj = nn.Linear(cfg.hidden_size, cfg.head_dim, bias=False)  # rank d_k bottleneck
        self.f_b_proj = nn.Linear(cfg.head_dim, cfg.qkv_dim, bias=False)
        self.dt_bias = nn.Parameter(torch.zeros(cfg.qkv_dim))
        self.A_log = nn.Parameter(torch.zeros(1, 1, cfg.num_heads, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        logits = self.f_b_proj(self.f_a_proj(x)).view(b, t, self.cfg.num_heads, self.cfg.head_dim)  # (B, T, H, d_k)
        return channel_log_decay(logits, self.dt_bias, self.A_log)


class KDA(nn.Module):
    """One KDA layer; weight names follow transformers' ``KimiLinearDeltaAttention``."""

    def __init__(self, cfg: KDAConfig):
        super().__init__()
        self.cfg = c = cfg
        self.q_proj, self.k_proj, self.v_proj = (nn.Linear(c.hidden_size, c.qkv_dim, bias=False) for _ in range(3))
        self.conv1d = nn.Conv1d(3 * c.qkv_dim, 3 * c.qkv_dim, c.conv_kernel, groups=3 * c.qkv_dim, bias=False)
        self.forget_gate = ChannelForgetGate(c)  # alpha_t, per channel
        self.b_proj = nn.Linear(c.hidden_size, c.num_heads, bias=False)  # beta_t, per head
        self.g_a_proj = nn.Linear(c.hidden_size, c.head_dim, bias=False)  # output gate, low rank
        self.g_b_proj = nn.Linear(c.head_dim, c.qkv_dim, bias=False)
        self.o_norm = NormWeight(c.head_dim)
        self.o_proj = nn.Linear(c.qkv_dim, c.hidden_size, bias=False)

    def forward(self, x: torch.Tensor, cache: RecurrentState | None = None, chunked: bool = True) -> torch.Tensor:
        """Mix ``x`` (B, T, d) over time; ``cache`` carries the conv window and state across calls."""
        c = self.cfg
        b, t, _ = x.shape
        heads = (b, t, c.num_heads, c.head_dim)
        mixed = torch.cat((self.q_proj(x), self.k_proj(x), self.v_proj(x)), dim=-1)  # (B, T, 3 H d)
        mixed, window = causal_conv(mixed, self.conv1d.weight, cache.conv if cache else None)
        q, k, v = (y.reshape(heads) for y in mixed.split(c.qkv_dim, dim=-1))  # (B, T, H, d) each
        q, k = l2_normalize(wide(q)), l2_normalize(wide(k))
        log_alpha = self.forget_gate(x)  # (B, T, H, d_k): the per-channel decay that makes it KDA
        beta = self.b_proj(x).sigmoid()  # (B, T, H)
        if chunked and t > 1:
            o, state = chunked_gated_delta_rule(q, k, v, log_alpha, beta, state=cache.state if cache else None,
                                                chunk_size=c.chunk_size)
        else:
            o, state = recurrent_gated_delta_rule(q, k, v, log_alpha, beta, state=cache.state if cache else None)
        if cache is not None:
            cache.conv, cache.state = window, state
        gate = self.g_b_proj(self.g_a_proj(x)).view(heads).sigmoid()  # (B, T, H, d_v)
        o = gated_rms_norm(o, self.o_norm.weight, wide(gate), c.rms_norm_eps)
        return self.o_proj(o.to(x.dtype).reshape(b, t, c.qkv_dim))  # (B, T, H d) -> (B, T, d)
