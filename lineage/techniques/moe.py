"""DeepSeekMoE: many small routed experts plus always-on shared experts, balanced without an aux loss.

Papers: Dai et al., "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts
Language Models", arXiv:2401.06066, section 3 (fine-grained segmentation, shared-expert
isolation); DeepSeek-AI, "DeepSeek-V3 Technical Report", arXiv:2412.19437, section 2.1.2
(eq. 12-16: sigmoid affinities, normalised top-k gates; "auxiliary-loss-free load balancing":
a per-expert bias that only affects selection, nudged by gamma after each step) and section
4.2 (group-limited routing: 8 groups, each token's experts come from at most 4 of them).
Graph ids: ``deepseekmoe`` (with ``shared-experts``, ``fine-grained-experts``,
``group-limited-routing``, ``aux-loss-free-balancing``), and ``moe`` itself: a top-k routed
mixture of experts (Shazeer et al., arXiv:1701.06538) is this layer without shared experts.

For a token u (dim d), with routed experts FFN_i and shared experts FFN_s (eq. 12-16):

    s_i   = sigmoid(u . e_i)                        affinity
    chosen = TopK_i(s_i + b_i)  within the best groups   selection uses the bias b
    g_i   = s_i / sum_{j in chosen} s_j             gates use s without the bias
    h     = sum_s FFN_s(u) + scale * sum_{i in chosen} g_i FFN_i(u)

and after each step b_i <- b_i + gamma * sign(mean_load - load_i).

Simplified: no expert parallelism or capacity; the small sequence-wise balance loss of V3
(eq. 17-20) is left out; experts run in a plain loop.  Parity with transformers'
``DeepseekV3MoE`` is tested in ``tests/techniques/test_moe.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

TECHNIQUES = (  # graph ids, read by lineage.techniques
    "moe", "deepseekmoe", "fine-grained-experts", "shared-experts", "group-limited-routing", "aux-loss-free-balancing",
)

__all__ = ["MoEConfig", "DeepSeekMoE", "mix_experts", "route", "update_bias", "swiglu"]


@dataclass(frozen=True)
class MoEConfig:
    """Defaults are DeepSeek-V3's MoE layer (config.json of deepseek-ai/DeepSeek-V3)."""

    hidden_size: int = 7168  # d
    moe_intermediate_size: int = 2048  # each expert is a small SwiGLU FFN (fine-grained: 1/9 of the dense 18432)
    n_routed_experts: int = 256  # N_r
    n_shared_experts: int = 1  # N_s, always active
    num_experts_per_tok: int = 8  # K_r routed experts per token
    n_group: int = 8  # experts are split into groups (one group per node in V3's deployment)
    topk_group: int = 4  # a token may use experts from at most this many groups ("M = 4", sec. 4.2)
    routed_scaling_factor: float = 2.5  # scale on the routed sum
    norm_topk_prob: bool = True  # normalise the chosen gates to sum to 1 (eq. 13)
    bias_update_speed: float = 0.001  # gamma, "0.001 for the first 14.3T tokens" (sec. 4.2)


# --------------------------------------------------------------------------- pure functions


def swiglu(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor, w_down: torch.Tensor) -> torch.Tensor:
    """SwiGLU FFN: W_down (silu(W_gate x) * W_up x)."""
    return F.linear(F.silu(F.linear(x, w_gate)) * F.linear(x, w_up), w_down)


def route(u: torch.Tensor, w_router: torch.Tensor, bias: torch.Tensor, cfg: MoEConfig):
    """Gates (N, K) and expert indices (N, K) for tokens u (N, d).

    Returns the scores too (N, E), the sigmoid affinities before any bias.
    """
    wide = torch.promote_types(u.dtype, torch.float32)
    scores = F.linear(u.to(wide), w_router.to(wide)).sigmoid()  # (N, E): s_i, eq. 15
    biased = scores + bias.to(wide)  # the bias only steers selection (sec. 2.1.2)
    n, e = biased.shape
    # group-limited routing: rank groups by the sum of their two best biased scores
    grouped = biased.view(n, cfg.n_group, e // cfg.n_group)  # (N, G, E/G)
    group_score = grouped.topk(2, dim=-1).values.sum(-1)  # (N, G)
    keep = group_score.topk(cfg.topk_group, dim=-1).indices  # (N, topk_group)
    group_ok = torch.zeros_like(group_score, dtype=torch.bool).scatter_(1, keep, True)  # (N, G)
    expert_ok = group_ok[:, :, None].expand_as(grouped).reshape(n, e)  # (N, G, E/G) -> (N, E)
    chosen = biased.masked_fill(~expert_ok, float("-inf")).topk(cfg.num_experts_per_tok, dim=-1).indices  # (N, K)
    gates = scores.gather(1, chosen)  # (N, K): g'_i = s_i, without the bias
    if cfg.norm_topk_prob:
        gates = gates / (gates.sum(-1, keepdim=True) + 1e-20)  # eq. 13
    return gates * cfg.routed_scaling_factor, chosen, scores


def mix_experts(u, gates, chosen, gate_up_proj, down_proj) -> torch.Tensor:
    """sum_k gates[:, k] FFN_{chosen[:, k]}(u) for tokens u (N, d); experts stacked (E, 2I, d), (E, d, I)."""
    out = torch.zeros_like(u)
    inter = down_proj.shape[-1]
    for e in chosen.unique().tolist():
        token, slot = (chosen == e).nonzero(as_tuple=True)  # tokens that chose expert e, and where
        w_gate, w_up = gate_up_proj[e].split(inter)  # (I, d) each
        y = swiglu(u[token], w_gate, w_up, down_proj[e])  # (n_e, d)
        out.index_add_(0, token, y * gates[token, slot, None].to(y.dtype))
    return out


def expert_load(chosen: torch.Tensor, n_experts: int) -> torch.Tensor:
    """Tokens routed to each expert (E,)."""
    return torch.bincount(chosen.flatten(), minlength=n_experts)


def update_bias(bias: torch.Tensor, load: torch.Tensor, speed: float) -> torch.Tensor:
    """Aux-loss-free balancing (V3 sec. 2.1.2): lower the bias of overloaded experts, raise underloaded ones."""
    load = load.to(bias.dtype)
    return bias + speed * torch.sign(load.mean() - load)


# --------------------------------------------------------------------------- module


class _Router(nn.Module):
    e_score_correction_bias: torch.Tensor  # a buffer (register_buffer)

    def __init__(self, cfg: MoEConfig):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cfg.n_routed_experts, cfg.hidden_size))  # e_i, one row per expert
        nn.init.normal_(self.weight, std=cfg.hidden_size**-0.5)
        self.register_buffer("e_score_correction_bias", torch.zeros(cfg.n_routed_experts))  # b_i, not learned


class _Experts(nn.Module):
    def __init__(self, cfg: MoEConfig):
        super().__init__()
        e, d, i = cfg.n_routed_experts, cfg.hidden_size, cfg.moe_intermediate_size
        self.gate_up_proj = nn.Parameter(torch.randn(e, 2 * i, d) * d**-0.5)  # per expert [W_gate; W_up]
        self.down_proj = nn.Parameter(torch.randn(e, d, i) * i**-0.5)


class _Shared(nn.Module):
    def __init__(self, cfg: MoEConfig):
        super().__init__()
        d, i = cfg.hidden_size, cfg.moe_intermediate_size * cfg.n_shared_experts  # shared experts as one wider FFN
        self.gate_proj = nn.Linear(d, i, bias=False)
        self.up_proj = nn.Linear(d, i, bias=False)
        self.down_proj = nn.Linear(i, d, bias=False)


class DeepSeekMoE(nn.Module):
    """A DeepSeekMoE layer; parameter names follow transformers' ``DeepseekV3MoE`` so state dicts load."""

    def __init__(self, cfg: MoEConfig):
        super().__init__()
        self.cfg = cfg
        self.gate = _Router(cfg)
        self.experts = _Experts(cfg)
        self.shared_experts = _Shared(cfg)
        self.load: torch.Tensor
        self.register_buffer("load", torch.zeros(cfg.n_routed_experts, dtype=torch.long), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        u = x.reshape(-1, shape[-1])  # (B, S, d) -> (N, d)
        gates, chosen, _ = route(u, self.gate.weight, self.gate.e_score_correction_bias, self.cfg)
        if self.training:
            self.load += expert_load(chosen, self.cfg.n_routed_experts)
        out = mix_experts(u, gates, chosen, self.experts.gate_up_proj, self.experts.down_proj)
        sh = self.shared_experts
        out = out + swiglu(u, sh.gate_proj.weight, sh.up_proj.weight, sh.down_proj.weight)
        return out.view(shape)

    @torch.no_grad()
    def update_bias(self) -> None:
        """Apply the load seen since the last call to the routing bias, then reset the count."""
        bias = self.gate.e_score_correction_bias
        bias.copy_(update_bias(bias, self.load, self.cfg.bias_update_speed))
        self.load.zero_()
