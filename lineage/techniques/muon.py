"""Muon: momentum orthogonalised by Newton-Schulz, with Moonlight's scaling and Kimi K2's QK-Clip.

Sources:

* Keller Jordan et al., "Muon: An optimizer for hidden layers in neural networks" (blog post,
  2024-12, https://kellerjordan.github.io/posts/muon/; code KellerJordan/Muon): Nesterov
  momentum, then five iterations of the quintic X <- aX + b(XX^T)X + c(XX^T)^2 X with
  (a, b, c) = (3.4445, -4.7750, 2.0315), run in bfloat16, which pushes every singular value of
  the update towards 1; scaled by sqrt(max(1, A/B)).  Graph id ``muon``.
* Liu et al., "Muon is Scalable for LLM Training" (Moonlight), arXiv:2502.16982, section 2.2:
  decoupled weight decay W <- W - lr (0.2 sqrt(max(A, B)) O + lambda W), so the update's RMS
  matches AdamW's (about 0.2) and AdamW's learning rate and decay can be reused.
* Kimi Team, "Kimi K2: Open Agentic Intelligence", arXiv:2507.20534, section 2.1 (MuonClip):
  after a step, every head h whose largest pre-softmax logit S_max_h exceeded tau has its query
  and key weights scaled by gamma_h^alpha and gamma_h^(1-alpha), gamma_h = tau / S_max_h
  (alpha = 0.5).  For MLA the head-specific parts q^C, k^C get sqrt(gamma_h), the head-specific
  rotary query q^R gets gamma_h, and the shared rotary key k^R is left alone.  Graph id ``muonclip``.

Non-matrix parameters (norms, biases) and, by convention, embeddings and the output head go to
AdamW, as in every Muon recipe.  Simplified: no distributed sharding of the orthogonalisation.
Parity with ``torch.optim.Muon`` is tested in ``tests/techniques/test_muon.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from lineage.techniques.mla import MLA

TECHNIQUES = ("muon", "muonclip")  # graph ids, read by lineage.techniques

__all__ = ["MuonConfig", "Muon", "adjust_lr", "newton_schulz", "qk_clip_", "qk_clip_mla_", "state_bytes"]

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # KellerJordan/Muon muon.py: maximise the slope at zero


@dataclass(frozen=True)
class MuonConfig:
    lr: float = 0.02  # Keller's default with "original" scaling; Moonlight reuses AdamW's lr (e.g. 3e-4)
    momentum: float = 0.95  # mu
    nesterov: bool = True
    ns_steps: int = 5  # five quintic iterations suffice in bfloat16
    weight_decay: float = 0.1  # decoupled: W <- W (1 - lr * wd), Moonlight eq. 3
    adjust_lr_fn: str = "original"  # "original": sqrt(max(1, A/B)); "match_rms_adamw": 0.2 sqrt(max(A, B))
    adam_lr: float = 3e-4  # for the AdamW part
    adam_betas: tuple[float, float] = (0.9, 0.95)
    adam_eps: float = 1e-8
    qk_clip_tau: float = 100.0  # Kimi K2 used tau = 100


# --------------------------------------------------------------------------- pure functions


def newton_schulz(g: torch.Tensor, steps: int = 5, eps: float = 1e-7, dtype=torch.bfloat16) -> torch.Tensor:
    """Approximately orthogonalise ``g`` (A, B): U S V^T -> U S' V^T with S' near 1."""
    a, b, c = NS_COEFFICIENTS
    x = g.to(dtype)
    tall = g.size(0) > g.size(1)
    if tall:
        x = x.T  # (B, A): iterate on the wide side so X X^T is the smaller Gram matrix
    x = x / x.norm().clamp(min=eps)  # Frobenius norm >= spectral norm, so singular values <= 1
    for _ in range(steps):
        gram = x @ x.T  # (A', A')
        poly = torch.addmm(gram, gram, gram, beta=b, alpha=c)  # b G + c G^2
        x = torch.addmm(x, poly, x, beta=a)  # a X + (b G + c G^2) X
    return x.T if tall else x


def adjust_lr(lr: float, shape: torch.Size, mode: str = "original") -> float:
    """Per-shape learning rate: Keller's sqrt(max(1, A/B)) or Moonlight's 0.2 sqrt(max(A, B))."""
    a, b = shape[:2]
    if mode == "original":
        return lr * math.sqrt(max(1.0, a / b))
    if mode == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(a, b))  # Moonlight sec. 2.2: update RMS ~ 0.2, like AdamW's
    raise ValueError(f'adjust_lr_fn "{mode}" is not one of "original", "match_rms_adamw"')


def muon_direction(grad: torch.Tensor, buf: torch.Tensor, momentum: float, nesterov: bool, ns_steps: int):
    """Update the momentum buffer in place; return the orthogonalised direction."""
    buf.lerp_(grad, 1 - momentum)  # B <- mu B + (1 - mu) g   (KellerJordan/Muon's EMA form)
    update = grad.lerp(buf, momentum) if nesterov else buf  # Nesterov: look ahead along the momentum
    return newton_schulz(update, ns_steps)


def qk_clip_(w_q: torch.Tensor, w_k: torch.Tensor, max_logits: torch.Tensor, tau: float, alpha: float = 0.5):
    """MHA QK-Clip in place: rows of head h in w_q (H*d, D) and w_k (H*d, D) scaled when S_max_h > tau."""
    gamma = (tau / max_logits).clamp(max=1.0)  # (H,): 1 for heads under the threshold
    heads = len(max_logits)
    w_q.view(heads, -1, w_q.shape[-1]).mul_(gamma[:, None, None] ** alpha)  # (H, d, D)
    w_k.view(heads, -1, w_k.shape[-1]).mul_(gamma[:, None, None] ** (1 - alpha))
    return gamma


def qk_clip_mla_(mla: MLA, max_logits: torch.Tensor, tau: float) -> torch.Tensor:
    """Kimi K2's MLA split: q^C, k^C by sqrt(gamma), q^R by gamma, shared k^R untouched."""
    c = mla.cfg
    gamma = (tau / max_logits).clamp(max=1.0)  # (H,)
    root = gamma.sqrt()[:, None, None]
    w_q = (mla.q_b_proj if c.q_lora_rank else mla.q_proj).weight
    q = w_q.data.view(c.num_heads, c.qk_head_dim, -1)  # (H, d_h + d_r, d_c')
    q[:, : c.qk_nope_head_dim].mul_(root)  # q^C
    q[:, c.qk_nope_head_dim :].mul_(gamma[:, None, None])  # q^R: the whole factor, k^R is shared
    kv = mla.kv_b_proj.weight.data.view(c.num_heads, c.qk_nope_head_dim + c.v_head_dim, -1)  # (H, d_h + d_v, d_c)
    kv[:, : c.qk_nope_head_dim].mul_(root)  # k^C; values untouched
    return gamma


def state_bytes(optimizer: torch.optim.Optimizer) -> int:
    """Measured bytes of every tensor an optimizer keeps in its state."""
    return sum(
        t.numel() * t.element_size() for s in optimizer.state.values() for t in s.values() if torch.is_tensor(t)
        and t.dim() > 0
    )


# --------------------------------------------------------------------------- optimizer


class Muon(torch.optim.Optimizer):
    """Muon for parameter groups with ``use_muon=True`` (2-D), AdamW for the rest.

    >>> w, b = torch.nn.Parameter(torch.randn(4, 3)), torch.nn.Parameter(torch.zeros(3))
    >>> opt = Muon([{"params": [w], "use_muon": True}, {"params": [b], "use_muon": False}])
    >>> (w.sum() + b.sum()).backward(); opt.step()
    >>> sorted(opt.state[w]), sorted(opt.state[b])
    (['momentum_buffer'], ['exp_avg', 'exp_avg_sq', 'step'])
    """

    def __init__(self, params, cfg: MuonConfig = MuonConfig()):
        defaults = dict(
            use_muon=True, lr=cfg.lr, momentum=cfg.momentum, nesterov=cfg.nesterov, ns_steps=cfg.ns_steps,
            weight_decay=cfg.weight_decay, adjust_lr_fn=cfg.adjust_lr_fn, adam_lr=cfg.adam_lr,
            adam_betas=cfg.adam_betas, adam_eps=cfg.adam_eps,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            if group["use_muon"] and any(p.ndim != 2 for p in group["params"]):
                raise ValueError("Muon groups take 2-D parameters only; put the others in a use_muon=False group")

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if group["use_muon"]:
                self._muon(group, params)
            else:
                self._adamw(group, params)
        return loss

    def _muon(self, group, params):
        lr, wd = group["lr"], group["weight_decay"]
        for p in params:
            state = self.state[p]
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = torch.zeros_like(p)
            o = muon_direction(p.grad, state["momentum_buffer"], group["momentum"], group["nesterov"], group["ns_steps"])
            p.mul_(1 - lr * wd)  # decoupled weight decay at the unscaled lr (Moonlight eq. 3)
            p.add_(o, alpha=-adjust_lr(lr, p.shape, group["adjust_lr_fn"]))

    def _adamw(self, group, params):
        lr, wd, (b1, b2), eps = group["adam_lr"], group["weight_decay"], group["adam_betas"], group["adam_eps"]
        for p in params:
            state = self.state[p]
            if not state:
                state["step"] = torch.tensor(0.0)
                state["exp_avg"], state["exp_avg_sq"] = torch.zeros_like(p), torch.zeros_like(p)
            state["step"] += 1
            t = state["step"].item()
            state["exp_avg"].lerp_(p.grad, 1 - b1)
            state["exp_avg_sq"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            denom = (state["exp_avg_sq"] / (1 - b2**t)).sqrt_().add_(eps)
            p.mul_(1 - lr * wd)
            p.addcdiv_(state["exp_avg"], denom, value=-lr / (1 - b1**t))
