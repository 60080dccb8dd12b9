"""Shared steps of the linear-attention layer tests (Gated DeltaNet, KDA): same weights, fixed-size state."""

from __future__ import annotations


def same_weights(ref, ours):
    """Random float64 weights in transformers' layer ``ref``, loaded strictly into ``ours``.

    The decay rate ``A_log`` stays small (std 0.1) so decays stay in a realistic range.
    """
    import torch

    ref, ours = ref.double(), ours.double()
    for name, p in ref.named_parameters():
        torch.nn.init.normal_(p, std=0.1 if name.endswith("A_log") else 0.3)
    ours.load_state_dict(ref.state_dict())  # strict: every weight has the same name and shape
    return ours, ref


def both_outputs(ours, ref, hidden: int, chunked: bool):
    """Each layer's output on the same float64 input (2 sequences of 19 tokens)."""
    import torch

    x = torch.randn(2, 19, hidden, dtype=torch.float64)
    with torch.no_grad():
        return ours(x, chunked=chunked), ref(x)


def decode_after_prefill(layer, hidden: int, prefill: int = 12, tokens: int = 20):
    """Run ``layer`` once over random tokens, and again as a prefill then one token at a time.

    Returns (one-pass output, stepwise output, state bytes after the prefill, state bytes at the end).
    """
    import torch

    from lineage.techniques.gated_deltanet import RecurrentState

    x = torch.randn(1, tokens, hidden, dtype=torch.float64)
    cache = RecurrentState()
    with torch.no_grad():
        full = layer(x)
        steps = [layer(x[:, :prefill], cache)]
        after_prefill = cache.nbytes()
        steps += [layer(x[:, t : t + 1], cache) for t in range(prefill, tokens)]
    return full, torch.cat(steps, 1), after_prefill, cache.nbytes()
