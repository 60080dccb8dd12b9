"""YaRN: stretch RoPE to a longer context by interpolating only its slow dimensions, then sharpen attention.

Paper: Peng, Quesnelle, Fan, Shippole, "YaRN: Efficient Context Window Extension of Large
Language Models", arXiv:2309.00071, section 3.2 ("NTK-by-parts", eq. 17-18), section 3.3
(the attention temperature, eq. 22) and section 3.4 (YaRN = both).  Graph id ``yarn``.

RoPE rotates pair i of a head (|D| = ``head_dim`` dims, i = 0 … |D|/2 - 1) by ``pos * theta_i``
with ``theta_i = b^(-2i/|D|)`` (see :func:`lineage.techniques.mla.rope_angles`).  To run a
model trained on L tokens at s * L tokens:

* **NTK-by-parts** (eq. 17-18).  Pair i completes ``r_i = L / lambda_i = L theta_i / (2 pi)``
  rotations over the training context.  Pairs that rotate many times (r > beta = 32) have seen
  every angle and keep their frequency (extrapolation); pairs that rotate less than once
  (r < alpha = 1) would meet unseen angles, so they are slowed by s (position interpolation);
  in between the new frequency is a blend ``(1 - gamma) theta_i / s + gamma theta_i``.
* **Attention temperature** (eq. 22).  Interpolation flattens attention; the logits are scaled
  by 1/t with ``sqrt(1/t) = 0.1 ln s + 1``, applied to q and k alike by multiplying RoPE's cos
  and sin by that factor ("mscale").

As in the authors' code (jquesnelle/yarn) and transformers, gamma ramps linearly in the pair
index i between the two pairs where r = beta and r = alpha (rounded outward to whole pairs),
rather than linearly in r as eq. 18 is written; the end points are the same.  DeepSeek-V3's
variant (``mscale`` / ``mscale_all_dim``, both 1 in its config) leaves cos and sin unscaled and
multiplies its softmax scale by (0.1 ln s + 1)^2 instead: the same logits.

Simplified: no dynamic (per-length) scaling; ``partial_rotary_factor`` is expressed by passing
the rotary width as ``head_dim``.  Parity with transformers' ``_compute_yarn_parameters``
(``ROPE_INIT_FUNCTIONS["yarn"]``) and its rotary embedding is tested in
``tests/techniques/test_yarn.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

TECHNIQUES = ("yarn",)  # graph ids, read by lineage.techniques

__all__ = ["YaRNConfig", "YaRNRotaryEmbedding", "attention_factor", "correction_range", "yarn_angles", "yarn_inv_freq"]


@dataclass(frozen=True)
class YaRNConfig:
    """Defaults: DeepSeek-V3's rotary width and ``rope_scaling`` (4K pretraining stretched 40x to 160K)."""

    head_dim: int = 64  # |D|, the rotary width (qk_rope_head_dim in DeepSeek-V3)
    rope_theta: float = 10000.0  # b, RoPE base
    factor: float = 40.0  # s = L' / L
    original_max_position_embeddings: int = 4096  # L, the pretraining context
    beta_fast: float = 32.0  # beta: pairs rotating more than 32 times over L keep their frequency (sec. 3.2)
    beta_slow: float = 1.0  # alpha: pairs rotating less than once over L are fully interpolated
    mscale: float | None = None  # DeepSeek's numerator coefficient; None: the paper's 0.1 ln s + 1
    mscale_all_dim: float | None = None  # DeepSeek's denominator coefficient (1.0 in V3: factor 1 here)
    truncate: bool = True  # round the ramp's end points outward to whole pairs, as the authors' code


# --------------------------------------------------------------------------- pure functions


def get_mscale(factor: float, coefficient: float = 1.0) -> float:
    """sqrt(1/t) = 0.1 ln s + 1 (eq. 22), with DeepSeek's coefficient on the log; 1 when s <= 1."""
    return 1.0 if factor <= 1 else 0.1 * coefficient * math.log(factor) + 1.0


def attention_factor(cfg: YaRNConfig) -> float:
    """Multiplier on cos and sin (so on q and k): the paper's mscale, or DeepSeek's ratio of two."""
    if cfg.mscale and cfg.mscale_all_dim:
        return get_mscale(cfg.factor, cfg.mscale) / get_mscale(cfg.factor, cfg.mscale_all_dim)
    return get_mscale(cfg.factor)


def pair_for_rotations(rotations: float, cfg: YaRNConfig) -> float:
    """The (fractional) pair index i whose r_i = L theta_i / (2 pi) equals ``rotations``.

    Solving L b^(-2i/|D|) / (2 pi) = r for i gives i = |D| ln(L / (2 pi r)) / (2 ln b).
    """
    return cfg.head_dim * math.log(cfg.original_max_position_embeddings / (2 * math.pi * rotations)) / (2 * math.log(cfg.rope_theta))


def correction_range(cfg: YaRNConfig) -> tuple[float, float]:
    """First and last pair of the ramp: below ``low`` r > beta (keep), above ``high`` r < alpha (interpolate)."""
    low, high = pair_for_rotations(cfg.beta_fast, cfg), pair_for_rotations(cfg.beta_slow, cfg)
    if cfg.truncate:
        low, high = math.floor(low), math.ceil(high)
    return max(low, 0), min(high, cfg.head_dim - 1)


def keep_share(cfg: YaRNConfig, dtype=torch.float64) -> torch.Tensor:
    """gamma_i (|D|/2,): 1 for pairs that keep their frequency, 0 for fully interpolated ones (eq. 18)."""
    low, high = correction_range(cfg)
    if low == high:
        high += 0.001  # one-pair ramp: avoid dividing by zero (as the authors' code)
    ramp = ((torch.arange(cfg.head_dim // 2, dtype=dtype) - low) / (high - low)).clamp(0, 1)  # (|D|/2,): 0 -> 1 from low to high
    return 1 - ramp


def yarn_inv_freq(cfg: YaRNConfig, dtype=torch.float32) -> torch.Tensor:
    """YaRN's theta_i (|D|/2,), in ``dtype`` or float32, whichever is wider (eq. 17)."""
    wide = torch.promote_types(dtype, torch.float32)
    theta = 1.0 / cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2, dtype=wide) / cfg.head_dim)  # (|D|/2,): RoPE's
    gamma = keep_share(cfg, wide)
    return (1 - gamma) * theta / cfg.factor + gamma * theta  # h(theta_i), eq. 17


def yarn_angles(positions: torch.Tensor, cfg: YaRNConfig, dtype=torch.float32):
    """cos and sin (T, |D|/2) of ``pos * h(theta_i)``, both multiplied by the attention factor (sec. 3.4)."""
    wide = torch.promote_types(dtype, torch.float32)
    angles = positions.to(wide)[:, None] * yarn_inv_freq(cfg, wide)[None, :]  # (T, |D|/2)
    scale = attention_factor(cfg)
    return (angles.cos() * scale).to(dtype), (angles.sin() * scale).to(dtype)


# --------------------------------------------------------------------------- module


class YaRNRotaryEmbedding(nn.Module):
    """cos/sin tables for :func:`lineage.techniques.mla.apply_rope`, with YaRN's frequencies and scale."""

    def __init__(self, cfg: YaRNConfig):
        super().__init__()
        self.cfg = cfg
        self.attention_factor = attention_factor(cfg)

    def forward(self, positions: torch.Tensor, dtype=torch.float32):
        """cos, sin (T, |D|/2) for ``positions`` (T,), computed in ``dtype`` or float32, whichever is wider."""
        return yarn_angles(positions, self.cfg, dtype)
