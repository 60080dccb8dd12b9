"""KV caches for MHA, GQA, MQA, MLA and sliding-window attention: formula and measured size.

During decoding each attention layer keeps, per past token, what later queries need:

=================  ======================================  ==========================
cache              numbers per token per layer              source
=================  ======================================  ==========================
MHA                2 * n_h * d_h                            Vaswani et al., arXiv:1706.03762
GQA (g KV heads)   2 * g * d_h                              Ainslie et al., arXiv:2305.13245, sec. 2
MQA                2 * d_h                                  Shazeer, arXiv:1911.02150
MLA                d_c + d_h^R                              DeepSeek-V2, arXiv:2405.04434, sec. 2.1.4, table 1
sliding window W   as its base kind, for the last W tokens  Mistral 7B, arXiv:2310.06825, sec. 2
=================  ======================================  ==========================

DeepSeek-V3 (d_c = 512, d_h^R = 64, 61 layers) caches (512 + 64) * 61 = 35,136 numbers per
token: 70,272 bytes in BF16.  MHA with its 128 heads of d_h = 128 would cache 2 * 128 * 128 * 61
numbers, 56.9x more; this is the comparison of DeepSeek-V2's table 1, which counts the key
width as d_h (the 64 rotary dimensions of each head's key would make it 71x).

:func:`lineage.measure.kv_footprint` reads any config lineage ingests (Hugging Face names, a
multimodal ``text_config``, DeepSeek's inference format) into a :class:`KVFootprint`, the per-layer
caches; :func:`measure` builds those caches with torch and measures their bytes, which is what ``lineage explain kv-cache --run`` and ``benchmarks/techniques.py``
report and record as claims (graph id ``kv-cache``).

Simplified: everything is counted at one ``dtype_bytes`` (BF16 by default), although some
inference stacks store parts in FP8 (DeepSeek-V3.2's indexer keys); linear-attention layers
(Gated DeltaNet, KDA) keep a fixed-size state that is not a per-token cache and is not
counted; DeepSeek-V4's compressed layers are an estimate from its config (``estimated``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from lineage.techniques.mla import LatentCache

TECHNIQUES = ("kv-cache", "mha", "gqa", "mqa", "sliding-window-attention")  # graph ids, read by lineage.techniques

__all__ = [
    "KVCache",
    "SlidingWindowCache",
    "CompressedCache",
    "LatentCache",
    "LayerCache",
    "KVFootprint",
    "measure",
    "mha_bytes_per_token",
    "gqa_bytes_per_token",
    "mla_bytes_per_token",
    "sliding_window_bytes",
]

DTYPES = {1: torch.float8_e4m3fn, 2: torch.bfloat16, 4: torch.float32}
"""Element size in bytes -> the torch dtype a measured cache is built with."""


# --------------------------------------------------------------------------- formulas (bytes per token per layer)


def mha_bytes_per_token(heads: int, head_dim: int, dtype_bytes: int = 2) -> int:
    """One key and one value of ``head_dim`` per head."""
    return 2 * heads * head_dim * dtype_bytes


def gqa_bytes_per_token(kv_heads: int, head_dim: int, dtype_bytes: int = 2) -> int:
    """Only the ``kv_heads`` shared key/value heads are cached (MQA: ``kv_heads = 1``)."""
    return 2 * kv_heads * head_dim * dtype_bytes


def mla_bytes_per_token(kv_lora_rank: int, rope_dim: int, dtype_bytes: int = 2) -> int:
    """The latent c_kv (d_c) plus the shared rotary key (d_h^R); DeepSeek-V2 table 1."""
    return (kv_lora_rank + rope_dim) * dtype_bytes


def sliding_window_bytes(per_token: int, window: int, tokens: int) -> int:
    """A sliding-window layer holds at most ``window`` tokens, whatever the context length."""
    return per_token * min(tokens, window)


# --------------------------------------------------------------------------- caches


def _nbytes(*tensors: torch.Tensor | None) -> int:
    return sum(t.numel() * t.element_size() for t in tensors if t is not None)


class KVCache:
    """MHA / GQA / MQA cache: keys and values (B, kv_heads, T, head_dim).

    ``append(k)`` without values caches one tensor that serves as both (DeepSeek-V4's shared KV head).
    """

    def __init__(self):
        self.k: torch.Tensor | None = None
        self.v: torch.Tensor | None = None

    def __len__(self) -> int:
        return 0 if self.k is None else self.k.shape[2]

    def append(self, k: torch.Tensor, v: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        keys = self.k = k if self.k is None else torch.cat((self.k, k), dim=2)  # (B, H_kv, T + S, d_h)
        if v is not None:
            self.v = v if self.v is None else torch.cat((self.v, v), dim=2)
        return keys, self.v

    def nbytes(self) -> int:
        return _nbytes(self.k, self.v)


class SlidingWindowCache(KVCache):
    """A KV cache that keeps only the last ``window`` tokens (a rolling buffer)."""

    def __init__(self, window: int):
        super().__init__()
        self.window = window

    def append(self, k: torch.Tensor, v: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        keys, _ = super().append(k, v)
        keys = self.k = keys[:, :, -self.window :].clone()  # (B, H_kv, <= W, d_h); clone frees the dropped tokens
        if self.v is not None:
            self.v = self.v[:, :, -self.window :].clone()
        return keys, self.v


class CompressedCache:
    """One cached entry of ``width`` per ``ratio`` tokens (DeepSeek-V4's compressed layers, estimated).

    Tokens wait in a buffer until ``ratio`` of them are pooled into one entry; the pooling
    here is a plain mean, standing in for V4's learned compressor.
    """

    def __init__(self, ratio: int):
        self.ratio = ratio
        self.entries: torch.Tensor | None = None  # (B, T // ratio, width)
        self.pending: torch.Tensor | None = None  # (B, < ratio, width)

    def append(self, x: torch.Tensor) -> torch.Tensor:
        x = x if self.pending is None else torch.cat((self.pending, x), dim=1)  # (B, P + S, width)
        full = x.shape[1] // self.ratio * self.ratio
        pooled = x[:, :full].unflatten(1, (-1, self.ratio)).float().mean(dim=2).to(x.dtype)  # (B, full / ratio, width)
        self.entries = pooled if self.entries is None else torch.cat((self.entries, pooled), dim=1)
        self.pending = x[:, full:]
        return self.entries

    def nbytes(self) -> int:
        return _nbytes(self.entries, self.pending)


# --------------------------------------------------------------------------- from a config


@dataclass(frozen=True)
class LayerCache:
    """What one kind of layer caches: ``width`` numbers per ``ratio`` tokens, for the last ``window``."""

    kind: str  # mha | gqa | mqa | mla | dsa-indexer | sliding | compressed
    layers: int  # how many layers cache this
    width: int  # numbers per cached entry per layer
    window: int | None = None  # sliding window: entries beyond the last `window` tokens are dropped
    ratio: int = 1  # one entry per `ratio` tokens (compressed layers)
    heads: int = 0  # KV heads (0 for latent caches)
    head_dim: int = 0
    shared_kv: bool = False  # one tensor serves as key and value (DeepSeek-V4)

    def numbers_at(self, tokens: int) -> int:
        """Numbers cached by all ``layers`` after ``tokens`` tokens."""
        entries = min(tokens, self.window) if self.window else tokens // self.ratio
        return self.layers * self.width * entries


@dataclass(frozen=True)
class KVFootprint:
    """The KV cache of a whole model, read from its config."""

    caches: tuple[LayerCache, ...]
    layers: int  # num_hidden_layers
    mha_heads: int  # the baseline: MHA with the model's query heads, caching in every layer
    mha_key_dim: int  # per-head key width of the baseline (d_h)
    mha_value_dim: int  # per-head value width of the baseline
    dtype_bytes: int = 2
    estimated: bool = False  # the layout is inferred beyond what the config states
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def kind(self) -> str:
        growing = sorted({c.kind for c in self.caches if not c.window})
        return "+".join(growing) or "sliding"

    @property
    def bytes_per_token(self) -> float:
        """Bytes added per token at long context (sliding windows have stopped growing)."""
        total = sum(c.layers * c.width / c.ratio for c in self.caches if not c.window) * self.dtype_bytes
        return int(total) if float(total).is_integer() else total

    @property
    def window_bytes(self) -> int:
        """Bytes held by sliding-window layers once their windows are full."""
        return sum(c.layers * c.width * c.window for c in self.caches if c.window) * self.dtype_bytes

    @property
    def mha_bytes_per_token(self) -> int:
        """MHA with the same heads: one key and one value per head, every layer (DeepSeek-V2 table 1)."""
        return self.layers * self.mha_heads * (self.mha_key_dim + self.mha_value_dim) * self.dtype_bytes

    @property
    def ratio_vs_mha(self) -> float:
        return self.mha_bytes_per_token / self.bytes_per_token if self.bytes_per_token else math.inf

    def bytes_at(self, tokens: int) -> int:
        """Total cache bytes for one sequence of ``tokens`` tokens."""
        return sum(c.numbers_at(tokens) for c in self.caches) * self.dtype_bytes


# --------------------------------------------------------------------------- measurement


def _fill(cache: LayerCache, tokens: int, dtype: torch.dtype) -> int:
    """Build one layer's cache, feed it ``tokens`` tokens in chunks of 16, return its measured bytes."""
    chunk = 16
    if cache.kind == "mla":
        latent = LatentCache()
        for _ in range(0, tokens, chunk):
            # the split into latent and rotary key does not change the size
            latent.append(torch.zeros(1, chunk, cache.width - 1, dtype=dtype), torch.zeros(1, chunk, 1, dtype=dtype))
        return latent.nbytes()
    if cache.kind in ("compressed", "dsa-indexer"):
        pooled = CompressedCache(cache.ratio)
        for _ in range(0, tokens, chunk):
            pooled.append(torch.zeros(1, chunk, cache.width, dtype=dtype))
        return pooled.nbytes()
    kv = SlidingWindowCache(cache.window) if cache.window else KVCache()
    for _ in range(0, tokens, chunk):
        x = torch.zeros(1, cache.heads, chunk, cache.head_dim, dtype=dtype)  # (B, H_kv, S, d_h)
        kv.append(x) if cache.shared_kv else kv.append(x, x.clone())
    return kv.nbytes()


@dataclass(frozen=True)
class Measured:
    """Bytes measured on caches built with torch, next to the formula's."""

    tokens: int  # tokens fed to every cache
    bytes_at: int  # measured total cache bytes after `tokens` tokens, all layers
    formula_at: int  # KVFootprint.bytes_at(tokens)
    bytes_per_token: float  # measured growth per token (sliding windows full)
    mha_bytes_per_token: int  # measured on an MHA cache with the model's heads, all layers


def measure(fp: KVFootprint, tokens: int = 1024) -> Measured:
    """Build each layer kind's cache with torch, feed it ``tokens`` tokens, measure ``nbytes``.

    ``tokens`` should exceed every sliding window and be a multiple of every compression
    ratio and of 16; per-token growth is measured between ``tokens`` and ``2 * tokens``.
    """
    dtype = DTYPES[fp.dtype_bytes]
    at, growth = 0, 0
    for c in fp.caches:
        one, two = _fill(c, tokens, dtype), _fill(c, 2 * tokens, dtype)
        at += c.layers * one
        growth += c.layers * (two - one)
    mha = KVCache()
    k = torch.zeros(1, fp.mha_heads, 16, fp.mha_key_dim, dtype=dtype)  # (B, n_h, S, d_h)
    mha.append(k, torch.zeros(1, fp.mha_heads, 16, fp.mha_value_dim, dtype=dtype))
    per_token = growth / tokens
    return Measured(
        tokens=tokens,
        bytes_at=at,
        formula_at=fp.bytes_at(tokens),
        bytes_per_token=int(per_token) if per_token.is_integer() else per_token,
        mha_bytes_per_token=mha.nbytes() // 16 * fp.layers,
    )
