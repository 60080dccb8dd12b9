"""Multi-head Latent Attention (MLA): attention whose KV cache is one small latent per token.

Paper: DeepSeek-AI, "DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts
Language Model", arXiv:2405.04434, section 2.1 (equations 9-19) and appendix C (the
"absorbed" matrices); the dimensions below are DeepSeek-V3's (arXiv:2412.19437, section 4.2).
Graph ids: ``mla`` (and ``decoupled-rope`` for the rotary part; ``rope`` for :func:`rope_angles` and
:func:`apply_rope`, RoPE as in Su et al., arXiv:2104.09864, section 3.2).

Each token's hidden state h (dim d) is compressed to

* a KV latent ``c_kv = RMSNorm(W_DKV h)``           (d_c = 512; eq. 9)
* one rotary key ``k_rope = RoPE(W_KR h)``           (d_h^R = 64, shared by all heads; eq. 14)
* a query latent ``c_q = RMSNorm(W_DQ h)``            (d_c' = 1536; eq. 12)

Only ``c_kv`` and ``k_rope`` are cached: (512 + 64) numbers per token per layer instead of
2 * n_h * d_h = 32,768 for MHA with the same 128 heads (see :mod:`lineage.techniques.kv_cache`).
Per head i, keys and values are decompressed as ``k_i = [W_UK_i c_kv ; k_rope]`` and
``v_i = W_UV_i c_kv`` (eq. 10-11, 15-17); queries are ``q_i = [W_UQ_i c_q ; RoPE(W_QR_i c_q)]``.

Two decode paths compute the same output:

* **plain** (:func:`attend_plain`): decompress every cached token's k_i and v_i, then ordinary
  attention.  Cost grows with n_h * (d_h + d_v) * d_c per cached token.
* **absorbed** (:func:`attend_absorbed`, "MQA mode"): since q_i . (W_UK_i c) = (W_UK_i^T q_i) . c,
  fold W_UK into the query and W_UV into the output (appendix C), so all heads attend
  directly over the shared latent, like multi-query attention with a 576-dim key and a
  512-dim value.  Nothing per cached token is decompressed.

Simplified: no YaRN frequency scaling or its softmax ``mscale`` (``softmax_scale`` can be set);
no dropout, no batching of variable-length sequences; rotary pairs are interleaved as in
DeepSeek's inference code (``rope_interleave`` in transformers).  Parity with transformers'
``DeepseekV3Attention`` is tested in ``tests/techniques/test_mla.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

TECHNIQUES = ("mla", "decoupled-rope", "rope")  # graph ids, read by lineage.techniques

__all__ = ["MLAConfig", "MLA", "LatentCache", "attend_absorbed", "attend_plain", "apply_rope", "rope_angles"]


@dataclass(frozen=True)
class MLAConfig:
    """Shapes of one MLA layer; defaults are DeepSeek-V3's (config.json of deepseek-ai/DeepSeek-V3)."""

    hidden_size: int = 7168  # d, the model width
    num_heads: int = 128  # n_h; MLA keeps all heads, only the cache is shared
    q_lora_rank: int | None = 1536  # d_c', query latent; None = one full q projection (DeepSeek-V2-Lite)
    kv_lora_rank: int = 512  # d_c, the cached latent: 4 * d_h in the paper
    qk_nope_head_dim: int = 128  # d_h, per-head query/key width without position
    qk_rope_head_dim: int = 64  # d_h^R, decoupled rotary width: d_h / 2 in the paper
    v_head_dim: int = 128  # per-head value width
    rope_theta: float = 10000.0  # RoPE base
    rms_norm_eps: float = 1e-6
    softmax_scale: float | None = None  # None: 1 / sqrt(d_h + d_h^R), as in eq. 19

    @property
    def qk_head_dim(self) -> int:
        return self.qk_nope_head_dim + self.qk_rope_head_dim

    @property
    def scale(self) -> float:
        return self.softmax_scale if self.softmax_scale is not None else self.qk_head_dim**-0.5


# --------------------------------------------------------------------------- pure functions


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """RMSNorm over the last dimension (computed in float32 or wider, like the reference)."""
    wide = x.to(torch.promote_types(x.dtype, torch.float32))
    return weight * (wide * torch.rsqrt(wide.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)


def rope_angles(positions: torch.Tensor, dim: int, theta: float, dtype=torch.float32):
    """cos and sin of RoPE angles ``pos * theta^(-2i/dim)``: each (T, dim / 2), in ``dtype``.

    The table is computed in ``dtype`` or float32, whichever is wider: float32 for real use (bf16 or
    fp32 models, as DeepSeek's and transformers' code do), float64 when the caller works in float64, so
    a float64 computation is exact to float64 rounding rather than to float32 ``cos``/``sin``, whose
    last bit differs between CPUs and between vectorised and scalar kernels.
    """
    wide = torch.promote_types(dtype, torch.float32)
    inv_freq = 1.0 / theta ** (torch.arange(0, dim, 2, dtype=wide) / dim)  # (dim/2,)
    angles = positions.to(wide)[:, None] * inv_freq[None, :]  # (T, dim/2)
    return angles.cos().to(dtype), angles.sin().to(dtype)


def softmax_wide(scores: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension in float32 or wider: float32 for bf16/fp32 scores (as the
    reference does), float64 for float64 scores, so a float64 run is not rounded to float32 here."""
    return torch.softmax(scores, dim=-1, dtype=torch.promote_types(scores.dtype, torch.float32))


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate interleaved pairs (x0, x1), (x2, x3) … of ``x`` (…, T, dim) by the given angles."""
    pairs = x.unflatten(-1, (-1, 2))  # (..., T, dim/2, 2)
    even, odd = pairs[..., 0], pairs[..., 1]  # (..., T, dim/2) each
    rotated = torch.stack((even * cos - odd * sin, even * sin + odd * cos), dim=-1)  # (..., T, dim/2, 2)
    return rotated.flatten(-2)  # (..., T, dim)


def causal_mask(q_len: int, kv_len: int, device=None) -> torch.Tensor:
    """True where query i (the last ``q_len`` of ``kv_len`` positions) may not see key j."""
    q_pos = torch.arange(kv_len - q_len, kv_len, device=device)[:, None]  # (S, 1)
    return torch.arange(kv_len, device=device)[None, :] > q_pos  # (S, T)


def split_kv_up(w_kv_b: torch.Tensor, cfg: MLAConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """W_UK (n_h, d_h, d_c) and W_UV (n_h, d_v, d_c) from the stacked up-projection weight."""
    w = w_kv_b.view(cfg.num_heads, cfg.qk_nope_head_dim + cfg.v_head_dim, cfg.kv_lora_rank)  # (n_h, d_h+d_v, d_c)
    return w[:, : cfg.qk_nope_head_dim], w[:, cfg.qk_nope_head_dim :]


def attend_plain(q_nope, q_rope, c_kv, k_rope, w_uk, w_uv, scale, mask=None):
    """MLA with keys and values decompressed per head (eq. 10-11, 15-19).

    Shapes: q_nope (B, n_h, S, d_h), q_rope (B, n_h, S, d_r), c_kv (B, T, d_c),
    k_rope (B, T, d_r), w_uk (n_h, d_h, d_c), w_uv (n_h, d_v, d_c); returns (B, S, n_h, d_v).
    """
    k_nope = torch.einsum("btc,hdc->bhtd", c_kv, w_uk)  # (B, n_h, T, d_h): W_UK_i c_kv per head
    v = torch.einsum("btc,hdc->bhtd", c_kv, w_uv)  # (B, n_h, T, d_v)
    scores = q_nope @ k_nope.transpose(-1, -2)  # (B, n_h, S, T)
    scores = scores + q_rope @ k_rope[:, None].transpose(-1, -2)  # k_rope (B, 1, d_r, T): shared by heads
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    probs = softmax_wide(scores * scale).to(q_nope.dtype)
    return (probs @ v).transpose(1, 2)  # (B, n_h, S, d_v) -> (B, S, n_h, d_v)


def attend_absorbed(q_nope, q_rope, c_kv, k_rope, w_uk, w_uv, scale, mask=None):
    """The same attention with W_UK folded into the query and W_UV into the output (appendix C).

    Shapes as :func:`attend_plain`.  Per cached token it reads only the d_c + d_r latent.
    """
    q_latent = torch.einsum("bhsd,hdc->bhsc", q_nope, w_uk)  # (B, n_h, S, d_c): W_UK_i^T q_i
    scores = torch.einsum("bhsc,btc->bhst", q_latent, c_kv)  # (B, n_h, S, T)
    scores = scores + torch.einsum("bhsr,btr->bhst", q_rope, k_rope)  # rotary part, shared key
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    probs = softmax_wide(scores * scale).to(q_nope.dtype)
    o_latent = torch.einsum("bhst,btc->bhsc", probs, c_kv)  # (B, n_h, S, d_c): attend over latents
    return torch.einsum("bhsc,hdc->bshd", o_latent, w_uv)  # (B, S, n_h, d_v): W_UV_i o_latent


# --------------------------------------------------------------------------- cache and module


class LatentCache:
    """MLA's KV cache: the normalised latent ``c_kv`` and the rotated shared key, per token."""

    def __init__(self):
        self.c_kv: torch.Tensor | None = None  # (B, T, d_c)
        self.k_rope: torch.Tensor | None = None  # (B, T, d_r)
        self.k_idx: torch.Tensor | None = None  # (B, T, d_I): the lightning indexer's keys, when DSA reads the cache

    def __len__(self) -> int:
        return 0 if self.c_kv is None else self.c_kv.shape[1]

    def append(self, c_kv: torch.Tensor, k_rope: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.c_kv is None or self.k_rope is None:
            self.c_kv, self.k_rope = c_kv, k_rope
        else:
            self.c_kv = torch.cat((self.c_kv, c_kv), dim=1)
            self.k_rope = torch.cat((self.k_rope, k_rope), dim=1)
        return self.c_kv, self.k_rope

    def nbytes(self) -> int:
        """Measured size of everything cached."""
        return sum(t.numel() * t.element_size() for t in (self.c_kv, self.k_rope) if t is not None)


class MLA(nn.Module):
    """One MLA layer; weight names follow transformers' ``DeepseekV3Attention`` so state dicts load."""

    def __init__(self, cfg: MLAConfig):
        super().__init__()
        self.cfg = c = cfg
        if c.q_lora_rank:
            self.q_a_proj = nn.Linear(c.hidden_size, c.q_lora_rank, bias=False)  # W_DQ
            self.q_a_layernorm = nn.RMSNorm(c.q_lora_rank, eps=c.rms_norm_eps)
            self.q_b_proj = nn.Linear(c.q_lora_rank, c.num_heads * c.qk_head_dim, bias=False)  # [W_UQ; W_QR]
        else:
            self.q_proj = nn.Linear(c.hidden_size, c.num_heads * c.qk_head_dim, bias=False)
        self.kv_a_proj_with_mqa = nn.Linear(c.hidden_size, c.kv_lora_rank + c.qk_rope_head_dim, bias=False)  # [W_DKV; W_KR]
        self.kv_a_layernorm = nn.RMSNorm(c.kv_lora_rank, eps=c.rms_norm_eps)
        self.kv_b_proj = nn.Linear(c.kv_lora_rank, c.num_heads * (c.qk_nope_head_dim + c.v_head_dim), bias=False)  # [W_UK; W_UV]
        self.o_proj = nn.Linear(c.num_heads * c.v_head_dim, c.hidden_size, bias=False)  # W_O

    def forward(
        self, x: torch.Tensor, start: int = 0, cache: LatentCache | None = None, absorbed: bool = False
    ) -> torch.Tensor:
        """Attend from ``x`` (B, S, d), the tokens at positions ``start`` … ``start + S - 1``."""
        c = self.cfg
        b, s, _ = x.shape
        if c.q_lora_rank:
            c_q = rms_norm(self.q_a_proj(x), self.q_a_layernorm.weight, c.rms_norm_eps)  # (B, S, d_c')
            q = self.q_b_proj(c_q)
        else:
            q = self.q_proj(x)
        q = q.view(b, s, c.num_heads, c.qk_head_dim).transpose(1, 2)  # (B, n_h, S, d_h + d_r)
        q_nope, q_rope = q.split([c.qk_nope_head_dim, c.qk_rope_head_dim], dim=-1)

        c_kv, k_rope = self.kv_a_proj_with_mqa(x).split([c.kv_lora_rank, c.qk_rope_head_dim], dim=-1)
        c_kv = rms_norm(c_kv, self.kv_a_layernorm.weight, c.rms_norm_eps)  # (B, S, d_c)

        cos, sin = rope_angles(torch.arange(start, start + s), c.qk_rope_head_dim, c.rope_theta, x.dtype)
        q_rope, k_rope = apply_rope(q_rope, cos, sin), apply_rope(k_rope, cos, sin)  # eq. 13-14
        if cache is not None:
            c_kv, k_rope = cache.append(c_kv, k_rope)  # (B, T, d_c), (B, T, d_r)

        w_uk, w_uv = split_kv_up(self.kv_b_proj.weight, c)
        mask = causal_mask(s, c_kv.shape[1], x.device) if s > 1 else None
        attend = attend_absorbed if absorbed else attend_plain
        out = attend(q_nope, q_rope, c_kv, k_rope, w_uk, w_uv, c.scale, mask)  # (B, S, n_h, d_v)
        return self.o_proj(out.reshape(b, s, c.num_heads * c.v_head_dim))  # (B, S, n_h * d_v) -> (B, S, d)
