"""Block-scaled FP8 matches transformers' FP8 checkpoint quantiser and a per-block loop; it isolates outliers."""

from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")

from lineage.techniques.fp8_blockwise import (  # noqa: E402
    E4M3,
    FP8Config,
    FP8Linear,
    blockwise_matmul,
    dequantize_blocks,
    quantize_activations,
    quantize_per_tensor,
    quantize_weight,
    relative_error,
)

# Tolerances.
# * Quantization is compared bit for bit: both sides compute the scale 448 / amax and x * scale in
#   float32 and cast with torch's round-to-nearest-even E4M3 conversion, so the codes, the float32
#   scale_inv and the dequantized products (one float32 multiplication) are identical on any CPU.
# * The block-scaled GEMM against the dequantized float64 product: E4M3 codes and float32 scales are
#   exact in float64, so the two differ only in summation order over K = 512 terms: ~512 * 2^-53 ~ 6e-14
#   relative to sum |x_k w_k|: FLOAT64_ONLY = 1e-12.
# * Against E4M3 rounding itself: a normal E4M3 value is within half a step, 2^-4 = 6.25% relative, of
#   its input; below the normal range (|x / scale_inv| < 2^-6) the step is 2^-9, so the error is
#   <= 2^-10 * scale_inv absolute. Those are exact bounds, asserted as such.
FLOAT64_ONLY = dict(rtol=1e-12, atol=1e-12)
CFG = FP8Config(block=128)


def transformers_quantizer(block: int):
    """transformers' Fp8Quantize (integrations/finegrained_fp8.py), the op that writes FP8 checkpoints."""
    fp8 = pytest.importorskip("transformers.integrations.finegrained_fp8")
    config = SimpleNamespace(weight_block_size=(block, block), scale_fmt="float")
    return fp8.Fp8Quantize(SimpleNamespace(quantization_config=config)), fp8._dequantize_fp8_weight


def weight(seed: int, shape=(256, 512)):
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(*shape, generator=g) * 0.02
    w[:128, 128:256] *= 30  # one block with much larger values, as real checkpoints have
    return w


def test_weight_quantization_matches_transformers_bit_for_bit():
    quantizer, dequantize = transformers_quantizer(CFG.block)
    w = weight(0)
    theirs = quantizer._quantize_one("proj.weight", w)
    q, scale_inv = quantize_weight(w, CFG)
    assert q.dtype == E4M3 and q.shape == w.shape and scale_inv.shape == (2, 4)
    assert torch.equal(q.view(torch.uint8), theirs["proj.weight"].view(torch.uint8))
    assert torch.equal(scale_inv, theirs["proj.weight_scale_inv"])
    assert torch.equal(dequantize_blocks(q, scale_inv), dequantize(q, scale_inv, [CFG.block, CFG.block], torch.float32))


def test_activation_tiles_match_a_per_tile_loop():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(6, 384, generator=g) * torch.logspace(-3, 2, 6)[:, None]  # tokens of very different sizes
    q, scale_inv = quantize_activations(x, CFG)
    assert scale_inv.shape == (6, 3)  # one scale per token per 128 channels
    for n in range(6):
        for b in range(3):
            tile = x[n, b * 128 : (b + 1) * 128]
            scale = 448.0 / tile.abs().max()
            assert torch.equal(q[n, b * 128 : (b + 1) * 128].view(torch.uint8), (tile * scale).to(E4M3).view(torch.uint8))
            assert scale_inv[n, b] == 1.0 / scale


def test_dequantized_values_are_within_e4m3_rounding():
    w = weight(2)
    q, scale_inv = quantize_weight(w, CFG)
    step = scale_inv.repeat_interleave(128, 0).repeat_interleave(128, 1)  # (O, K): each element's block scale
    err = (dequantize_blocks(q, scale_inv) - w).abs()
    assert (err <= w.abs() * 2**-4 + step * 2**-10).all()
    assert err.max() > 0  # not trivially exact


def test_blockwise_matmul_matches_per_block_loop_and_dequantized_product():
    x, w = weight(3, (64, 512)) * 50, weight(4)
    (xq, xs), (wq, ws) = quantize_activations(x, CFG), quantize_weight(w, CFG)
    got = blockwise_matmul(xq, xs, wq, ws, CFG, torch.float64)
    loop = torch.zeros(64, 256, dtype=torch.float64)
    for b in range(512 // 128):  # one FP8 partial product per 128-wide K slice, scaled, accumulated in float64
        k = slice(b * 128, (b + 1) * 128)
        partial = xq[:, k].double() @ wq[:, k].double().T  # (N, O)
        loop += partial * xs[:, b, None].double() * ws[:, b].double().repeat_interleave(128)[None, :]
    torch.testing.assert_close(got, loop, **FLOAT64_ONLY)
    dequantized = dequantize_blocks(xq, xs, torch.float64) @ dequantize_blocks(wq, ws, torch.float64).T
    torch.testing.assert_close(got, dequantized, **FLOAT64_ONLY)
    # and it is FP8's accuracy against the unquantized product: two ~3% roundings, averaged over K
    assert relative_error(x.double() @ w.double().T, got) < 0.05


def test_fp8_linear_runs_the_blockwise_gemm_on_the_fly():
    w = weight(5)
    layer = FP8Linear(w, CFG)
    x = torch.randn(2, 3, 512, generator=torch.Generator().manual_seed(6))
    assert layer(x).shape == (2, 3, 256) and layer.weight.dtype == E4M3
    assert relative_error(x @ w.T, layer(x)) < 0.05


@pytest.mark.parametrize("outlier", [1e4, 1e5, 1e6])
def test_tile_scaling_isolates_outlier_tokens_that_per_tensor_scaling_cannot(outlier):
    """Two tokens `outlier` times larger than the rest ("massive activations"): one scale for the tensor
    pushes the other tokens into E4M3's subnormals (or to zero); 1x128 tiles leave them at plain FP8 error."""
    g = torch.Generator().manual_seed(7)
    x = torch.randn(256, 1024, generator=g)
    x[:2] *= outlier
    tile, tensor = quantize_activations(x, CFG), quantize_per_tensor(x)
    tile_err = relative_error(x[2:], dequantize_blocks(*tile)[2:])
    tensor_err = relative_error(x[2:], dequantize_blocks(*tensor)[2:])
    assert tile_err < 0.03  # E4M3's own rounding of N(0, 1) values: measured 0.026 at every outlier size
    assert tensor_err > 1.5 * tile_err  # measured 0.052, 0.52 and 1.0 (all flushed to zero) for 1e4, 1e5, 1e6
