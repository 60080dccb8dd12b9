"""Fine-grained FP8: E4M3 values with one scale per 1x128 activation tile and per 128x128 weight block.

Paper: DeepSeek-AI, "DeepSeek-V3 Technical Report", arXiv:2412.19437, section 3.3.1-3.3.2
("Fine-Grained Quantization": activations scaled per token per 128 channels, weights per
128x128 block, every tensor in E4M3; "Increasing Accumulation Precision": each 128-element
partial sum of the GEMM is multiplied by its two scales and accumulated in FP32) and figure 7.
Graph ids ``fp8-training`` (V3 trains this way) and ``fp8-quantization`` (its released
checkpoints store weights in this format: ``weight_scale_inv`` per 128x128 block).

E4M3 keeps 3 mantissa bits (neighbouring values 6-12.5% apart, so rounding costs up to 3-6%)
and a range of +-448, with subnormals below 2^-6 in steps of 2^-9.  Scaling a tensor by ``448 / amax`` uses that range fully, but one scale
per tensor lets a single outlier (LLM activations have channels 100x the typical size) push
everything else into E4M3's few subnormal steps or below them.  A scale per small group bounds
that damage to the group:

    s_g   = amax(|x_g|) / 448                       one scale per 1x128 tile or 128x128 block
    q     = E4M3(x / s_g)                            stored with s_g (as ``scale_inv``)
    y_ij  = sum_b s^x_ib s^w_jb sum_{k in b} q^x_ik q^w_jk    GEMM: per-block partials, scaled in FP32

Because each scale is constant over its 128 k's, the scaled GEMM equals the product of the
dequantised matrices exactly (up to FP32 summation); the kernel never materialises them.

Simplified: dimensions must be multiples of the block (DeepSeek pads); scales are FP32, not
DeepSeek-V3.1/V4's power-of-two UE8M0; no E5M2, no online delayed scaling (V3 uses none either);
the GEMM runs in ordinary torch ops on dequantised partials, not on FP8 tensor cores.  Parity with
transformers' FP8 checkpoint quantiser (``Fp8Quantize``) and dequantiser is tested in
``tests/techniques/test_fp8_blockwise.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

TECHNIQUES = ("fp8-training", "fp8-quantization")  # graph ids, read by lineage.techniques

__all__ = [
    "FP8Config", "FP8Linear", "blockwise_matmul", "dequantize_blocks", "quantize_activations", "quantize_blocks",
    "quantize_per_tensor", "quantize_weight", "relative_error",
]

E4M3 = torch.float8_e4m3fn
E4M3_MAX = torch.finfo(E4M3).max  # 448


@dataclass(frozen=True)
class FP8Config:
    """DeepSeek-V3's quantization granularity (section 3.3.2; ``weight_block_size`` [128, 128] in its config)."""

    block: int = 128  # N_C: weights in block x block squares, activations in 1 x block tiles along K


# --------------------------------------------------------------------------- pure functions


def quantize_blocks(x: torch.Tensor, block_rows: int, block_cols: int) -> tuple[torch.Tensor, torch.Tensor]:
    """E4M3 values (R, C) and FP32 ``scale_inv`` (R / br, C / bc) of x (R, C) with one scale per br x bc block."""
    rows, cols = x.shape
    blocks = x.float().reshape(rows // block_rows, block_rows, cols // block_cols, block_cols)  # (R/br, br, C/bc, bc)
    amax = blocks.abs().amax(dim=(1, 3))  # (R/br, C/bc)
    scale = torch.where(amax > 0, E4M3_MAX / amax, 1.0)  # maps each block's amax to 448; empty blocks stay put
    scaled = blocks * scale[:, None, :, None]  # broadcast (R/br, 1, C/bc, 1) over the block
    q = scaled.clamp(-E4M3_MAX, E4M3_MAX).to(E4M3).reshape(rows, cols)  # (R/br, br, C/bc, bc) -> (R, C)
    return q, 1.0 / scale  # scale_inv: multiply to dequantize


def dequantize_blocks(q: torch.Tensor, scale_inv: torch.Tensor, dtype=torch.float32) -> torch.Tensor:
    """q (R, C) times its block's ``scale_inv`` (R / br, C / bc), in ``dtype`` or float32, whichever is wider."""
    wide = torch.promote_types(dtype, torch.float32)
    block_rows, block_cols = q.shape[0] // scale_inv.shape[0], q.shape[1] // scale_inv.shape[1]
    full = scale_inv.to(wide).repeat_interleave(block_rows, 0).repeat_interleave(block_cols, 1)  # (R, C)
    return (q.to(wide) * full).to(dtype)


def quantize_weight(w: torch.Tensor, cfg: FP8Config = FP8Config()):
    """128x128 block scaling for a weight (out, in)."""
    return quantize_blocks(w, cfg.block, cfg.block)


def quantize_activations(x: torch.Tensor, cfg: FP8Config = FP8Config()):
    """1x128 tile scaling for activations (N, K): one scale per token per 128 channels (fig. 7a)."""
    return quantize_blocks(x, 1, cfg.block)


def quantize_per_tensor(x: torch.Tensor):
    """One scale for the whole tensor: the coarse baseline fine-grained scaling improves on."""
    return quantize_blocks(x, *x.shape)


def blockwise_matmul(xq, x_scale_inv, wq, w_scale_inv, cfg: FP8Config = FP8Config(), dtype=torch.float32):
    """x W^T from quantized x (N, K) with tile scales (N, K/128) and W (O, K) with block scales (O/128, K/128).

    Each 128-wide slice of K is one partial product, scaled by its activation and weight scales and
    accumulated in float32 or wider (V3 section 3.3.2: promotion to FP32 every N_C = 128 elements).
    """
    wide = torch.promote_types(dtype, torch.float32)
    n, k = xq.shape
    b = cfg.block
    x_tiles = xq.to(wide).view(n, k // b, b)  # (N, K/128, 128)
    w_tiles = wq.to(wide).view(wq.shape[0], k // b, b)  # (O, K/128, 128)
    partials = torch.einsum("nbk,obk->nbo", x_tiles, w_tiles)  # (N, K/128, O): one FP8 GEMM per K slice
    w_scale = w_scale_inv.to(wide).repeat_interleave(b, 0)  # (O/128, K/128) -> (O, K/128): a row per output
    scales = x_scale_inv.to(wide)[:, :, None] * w_scale.T[None, :, :]  # (N, K/128, 1) * (1, K/128, O)
    return (partials * scales).sum(1).to(dtype)  # (N, O)


def relative_error(x: torch.Tensor, approx: torch.Tensor) -> float:
    """||x - approx|| / ||x|| (Frobenius), in float64."""
    x, approx = x.double(), approx.double()
    return ((x - approx).norm() / x.norm()).item()


# --------------------------------------------------------------------------- module


class FP8Linear(nn.Module):
    """A bias-free linear layer holding an E4M3 weight and its 128x128 ``weight_scale_inv`` (V3 checkpoint names)."""

    def __init__(self, weight: torch.Tensor, cfg: FP8Config = FP8Config()):
        super().__init__()
        self.cfg = cfg
        q, scale_inv = quantize_weight(weight, cfg)
        self.register_buffer("weight", q)  # (O, K) E4M3
        self.register_buffer("weight_scale_inv", scale_inv)  # (O/128, K/128) float32

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.reshape(-1, x.shape[-1])  # (..., K) -> (N, K)
        xq, x_scale_inv = quantize_activations(flat, self.cfg)  # activations quantized on the fly, per tile
        y = blockwise_matmul(xq, x_scale_inv, self.weight, self.weight_scale_inv, self.cfg, x.dtype)
        return y.view(*x.shape[:-1], -1)  # (N, O) -> (..., O)
