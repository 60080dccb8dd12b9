"""DeepSeek Sparse Attention (DSA): a lightning indexer picks the top-k past tokens for MLA.

Paper: DeepSeek-AI, "DeepSeek-V3.2: Pushing the Frontier of Open Large Language Models",
arXiv:2512.02556, section 2.1 (equations 1-2; first released as the DeepSeek-V3.2-Exp report
with deepseek-ai/DeepSeek-V3.2-Exp, inference/model.py ``Indexer``).  Graph id ``dsa``.

For query token t and each earlier token s, the indexer computes a cheap relevance score
from H^I small heads (V3.2: 64 heads of 128 dims, one key per token shared by all heads):

    I_{t,s} = sum_j w_{t,j} * ReLU(q^I_{t,j} . k^I_s)          eq. 1

with q^I from the query latent c_q, w from the hidden state, and k^I from the hidden state.
Only the k = 2048 tokens with the largest I_{t,s} enter the main attention, which runs in
MLA's absorbed ("MQA") mode over the latent cache of :mod:`lineage.techniques.mla`:

    u_t = Attn(h_t, {c_s : I_{t,s} in Top-k(I_{t,:})})          eq. 2

so attention costs O(T k) instead of O(T^2), while the indexer stays O(T^2) but with few,
ReLU-gated, FP8 heads.  Simplified: no rotary part or Hadamard transform on the indexer's q and
k, no FP8; the indexer key is LayerNorm'd as in the release; the indexer is not trained here
(V3.2 trains it by KL to the dense attention's distribution, sec. 2.1.1).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lineage.techniques.mla import (
    MLA,
    LatentCache,
    MLAConfig,
    apply_rope,
    attend_absorbed,
    causal_mask,
    rms_norm,
    rope_angles,
    split_kv_up,
)

TECHNIQUES = ("dsa",)  # graph ids, read by lineage.techniques

__all__ = ["DSAConfig", "DSA", "indexer_scores", "select_topk"]


@dataclass(frozen=True)
class DSAConfig:
    """Defaults follow DeepSeek-V3.2's config.json (index_n_heads, index_head_dim, index_topk)."""

    mla: MLAConfig = MLAConfig()
    index_n_heads: int = 64  # H^I, the indexer's heads
    index_head_dim: int = 128  # d^I, one shared indexer key of this width per token
    index_topk: int = 2048  # k: tokens each query attends to


# --------------------------------------------------------------------------- pure functions


def indexer_scores(q_idx: torch.Tensor, k_idx: torch.Tensor, w: torch.Tensor, scale: float) -> torch.Tensor:
    """Eq. 1: q_idx (B, S, H_I, d_I), k_idx (B, T, d_I), w (B, S, H_I) -> I (B, S, T)."""
    dots = torch.einsum("bshd,btd->bsht", q_idx, k_idx)  # (B, S, H_I, T)
    return torch.einsum("bsht,bsh->bst", F.relu(dots) * scale, w)  # weighted sum over indexer heads


def select_topk(scores: torch.Tensor, k: int) -> torch.Tensor:
    """True where query s (the last S of T positions) may *not* attend token t: outside its top-k or in the future."""
    s_len, t_len = scores.shape[-2:]
    future = causal_mask(s_len, t_len, scores.device) if s_len > 1 else torch.zeros(1, t_len, dtype=torch.bool)
    ranked = scores.masked_fill(future, float("-inf"))  # (B, S, T)
    # a stable sort breaks ties (ReLU makes many scores exactly 0) towards the earlier token, the same
    # way whether the queries come in one batch or one at a time
    keep = ranked.sort(dim=-1, descending=True, stable=True).indices[..., :k]  # (B, S, k)
    blocked = torch.ones_like(ranked, dtype=torch.bool).scatter_(-1, keep, False)
    return blocked | future  # queries with fewer than k past tokens keep all of them


# --------------------------------------------------------------------------- module


class DSA(MLA):
    """MLA whose absorbed attention only sees the tokens the lightning indexer selects."""

    def __init__(self, cfg: DSAConfig):
        super().__init__(cfg.mla)
        self.dsa = cfg
        m = cfg.mla
        if not m.q_lora_rank:
            raise ValueError("DSA's indexer reads the query latent: the MLA config needs q_lora_rank")
        self.wq_b = nn.Linear(m.q_lora_rank, cfg.index_n_heads * cfg.index_head_dim, bias=False)  # q^I from c_q
        self.wk = nn.Linear(m.hidden_size, cfg.index_head_dim, bias=False)  # k^I from h
        self.k_norm = nn.LayerNorm(cfg.index_head_dim)
        self.weights_proj = nn.Linear(m.hidden_size, cfg.index_n_heads, bias=False)  # w_{t,j}

    def forward(self, x: torch.Tensor, start: int = 0, cache: LatentCache | None = None, absorbed: bool = True):
        """Like :meth:`MLA.forward` (absorbed path only); ``cache`` must then also keep indexer keys."""
        c, d = self.cfg, self.dsa
        b, s, _ = x.shape
        c_q = rms_norm(self.q_a_proj(x), self.q_a_layernorm.weight, c.rms_norm_eps)  # (B, S, d_c')
        q = self.q_b_proj(c_q).view(b, s, c.num_heads, c.qk_head_dim).transpose(1, 2)  # (B, n_h, S, d_h + d_r)
        q_nope, q_rope = q.split([c.qk_nope_head_dim, c.qk_rope_head_dim], dim=-1)
        c_kv, k_rope = self.kv_a_proj_with_mqa(x).split([c.kv_lora_rank, c.qk_rope_head_dim], dim=-1)
        c_kv = rms_norm(c_kv, self.kv_a_layernorm.weight, c.rms_norm_eps)  # (B, S, d_c)
        cos, sin = rope_angles(torch.arange(start, start + s), c.qk_rope_head_dim, c.rope_theta, x.dtype)
        q_rope, k_rope = apply_rope(q_rope, cos, sin), apply_rope(k_rope, cos, sin)

        q_idx = self.wq_b(c_q).view(b, s, d.index_n_heads, d.index_head_dim)  # (B, S, H_I, d_I)
        k_idx = self.k_norm(self.wk(x))  # (B, S, d_I)
        w = self.weights_proj(x) * d.index_n_heads**-0.5  # (B, S, H_I)
        if cache is not None:
            c_kv, k_rope = cache.append(c_kv, k_rope)
            cache.k_idx = k_idx = k_idx if len(cache) == s or cache.k_idx is None else torch.cat((cache.k_idx, k_idx), dim=1)
        scores = indexer_scores(q_idx, k_idx, w, d.index_head_dim**-0.5)  # (B, S, T)
        blocked = select_topk(scores, d.index_topk)[:, None]  # (B, 1, S, T): same tokens for every head

        w_uk, w_uv = split_kv_up(self.kv_b_proj.weight, c)
        out = attend_absorbed(q_nope, q_rope, c_kv, k_rope, w_uk, w_uv, c.scale, blocked)  # (B, S, n_h, d_v)
        return self.o_proj(out.reshape(b, s, c.num_heads * c.v_head_dim))  # (B, S, n_h * d_v) -> (B, S, d)
