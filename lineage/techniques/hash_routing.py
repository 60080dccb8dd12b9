"""Hash routing: a token's experts are a fixed function of its id, not a learned choice.

Papers: Roller, Sukhbaatar, Szlam, Weston, "Hash Layers For Large Sparse Models",
arXiv:2106.04426, section 3 (the hash layer ``h_t = FFN_{hash(x_t)}(h_{t-1})``; hash functions:
"Random Hash", a fixed random lookup table drawn at initialisation, and "Balanced assignment",
greedy by token frequency so experts get equal shares of the training tokens) and section 3.1
(MultiHash: several hashes per token).  Graph id ``hash-routing``.

DeepSeek-V4 routes its first MoE layers (``mlp_layer_types == "hash_moe"``, 3 in its config) this
way: a frozen table ``tid2eid`` (vocab, k) gives each token id its k = 6 experts, and the learned
router only weighs them:

    chosen = tid2eid[token_id]                          which experts: a lookup, no top-k
    s_i    = sqrt(softplus(u . e_i))                    DeepSeek-V4's scoring function
    g_i    = scale * s_i / sum_{j in chosen} s_j        gates over the chosen experts only

No routing decision is learned, so there is nothing to balance with an auxiliary loss and no
routing collapse; the price is that routing ignores context (the same id always goes to the
same experts).  Balance depends only on the table and the token distribution, which the
balanced table evens out by construction.

Simplified: the table is built here (random or balanced); DeepSeek-V4 ships its table in the
checkpoint.  Experts run in :func:`lineage.techniques.moe.mix_experts`'s plain loop; no shared
expert.  Parity with transformers' ``DeepseekV4HashRouter`` is tested in
``tests/techniques/test_hash_routing.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lineage.techniques.moe import mix_experts

TECHNIQUES = ("hash-routing",)  # graph ids, read by lineage.techniques

__all__ = ["HashMoE", "HashRouter", "HashRoutingConfig", "balanced_hash_table", "hash_route", "random_hash_table"]


@dataclass(frozen=True)
class HashRoutingConfig:
    """Defaults: DeepSeek-V4's hash-routed MoE layers (transformers' DeepseekV4Config defaults)."""

    hidden_size: int = 4096  # d
    vocab_size: int = 129280  # rows of the token -> experts table
    n_routed_experts: int = 256  # E
    num_experts_per_tok: int = 6  # k experts per token: columns of the table
    moe_intermediate_size: int = 2048  # each expert's SwiGLU width
    routed_scaling_factor: float = 1.5  # scale on the normalised gates
    scoring_func: str = "sqrtsoftplus"  # "sqrtsoftplus" (V4), "sigmoid" (V3) or "softmax"


# --------------------------------------------------------------------------- pure functions


def random_hash_table(vocab_size: int, n_experts: int, k: int, seed: int = 0) -> torch.Tensor:
    """Roller's "Random Hash" (sec. 3), k distinct experts per token (MultiHash): (V, k), fixed once drawn."""
    g = torch.Generator().manual_seed(seed)
    return torch.rand(vocab_size, n_experts, generator=g).argsort(-1)[:, :k]  # (V, E) -> (V, k): a random k-subset


def balanced_hash_table(token_counts: torch.Tensor, n_experts: int, k: int) -> torch.Tensor:
    """Roller's "Balanced assignment" (sec. 3): most frequent token first, each to the k least-loaded experts.

    ``token_counts`` (V,) are occurrences in (a sample of) the training data; returns (V, k).
    """
    load = torch.zeros(n_experts, dtype=torch.float64)
    table = torch.empty(len(token_counts), k, dtype=torch.long)
    for token in token_counts.argsort(descending=True, stable=True).tolist():
        experts = load.argsort(stable=True)[:k]  # the k emptiest experts, ties to the lowest index
        table[token] = experts
        load[experts] += float(token_counts[token])
    return table


def score(logits: torch.Tensor, scoring_func: str) -> torch.Tensor:
    """Per-expert affinities s_i from router logits (N, E)."""
    if scoring_func == "sqrtsoftplus":
        return F.softplus(logits).sqrt()  # DeepSeek-V4
    if scoring_func == "sigmoid":
        return logits.sigmoid()  # DeepSeek-V3 eq. 15
    if scoring_func == "softmax":
        return logits.softmax(-1)
    raise ValueError(f'scoring_func "{scoring_func}" is not one of "sqrtsoftplus", "sigmoid", "softmax"')


def hash_route(input_ids: torch.Tensor, u: torch.Tensor, w_router: torch.Tensor, table: torch.Tensor, cfg: HashRoutingConfig):
    """Gates (N, k) and experts (N, k) for tokens u (N, d) with ids (N,): the table picks, the router weighs."""
    chosen = table[input_ids]  # (N, k): a lookup, the same for every occurrence of an id
    wide = torch.promote_types(u.dtype, torch.float32)
    scores = score(F.linear(u.to(wide), w_router.to(wide)), cfg.scoring_func)  # (N, E)
    gates = scores.gather(1, chosen)  # (N, k)
    gates = gates / (gates.sum(-1, keepdim=True) + 1e-20)  # normalise over the chosen experts
    return gates * cfg.routed_scaling_factor, chosen


# --------------------------------------------------------------------------- modules


class HashRouter(nn.Module):
    """Router weights and the frozen table; names follow transformers' ``DeepseekV4HashRouter``."""

    tid2eid: torch.Tensor  # a buffer (register_buffer)

    def __init__(self, cfg: HashRoutingConfig, table: torch.Tensor | None = None):
        super().__init__()
        self.cfg = cfg
        self.weight = nn.Parameter(torch.randn(cfg.n_routed_experts, cfg.hidden_size) * cfg.hidden_size**-0.5)  # e_i
        if table is None:
            table = random_hash_table(cfg.vocab_size, cfg.n_routed_experts, cfg.num_experts_per_tok)
        self.register_buffer("tid2eid", table)  # (V, k), never trained

    def forward(self, u: torch.Tensor, input_ids: torch.Tensor):
        return hash_route(input_ids.reshape(-1), u, self.weight, self.tid2eid, self.cfg)


class HashMoE(nn.Module):
    """A hash-routed MoE layer: h = sum_{i in tid2eid[id]} g_i FFN_i(u)."""

    def __init__(self, cfg: HashRoutingConfig, table: torch.Tensor | None = None):
        super().__init__()
        self.cfg = cfg
        e, d, i = cfg.n_routed_experts, cfg.hidden_size, cfg.moe_intermediate_size
        self.gate = HashRouter(cfg, table)
        self.gate_up_proj = nn.Parameter(torch.randn(e, 2 * i, d) * d**-0.5)  # per expert [W_gate; W_up]
        self.down_proj = nn.Parameter(torch.randn(e, d, i) * i**-0.5)

    def forward(self, x: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        u = x.reshape(-1, x.shape[-1])  # (B, S, d) -> (N, d)
        gates, chosen = self.gate(u, input_ids)
        return mix_experts(u, gates, chosen, self.gate_up_proj, self.down_proj).view(x.shape)  # (N, d) -> (B, S, d)
