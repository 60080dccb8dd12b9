"""MXFP4 matches transformers' dequantiser and the MX specification element by element; 4.25 bits a value."""

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.fp4_blockwise import (  # noqa: E402
    BLOCK,
    E2M1,
    bits_per_value,
    dequantize_mxfp4,
    quantize_mxfp4,
    quantize_naive,
)

# Tolerances: none.  Every E2M1 value times a power-of-two scale is exact in float32 and float64,
# and both sides pick grid values by exact comparisons, so codes and dequantised values are
# compared bit for bit on any CPU.


def _weights(seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(4, 8, 4 * BLOCK, generator=g)  # (experts, rows, columns)
    w[0, 0, :BLOCK] *= 100.0  # an outlier block gets its own scale
    w[1, 1, BLOCK : 2 * BLOCK] = 0.0  # an all-zero block
    return w


def test_dequantised_values_match_transformers_mxfp4_dequantiser_bit_for_bit():
    mxfp4 = pytest.importorskip("transformers.integrations.mxfp4", reason="transformers (the 'dev' extra) is absent")
    blocks, scales = quantize_mxfp4(_weights())
    theirs = mxfp4.convert_moe_packed_tensors(blocks, scales, dtype=torch.float32)  # (E, N, rows): transposed
    assert torch.equal(dequantize_mxfp4(blocks, scales), theirs.transpose(1, 2))


def test_quantisation_matches_the_specification_element_by_element():
    w = _weights(1)
    w[2, 3, :8] = torch.tensor([1.25, 1.75, 2.5, 5.0, -0.25, 0.75, 6.0, 4.0])  # ties (scale 1 in this block)
    w[2, 3, 8:BLOCK] = 0.1
    ours = dequantize_mxfp4(*quantize_mxfp4(w), dtype=torch.float64)
    assert torch.equal(ours, quantize_naive(w))
    assert ours[2, 3, :8].tolist() == [1.0, 2.0, 2.0, 4.0, -0.0, 1.0, 6.0, 4.0]  # ties go to the even code


def test_every_value_lands_on_the_scaled_e2m1_grid_within_one_step():
    w = _weights(2)
    blocks, scales = quantize_mxfp4(w)
    values = dequantize_mxfp4(blocks, scales)
    scale = torch.ldexp(torch.ones(scales.shape), scales.to(torch.int32) - 127).repeat_interleave(BLOCK, dim=-1)  # (..., N)
    on_grid = (values.abs() / scale)[..., None] == torch.tensor(E2M1)
    assert on_grid.any(dim=-1).all()
    # a block's largest magnitude scales into [4, 8): above 6 it saturates, so no error exceeds 2 X
    assert ((values - w).abs() < 2 * scale).all()
    assert blocks.dtype == torch.uint8 and blocks.shape == (4, 8, 4, BLOCK // 2) and scales.shape == (4, 8, 4)


def test_storage_is_four_and_a_quarter_bits_per_value():
    w = _weights(3)
    blocks, scales = quantize_mxfp4(w)
    assert (blocks.numel() + scales.numel()) * 8 / w.numel() == bits_per_value() == 4.25
