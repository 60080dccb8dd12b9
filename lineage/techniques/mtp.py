"""DeepSeek-V3's sequential multi-token prediction (MTP): extra depth predicts tokens further ahead.

Paper: DeepSeek-AI, "DeepSeek-V3 Technical Report", arXiv:2412.19437, section 2.2
(equations 21-25), adapting Gloeckle et al., "Better & Faster Large Language Models via
Multi-token Prediction", arXiv:2404.19737 (parallel heads) into sequential modules that keep
the causal chain.  Graph id ``mtp``.

Module k (k = 1 … D) sees position i's representation from the previous depth and the
embedding of token i + k, and predicts token i + k + 1:

    h'_i^k = M_k [RMSNorm(h_i^{k-1}); RMSNorm(Emb(t_{i+k}))]      eq. 21, M_k is (d x 2d)
    h^k_{1:T-k} = TRM_k(h'^k_{1:T-k})                             eq. 22, one Transformer block
    P^k_{i+k+1} = OutHead(h_i^k)                                  eq. 23, shared with the main model
    L^k = -1/T sum_{i=2+k}^{T+1} log P^k_i[t_i]                   eq. 24
    L_MTP = lambda / D * sum_k L^k                                eq. 25

The embedding and output head are the main model's.  DeepSeek-V3 uses D = 1 and
lambda = 0.3 (then 0.1).  Simplified: TRM_k is a small pre-norm causal block built from
torch.nn.MultiheadAttention and a GELU MLP (V3 uses its own MLA + MoE layer); the loss is
averaged over the predicted positions (T - k - 1 of them) rather than divided by T.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

TECHNIQUES = ("mtp",)  # graph ids, read by lineage.techniques

__all__ = ["MTPConfig", "MTPModule", "MTP", "mtp_module_step", "mtp_loss"]


@dataclass(frozen=True)
class MTPConfig:
    hidden_size: int = 64  # d (V3: 7168)
    num_heads: int = 4  # heads of the block TRM_k
    depth: int = 1  # D, number of sequential modules (V3: 1)
    loss_weight: float = 0.3  # lambda, "0.3 for the first 10T tokens" (V3 sec. 4.2)
    rms_norm_eps: float = 1e-6


class Block(nn.Module):
    """TRM_k: pre-norm causal self-attention + MLP."""

    def __init__(self, cfg: MTPConfig):
        super().__init__()
        d = cfg.hidden_size
        self.norm1, self.norm2 = nn.RMSNorm(d, eps=cfg.rms_norm_eps), nn.RMSNorm(d, eps=cfg.rms_norm_eps)
        self.attn = nn.MultiheadAttention(d, cfg.num_heads, bias=False, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d, bias=False), nn.GELU(), nn.Linear(4 * d, d, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = x.shape[1]
        mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)  # True = may not attend
        h = self.norm1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class MTPModule(nn.Module):
    """One depth k: two norms, the projection M_k and the block TRM_k."""

    def __init__(self, cfg: MTPConfig):
        super().__init__()
        d = cfg.hidden_size
        self.hnorm = nn.RMSNorm(d, eps=cfg.rms_norm_eps)  # on h^{k-1}
        self.enorm = nn.RMSNorm(d, eps=cfg.rms_norm_eps)  # on Emb(t_{i+k})
        self.proj = nn.Linear(2 * d, d, bias=False)  # M_k ("eh_proj" in DeepSeek's code)
        self.block = Block(cfg)


# --------------------------------------------------------------------------- pure functions


def mtp_module_step(module: MTPModule, h_prev: torch.Tensor, emb_ahead: torch.Tensor) -> torch.Tensor:
    """Eq. 21-22: h_prev (B, L, d) is h^{k-1}_{1:L}, emb_ahead (B, L, d) is Emb(t_{1+k : L+k})."""
    joined = torch.cat((module.hnorm(h_prev), module.enorm(emb_ahead)), dim=-1)  # (B, L, 2d): [h ; e]
    return module.block(module.proj(joined))  # (B, L, d)


def mtp_loss(
    modules: nn.ModuleList, h_main: torch.Tensor, tokens: torch.Tensor, embed: nn.Embedding, head: nn.Module,
    loss_weight: float,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """L_MTP and the per-depth L^k for main-model states h_main (B, T, d) of ``tokens`` (B, T)."""
    t = tokens.shape[1]
    h, losses = h_main, []
    for k, module in enumerate(modules, start=1):
        length = t - k  # positions i = 0 … T-k-1 have a token i + k to embed
        assert isinstance(module, MTPModule)
        h = mtp_module_step(module, h[:, :length], embed(tokens[:, k : k + length]))  # (B, T-k, d)
        logits = head(h[:, : length - 1])  # (B, T-k-1, V): the last position has no target i + k + 1
        target = tokens[:, k + 1 :]  # (B, T-k-1)
        losses.append(F.cross_entropy(logits.flatten(0, 1), target.flatten()))  # (B*(T-k-1), V) vs (B*(T-k-1),)
    return loss_weight / len(modules) * torch.stack(losses).sum(), losses


class MTP(nn.Module):
    """D sequential MTP modules sharing the main model's embedding and output head."""

    def __init__(self, cfg: MTPConfig, embed: nn.Embedding, head: nn.Module):
        super().__init__()
        self.cfg = cfg
        self.modules_ = nn.ModuleList(MTPModule(cfg) for _ in range(cfg.depth))
        self.embed, self.head = embed, head  # shared, not copies (eq. 21, 23)

    def forward(self, h_main: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        return mtp_loss(self.modules_, h_main, tokens, self.embed, self.head, self.cfg.loss_weight)[0]
