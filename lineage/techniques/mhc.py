"""Hyper-Connections and manifold-constrained Hyper-Connections (mHC): n residual streams instead of one.

Papers:

* Zhu et al., "Hyper-Connections", arXiv:2409.19606, section 2 (eq. 1-5: the HC matrix
  [[0, B], [A_m, A_r]] and the layer update) and section 2.2 (dynamic HC, eq. 10-13:
  ``B(H) = s_beta tanh(H_bar W_beta)^T + B`` and likewise A_m, A_r with s_alpha).  Graph id
  ``hyper-connections``.
* Xie et al. (DeepSeek-AI), "mHC: Manifold-Constrained Hyper-Connections", arXiv:2512.24880,
  sections 3-4: the update ``x_{l+1} = H_res x_l + H_post^T F(H_pre x_l)``; its coefficients from
  one projection of the RMS-normalised, flattened streams ``x~ = RMSNorm(vec(x_l))``, scaled by
  alpha and shifted by b; ``H_pre = sigmoid(.)``, ``H_post = 2 sigmoid(.)``, and H_res projected
  onto the doubly stochastic matrices (Birkhoff polytope) by t_max = 20 Sinkhorn-Knopp iterations.
  DeepSeek-V4 uses it in every block (n = ``hc_mult`` = 4).  Graph id ``mhc``.

Each token carries n streams of width C, ``H`` (n, C).  Around a block F (attention or FFN):

    h_in   = sum_j pre_j H_j                       collapse n streams into F's input (A_m^T H)
    H'_k   = post_k F(h_in) + sum_j res_jk H_j      expand F's output, mix the residual streams

``res[j, k]`` is the share of input stream j in output stream k: HC's A_r and the ``comb`` weight
of DeepSeek-V4 checkpoints; the paper's H_res is its transpose.  Plain HC leaves ``res``
unconstrained, so the product of res over depth can grow or vanish; mHC makes each ``res``
doubly stochastic (rows and columns sum to 1), so every layer's residual mixing is a convex
combination of permutations: it averages streams, never amplifies them, and the identity
mapping of a plain residual connection is the special case res = I.

Simplified: HC's norm is an unweighted RMSNorm per stream; no fused kernels or recomputation
(mHC section 5); the streams start as n copies of the embedding and end summed (DeepSeek-V4
ends with a learned ``hc_head`` collapse instead).  Parity with transformers'
``DeepseekV4HyperConnection`` is tested in ``tests/techniques/test_mhc.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

TECHNIQUES = ("hyper-connections", "mhc")  # graph ids, read by lineage.techniques

__all__ = [
    "HCConfig", "HyperConnection", "ManifoldHyperConnection", "expand_streams", "hc_update", "merge_streams", "mhc_mappings",
    "sinkhorn_knopp",
]


@dataclass(frozen=True)
class HCConfig:
    """Defaults: DeepSeek-V4 (config of deepseek-ai/DeepSeek-V4-Flash-Base in transformers)."""

    hidden_size: int = 4096  # C, width of each stream
    n_streams: int = 4  # n, the expansion rate (hc_mult); HC found n = 4 a good trade-off
    sinkhorn_iters: int = 20  # t_max, mHC's Sinkhorn-Knopp iterations (hc_sinkhorn_iters)
    eps: float = 1e-6  # hc_eps: floor on pre and on every Sinkhorn denominator
    rms_norm_eps: float = 1e-6


# --------------------------------------------------------------------------- pure functions


def rms_normalise(x: torch.Tensor, eps: float) -> torch.Tensor:
    """x / RMS(x) over the last dimension, without a learned weight."""
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)


def sinkhorn_knopp(logits: torch.Tensor, iters: int, eps: float = 0.0) -> torch.Tensor:
    """Project (..., n, n) logits onto (nearly) doubly stochastic matrices (mHC section 4).

    M^(0) = exp(logits); then alternately divide every row and every column by its sum, ``iters``
    times each.  The first row normalisation is a softmax (exp and divide in one stable step);
    ``eps`` keeps entries and denominators away from zero, as DeepSeek-V4's implementation does.
    """
    m = torch.softmax(logits, dim=-1) + eps  # exp, then rows sum to 1 (row step 1)
    for step in range(iters):
        if step:
            m = m / (m.sum(-1, keepdim=True) + eps)  # rows sum to 1
        m = m / (m.sum(-2, keepdim=True) + eps)  # columns sum to 1
    return m


def mhc_mappings(streams: torch.Tensor, fn: torch.Tensor, base: torch.Tensor, scale: torch.Tensor, cfg: HCConfig):
    """mHC's pre (..., n), post (..., n) and res (..., n, n) for streams (..., n, C).

    ``fn`` ((2 + n) n, n C) holds phi_pre, phi_post, phi_res stacked; ``base`` the biases b;
    ``scale`` the three alphas.  Computed in float32 or wider, as DeepSeek-V4's (float32) mHC.
    """
    n = cfg.n_streams
    wide = torch.promote_types(streams.dtype, torch.float32)
    x = rms_normalise(streams.flatten(-2).to(wide), cfg.rms_norm_eps)  # (..., n, C) -> (..., nC): x~ = RMSNorm(vec(x_l))
    mixes = x @ fn.to(wide).T  # (..., (2 + n) n)
    (pre, post, res), (b_pre, b_post, b_res) = mixes.split([n, n, n * n], -1), base.to(wide).split([n, n, n * n])
    a_pre, a_post, a_res = scale.to(wide)
    pre = torch.sigmoid(a_pre * pre + b_pre) + cfg.eps  # H_pre = sigmoid(alpha x~ phi + b): non-negative weights
    post = 2 * torch.sigmoid(a_post * post + b_post)  # H_post = 2 sigmoid(.), in (0, 2)
    res_logits = a_res * res.unflatten(-1, (n, n)) + b_res.view(n, n)  # (..., n n) -> (..., n, n)
    return pre, post, sinkhorn_knopp(res_logits, cfg.sinkhorn_iters, cfg.eps)


def hc_update(streams: torch.Tensor, layer, pre: torch.Tensor, post: torch.Tensor, res: torch.Tensor) -> torch.Tensor:
    """One block wrapped by (m)HC: streams (..., n, C) -> (..., n, C) (HC eq. 3-5, mHC eq. for x_{l+1})."""
    dtype = streams.dtype
    h_in = torch.einsum("...j,...jc->...c", pre.to(dtype), streams)  # (..., C): sum_j pre_j H_j
    out = layer(h_in)  # (..., C)
    mixed = torch.einsum("...jk,...jc->...kc", res.to(dtype), streams)  # (..., n, C): sum_j res_jk H_j
    return post.to(dtype)[..., None] * out[..., None, :] + mixed  # post_k F(h_in) broadcast over C


def hc_dynamic_mappings(streams: torch.Tensor, hc: HyperConnection):
    """Dynamic HC's pre = A_m(H), post = B(H), res = A_r(H) for streams (..., n, C) (HC eq. 10-13)."""
    wide = torch.promote_types(streams.dtype, torch.float32)
    h_bar = rms_normalise(streams.to(wide), hc.cfg.rms_norm_eps)  # (..., n, C): H_bar = norm(H), per stream
    pre = hc.alpha_scale * torch.tanh(h_bar @ hc.w_pre.to(wide)).squeeze(-1) + hc.static_pre  # (..., n, 1) -> (..., n): A_m(H)
    post = hc.beta_scale * torch.tanh(h_bar @ hc.w_post.to(wide)).squeeze(-1) + hc.static_post  # (..., n): B(H)
    res = hc.alpha_scale * torch.tanh(h_bar @ hc.w_res.to(wide)) + hc.static_res  # (..., n, n): A_r(H), [in, out]
    return pre, post, res


# --------------------------------------------------------------------------- modules


class ManifoldHyperConnection(nn.Module):
    """mHC around one block; parameter names follow transformers' ``DeepseekV4HyperConnection``."""

    def __init__(self, cfg: HCConfig):
        super().__init__()
        self.cfg = cfg
        n, c = cfg.n_streams, cfg.hidden_size
        self.fn = nn.Parameter(torch.randn((2 + n) * n, n * c) * (n * c) ** -0.5)  # [phi_pre; phi_post; phi_res]
        self.base = nn.Parameter(torch.zeros((2 + n) * n))  # [b_pre; b_post; b_res]
        self.scale = nn.Parameter(torch.ones(3))  # alpha_pre, alpha_post, alpha_res

    def mappings(self, streams: torch.Tensor):
        return mhc_mappings(streams, self.fn, self.base, self.scale, self.cfg)

    def forward(self, streams: torch.Tensor, layer) -> torch.Tensor:
        return hc_update(streams, layer, *self.mappings(streams))


class HyperConnection(nn.Module):
    """Dynamic HC around block number ``layer_index`` (HC section 2.2), initialised as in its section 2.3.

    At initialisation the tanh terms are zero (W = 0): block k reads stream k mod n, writes its output
    to every stream, and the streams pass through unmixed (A_r = I): n copies of a pre-norm residual.
    """

    def __init__(self, cfg: HCConfig, layer_index: int = 0):
        super().__init__()
        self.cfg = cfg
        n, c = cfg.n_streams, cfg.hidden_size
        self.static_pre = nn.Parameter(torch.eye(n)[layer_index % n])  # A_m: e_{k mod n}
        self.static_post = nn.Parameter(torch.ones(n))  # B
        self.static_res = nn.Parameter(torch.eye(n))  # A_r
        self.w_pre, self.w_post = nn.Parameter(torch.zeros(c, 1)), nn.Parameter(torch.zeros(c, 1))  # W_m, W_beta
        self.w_res = nn.Parameter(torch.zeros(c, n))  # W_r
        self.alpha_scale, self.beta_scale = nn.Parameter(torch.tensor(0.01)), nn.Parameter(torch.tensor(0.01))  # s_alpha, s_beta: learned, started small

    def mappings(self, streams: torch.Tensor):
        return hc_dynamic_mappings(streams, self)

    def forward(self, streams: torch.Tensor, layer) -> torch.Tensor:
        return hc_update(streams, layer, *self.mappings(streams))


def expand_streams(h: torch.Tensor, n: int) -> torch.Tensor:
    """The embedding copied into n streams: (..., C) -> (..., n, C)."""
    return h[..., None, :].expand(*h.shape[:-1], n, h.shape[-1]).contiguous()  # (..., 1, C) -> (..., n, C)


def merge_streams(streams: torch.Tensor) -> torch.Tensor:
    """The streams summed before the final norm (HC section 2): (..., n, C) -> (..., C)."""
    return streams.sum(-2)
