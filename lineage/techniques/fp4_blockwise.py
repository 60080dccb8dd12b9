"""MXFP4: 4-bit floats (E2M1) sharing one power-of-two scale per block of 32, two codes per byte.

Paper: Rouhani et al., "Microscaling Data Formats for Deep Learning", arXiv:2310.10537, section 2
(an MX block: k = 32 elements sharing one 8-bit exponent scale X, E8M0) and the OCP Microscaling
Formats (MX) v1.0 specification it defines, section 6.3 (conversion: ``X = 2^(floor(log2(amax)) -
emax_elem)`` with emax_elem = 2 for E2M1, each element ``P_i = quantize(V_i / X)`` rounded to nearest
even and clamped to the largest normal, 6).  Graph id ``fp4-quantization``: DeepSeek-V4 stores
its MoE expert weights in FP4 (model card), gpt-oss in exactly this layout.

E2M1 has one sign bit, two exponent bits and one mantissa bit: the magnitudes
0, 0.5, 1, 1.5, 2, 3, 4, 6 (code 0-7; code + 8 is the negative).  With the scale chosen so the
block's largest magnitude lands in [4, 8), it is rounded to 4 or 6 (saturating at 6), and the
rest keep one mantissa bit: 12.5-25 % relative steps, with values below X / 4 flushed to 0 or X / 2.

    X_b = 2^(floor(log2(amax_b)) - 2)          one E8M0 scale per 32 elements, stored as exponent + 127
    q_i = E2M1(clamp(v_i / X_b, -6, 6))        nearest grid value, ties to the even code
    byte = q_{2j} | q_{2j+1} << 4              element 2j in the low nibble (gpt-oss / transformers layout)

Storage is 4 + 8 / 32 = 4.25 bits per value.  Simplified: no NVFP4 (16-element blocks with E4M3
scales, NVIDIA's variant); no FP4 matmul, weights are dequantised to a wider dtype.  Parity with
transformers' MXFP4 dequantiser (``convert_moe_packed_tensors``) and with a per-element
transcription of the specification is tested in ``tests/techniques/test_fp4_blockwise.py``.
"""

from __future__ import annotations

import torch

TECHNIQUES = ("fp4-quantization",)  # graph ids, read by lineage.techniques

__all__ = ["BLOCK", "E2M1", "quantize_mxfp4", "dequantize_mxfp4", "quantize_naive", "bits_per_value"]

BLOCK = 32  # k, elements sharing one scale (MX spec)
E2M1 = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)  # magnitudes of codes 0-7; codes 8-15 are their negatives
EMAX = 2  # exponent of E2M1's largest normal, 6 = 1.5 * 2^2
SCALE_BIAS = 127  # E8M0 stores the scale's exponent + 127


def bits_per_value(block: int = BLOCK) -> float:
    """4 bits per element plus an 8-bit scale shared by ``block`` of them."""
    return 4 + 8 / block


def _exponents(blocks: torch.Tensor) -> torch.Tensor:
    """floor(log2(amax)) - emax per block (spec 6.3); a block of zeros gets the smallest scale."""
    amax = blocks.abs().amax(dim=-1)  # (..., G)
    exp = torch.floor(torch.log2(amax.clamp_min(2.0**-126))) - EMAX
    return exp.clamp(-SCALE_BIAS, SCALE_BIAS).to(torch.int32)


def quantize_mxfp4(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(blocks, scales): uint8 (..., N / 32, 16) with two codes per byte, uint8 (..., N / 32) E8M0."""
    blocks = w.float().unflatten(-1, (-1, BLOCK))  # (..., G, 32)
    exp = _exponents(blocks)
    scaled = torch.ldexp(blocks, -exp[..., None]).clamp(-6.0, 6.0)  # (..., G, 32), exact: a power of two
    dist = (scaled.abs()[..., None] - torch.tensor(E2M1)).abs()  # (..., G, 32, 8)
    nearest = dist == dist.amin(dim=-1, keepdim=True)  # one grid value, or two at a tie
    code = (nearest * (2 - torch.arange(8) % 2)).argmax(dim=-1)  # ties to the even code (mantissa 0)
    code = code + 8 * ((scaled < 0) & (code > 0))  # the sign bit; a value rounded to 0 is stored as +0
    packed = (code[..., 0::2] | code[..., 1::2] << 4).to(torch.uint8)  # (..., G, 16)
    return packed, (exp + SCALE_BIAS).to(torch.uint8)


def dequantize_mxfp4(blocks: torch.Tensor, scales: torch.Tensor, dtype=torch.float32) -> torch.Tensor:
    """Values (..., N) from packed codes and E8M0 scales: ``E2M1[code] * 2^(scale - 127)``."""
    lut = torch.tensor([*E2M1, *(-v for v in E2M1)], dtype=dtype)  # code -> value
    codes = torch.stack((blocks & 0x0F, blocks >> 4), dim=-1).flatten(-2).long()  # (..., G, 32): low nibble first
    values = torch.ldexp(lut[codes], (scales.to(torch.int32) - SCALE_BIAS)[..., None].to(dtype))
    return values.flatten(-2)  # (..., N)


def quantize_naive(w: torch.Tensor) -> torch.Tensor:
    """The specification element by element, in float64 Python: the dequantised values (..., N)."""
    import math

    out = []
    for block in w.double().reshape(-1, BLOCK).tolist():
        amax = max(abs(v) for v in block)
        x = 2.0 ** (math.floor(math.log2(amax)) - EMAX) if amax > 0 else 2.0**-SCALE_BIAS
        for v in block:
            t = min(abs(v) / x, 6.0)
            best = min(range(8), key=lambda i: (abs(t - E2M1[i]), i % 2))  # nearest, ties to the even code
            out.append(math.copysign(E2M1[best] * x, v) if best else 0.0)
    return torch.tensor(out, dtype=torch.float64).reshape(w.shape)
