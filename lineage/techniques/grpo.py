"""GRPO: PPO's clipped objective with the value model replaced by the group's own reward statistics.

Paper: Shao et al., "DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language
Models", arXiv:2402.03300, section 4.1 (eq. 3: the GRPO objective; eq. 4: the KL estimator;
section 4.1.2: outcome supervision, advantages normalised within the group).  DeepSeek-R1
(arXiv:2501.12948) trains with the same objective.  Graph id ``grpo``.

For one question q, sample a group of G outputs o_1 … o_G from the old policy and score each
with a reward r_i.  Then (eq. 3-4, outcome supervision):

    A_i      = (r_i - mean(r)) / std(r)                 every token of o_i gets its output's advantage
    rho_it   = pi(o_it | q, o_i,<t) / pi_old(o_it | …)  per-token probability ratio
    KL_it    = pi_ref / pi - log(pi_ref / pi) - 1        unbiased, always >= 0 (eq. 4)
    J        = 1/G sum_i 1/|o_i| sum_t [ min(rho A, clip(rho, 1 - eps, 1 + eps) A) - beta KL ]

and the loss is -J.  No value network: the baseline is the group mean, and dividing by the
group's standard deviation puts every question's advantages on the same scale (mean 0, std 1)
whether its rewards are 0/1 or 0/100.

Simplified: outcome supervision only (no process rewards, section 4.1.3); one policy update per
sample (so rho = 1 at the first step unless old log-probs are given); std is the unbiased
(Bessel) one with a small epsilon added, as trl does.  Parity with trl's ``GRPOTrainer``
loss and advantages is tested in ``tests/techniques/test_grpo.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

TECHNIQUES = ("grpo",)  # graph ids, read by lineage.techniques

__all__ = ["GRPOConfig", "GRPOLoss", "group_advantages", "grpo_loss", "kl_estimate", "token_logprobs"]


@dataclass(frozen=True)
class GRPOConfig:
    """Defaults: DeepSeekMath's RL run (section 4.2) where the paper gives them."""

    group_size: int = 64  # G, "we sample 64 outputs" per question
    beta: float = 0.04  # KL coefficient, "0.04" in section 4.2
    epsilon: float = 0.2  # clip range: PPO's usual value (not stated in the paper; trl's default)
    std_eps: float = 1e-4  # keeps A finite when every output got the same reward (trl's value)


# --------------------------------------------------------------------------- pure functions


def group_advantages(rewards: torch.Tensor, group_size: int, std_eps: float = 1e-4) -> torch.Tensor:
    """A_i = (r_i - mean) / (std + eps) within consecutive groups of ``group_size`` outputs (section 4.1.2).

    ``rewards`` (B * G,), the G outputs of each question next to each other; returns (B * G,).
    """
    groups = rewards.view(-1, group_size)  # (B * G,) -> (B, G)
    mean = groups.mean(-1, keepdim=True)
    std = groups.std(-1, keepdim=True)  # unbiased (divides by G - 1)
    return ((groups - mean) / (std + std_eps)).flatten()  # (B, G) -> (B * G,)


def kl_estimate(logp: torch.Tensor, ref_logp: torch.Tensor) -> torch.Tensor:
    """Per-token KL(pi || pi_ref) estimate pi_ref/pi - log(pi_ref/pi) - 1 (eq. 4), from log-probs."""
    log_ratio = ref_logp - logp
    return log_ratio.exp() - log_ratio - 1


def grpo_loss(
    logp: torch.Tensor, old_logp: torch.Tensor, ref_logp: torch.Tensor | None, advantages: torch.Tensor,
    mask: torch.Tensor, cfg: GRPOConfig,
) -> torch.Tensor:
    """-J of eq. 3 for per-token log-probs (N, T) of N outputs, with advantages (N,) and a 0/1 mask (N, T)."""
    adv = advantages[:, None]  # (N,) -> (N, 1): one advantage for every token of an output
    ratio = (logp - old_logp).exp()  # rho_it
    clipped = ratio.clamp(1 - cfg.epsilon, 1 + cfg.epsilon)
    objective = torch.minimum(ratio * adv, clipped * adv)  # PPO's pessimistic bound
    if cfg.beta and ref_logp is not None:
        objective = objective - cfg.beta * kl_estimate(logp, ref_logp)
    mask = mask.to(logp.dtype)
    per_output = (objective * mask).sum(-1) / mask.sum(-1).clamp(min=1)  # 1/|o_i| sum_t
    return -per_output.mean()  # 1/G sum_i, negated to a loss


def token_logprobs(logits: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    """log pi(o_t | …) (N, T) of the sampled tokens (N, T) under logits (N, T, V), in float32 or wider."""
    logits = logits.to(torch.promote_types(logits.dtype, torch.float32))
    return logits.log_softmax(-1).gather(-1, tokens[..., None]).squeeze(-1)  # (N, T, 1) -> (N, T)


# --------------------------------------------------------------------------- module


class GRPOLoss(nn.Module):
    """Rewards and log-probs in, the GRPO loss out (advantages computed from the rewards' groups)."""

    def __init__(self, cfg: GRPOConfig = GRPOConfig()):
        super().__init__()
        self.cfg = cfg

    def forward(self, logp, rewards, mask, old_logp=None, ref_logp=None) -> torch.Tensor:
        advantages = group_advantages(rewards, self.cfg.group_size, self.cfg.std_eps).to(logp.dtype)
        old_logp = logp.detach() if old_logp is None else old_logp  # one update per sample: rho = 1, gradient A
        return grpo_loss(logp, old_logp, ref_logp, advantages, mask, self.cfg)
