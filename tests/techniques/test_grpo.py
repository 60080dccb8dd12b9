"""GRPO's loss matches trl's GRPOTrainer._compute_loss; its advantages match trl's group normalisation."""

from collections import defaultdict
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.grpo import GRPOConfig, GRPOLoss, group_advantages, grpo_loss, kl_estimate  # noqa: E402

# Tolerances. Everything here is float64 on both sides (trl computes the loss in the dtype of the
# log-probs it is given), so results differ only in op order: sums of <= 24 terms of size ~1,
# ~24 * 2^-53 ~ 3e-15. FLOAT64_ONLY = 1e-12 leaves ~300x headroom; a missing clip, a KL sign or a
# per-token instead of per-output mean changes the loss by 1e-2 or more.
FLOAT64_ONLY = dict(rtol=1e-12, atol=1e-12)
CFG = GRPOConfig(group_size=4, beta=0.04, epsilon=0.2)


def batch(seed: int, n: int = 8, t: int = 6):
    """Log-probs of n outputs of up to t tokens: current, old (perturbed, so some ratios clip), reference."""
    g = torch.Generator().manual_seed(seed)
    logp = -torch.rand(n, t, generator=g, dtype=torch.float64) * 3
    old = logp + torch.randn(n, t, generator=g, dtype=torch.float64) * 0.3  # ratios e^N(0, 0.3): ~50% outside 1 +- 0.2
    ref = logp + torch.randn(n, t, generator=g, dtype=torch.float64) * 0.5
    lengths = torch.randint(1, t + 1, (n,), generator=g)
    mask = (torch.arange(t)[None, :] < lengths[:, None]).long()  # (n, t): padded after each output's end
    rewards = torch.randint(0, 2, (n,), generator=g).double() + torch.rand(n, generator=g, dtype=torch.float64) * 0.1
    return logp, old, ref, mask, rewards


def trl_loss(logp, old, ref, mask, advantages, cfg: GRPOConfig):
    """trl's own GRPOTrainer._compute_loss (trl/trainer/grpo_trainer.py), called on a stand-in trainer.

    The stand-in supplies only what the "grpo" loss path reads: the log-probs (instead of running a model),
    epsilon, beta, and no-op accelerate gathers for its metrics; eval mode, so no accumulation scaling.
    """
    grpo_trainer = pytest.importorskip("trl.trainer.grpo_trainer")
    trainer = SimpleNamespace(
        _get_per_token_logps_and_entropies=lambda *args, **kwargs: (logp, torch.zeros_like(logp), None),
        top_entropy_quantile=1.0, off_policy_mask_threshold=None, importance_sampling_level="token",
        beta=cfg.beta, epsilon_low=cfg.epsilon, epsilon_high=cfg.epsilon, loss_type="grpo", use_vllm=False,
        args=SimpleNamespace(use_bias_correction_kl=False, delta=None), model=SimpleNamespace(training=False),
        _entropy_bonus_enabled=False, aux_loss_enabled=False, _metrics=defaultdict(lambda: defaultdict(list)),
        accelerator=SimpleNamespace(gather=lambda x: x, reduce=lambda x, reduction: x),
    )
    empty = torch.zeros(len(logp), 0, dtype=torch.long)
    inputs = {
        "prompt_ids": empty, "prompt_mask": empty, "completion_ids": torch.zeros_like(mask), "completion_mask": mask,
        "advantages": advantages, "old_per_token_logps": old, "ref_per_token_logps": ref,
    }
    return grpo_trainer.GRPOTrainer._compute_loss(trainer, None, inputs)


@pytest.mark.parametrize("beta", [0.04, 0.0], ids=["kl", "no-kl"])
def test_loss_and_gradient_match_trl(beta):
    cfg = GRPOConfig(group_size=4, beta=beta, epsilon=0.2)
    logp, old, ref, mask, rewards = batch(seed=0)
    advantages = group_advantages(rewards, cfg.group_size, cfg.std_eps)
    ours_logp, trl_logp = logp.clone().requires_grad_(), logp.clone().requires_grad_()
    ours, theirs = grpo_loss(ours_logp, old, ref, advantages, mask, cfg), trl_loss(trl_logp, old, ref, mask, advantages, cfg)
    torch.testing.assert_close(ours, theirs, **FLOAT64_ONLY)
    ours.backward()
    theirs.backward()
    torch.testing.assert_close(ours_logp.grad, trl_logp.grad, **FLOAT64_ONLY)
    clipped = ((logp - old).exp() - 1).abs() > cfg.epsilon
    assert clipped[mask.bool()].float().mean() > 0.2  # the clip is exercised, not just the plain ratio


def test_advantages_match_trl_group_normalisation():
    """trl's _generate_and_score_completions, scale_rewards="group": (r - group mean) / (nanstd + 1e-4)."""
    nanstd = pytest.importorskip("trl.trainer.utils").nanstd
    _, _, _, _, rewards = batch(seed=1, n=12)
    grouped = rewards.view(-1, 4)  # the two lines of trl's advantage computation, with its own nanstd
    expected = (rewards - grouped.nanmean(1).repeat_interleave(4)) / (nanstd(grouped, dim=1).repeat_interleave(4) + 1e-4)
    # trl's nanstd divides two integer counts for Bessel's factor G / (G - 1), which torch does in float32:
    # the factor is off by <= 2^-24 ~ 6e-8 relative, the std (its square root) by half that, 3e-8, and so
    # is every advantage (measured 1.5e-8 for 4/3). rtol 1e-7 covers it; atol 1e-12 for float64 elsewhere.
    torch.testing.assert_close(group_advantages(rewards, 4), expected, rtol=1e-7, atol=1e-12)


def test_advantages_have_mean_zero_and_unit_std_in_every_group():
    torch.manual_seed(2)
    rewards = torch.cat([torch.randint(0, 2, (64,)).double(), torch.rand(64, dtype=torch.float64) * 100])  # 0/1 and 0-100
    adv = group_advantages(rewards, 64).view(2, 64)
    torch.testing.assert_close(adv.mean(-1), torch.zeros(2, dtype=torch.float64), rtol=0, atol=1e-12)
    # std / (std + 1e-4): 1 - 1e-4 / std, with std ~0.5 (0/1 rewards) or ~29 (0-100): within 2e-4 of 1
    torch.testing.assert_close(adv.std(-1), torch.ones(2, dtype=torch.float64), rtol=0, atol=3e-4)


def test_on_policy_gradient_is_the_advantage_spread_over_each_output():
    """rho = 1, beta = 0: d loss / d logp_it = -A_i / (|o_i| N), the plain policy gradient with a group baseline."""
    logp, _, _, mask, rewards = batch(seed=3)
    logp.requires_grad_()
    GRPOLoss(GRPOConfig(group_size=4, beta=0.0))(logp, rewards, mask).backward()
    adv = group_advantages(rewards, 4)
    expected = -adv[:, None] * mask / mask.sum(-1, keepdim=True) / len(mask)
    torch.testing.assert_close(logp.grad, expected, **FLOAT64_ONLY)


def test_kl_estimate_is_non_negative_and_zero_only_at_equality():
    logp = torch.linspace(-5, 0, 11, dtype=torch.float64)
    assert (kl_estimate(logp, logp) == 0).all()
    assert (kl_estimate(logp, logp + 0.3) > 0).all() and (kl_estimate(logp, logp - 0.3) > 0).all()
