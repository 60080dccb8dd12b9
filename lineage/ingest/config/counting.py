"""Building blocks of parameter counting: typed config access, tallies and shared layer shapes.

The per-layout counters and the conventions they follow are in :mod:`lineage.ingest.config.params`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lineage.errors import UnsupportedLayout


class ParameterCount(BaseModel):
    """Parameter counts of one model, computed from its config."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    total: int = Field(description="All weights of the main model, excluding multi-token-prediction (MTP) modules.")
    active: int = Field(
        description=(
            "Weights one token is multiplied by: attention, dense MLPs, routers, shared experts, "
            "the top-k routed experts, norms and the output head; the input embedding table is excluded."
        )
    )
    mtp: int = Field(description="Weights of the MTP modules, reported separately (0 if none).")
    mtp_estimated: bool = Field(False, description="True when the config does not describe the MTP modules' layout.")
    embedding: int = Field(description="Input embedding plus output head (counted once when tied).")
    layout: str = Field(description='Parameter layout that was counted, e.g. "deepseek-v3" or "qwen3-moe".')
    notes: list[str] = Field(default_factory=list, description="Assumptions made, one line each.")


_REQUIRED = object()


class Config:
    """Typed access to one config dict; every failure is an UnsupportedLayout."""

    def __init__(self, raw: dict[str, Any], model_type: str):
        self.raw, self.model_type = raw, model_type

    def fail(self, reason: str) -> UnsupportedLayout:
        return UnsupportedLayout(
            f'config of model_type "{self.model_type}" has no parameter layout lineage can count ({reason})'
        )

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def num(self, key: str, default: Any = _REQUIRED, minimum: int = 1) -> int:
        """An integer >= ``minimum``; ``default`` when the key is absent or null."""
        value = self.raw.get(key)
        if value is None:
            if default is _REQUIRED:
                raise self.fail(f'missing key "{key}"')
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f'key "{key}" must be an integer, got {type(value).__name__} {value!r:.40}')
        if value < minimum:
            raise self.fail(f'key "{key}" must be >= {minimum}, got {value}')
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.raw.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(f'key "{key}" must be true or false, got {type(value).__name__} {value!r:.40}')
        return value

    def text(self, key: str, default: str = "") -> str:
        value = self.raw.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(f'key "{key}" must be a string, got {type(value).__name__} {value!r:.40}')
        return value

    def ints(self, key: str, default: Any = _REQUIRED, minimum: int = 0) -> list[int]:
        value = self.raw.get(key)
        if value is None:
            if default is _REQUIRED:
                raise self.fail(f'missing key "{key}"')
            return default
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            raise self.fail(f'key "{key}" must be a list of integers, got {type(value).__name__} {value!r:.40}')
        if any(v < minimum for v in value):
            raise self.fail(f'key "{key}" must hold integers >= {minimum}')
        return value

    def strs(self, key: str) -> list[str] | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f'key "{key}" must be a list of strings, got {type(value).__name__} {value!r:.40}')
        return value

    def head_dim(self) -> int:
        """``head_dim`` or, as in transformers, ``hidden_size // num_attention_heads``."""
        return self.num("head_dim", self.num("hidden_size") // self.num("num_attention_heads"))


@dataclass
class Tally:
    """Running sums for one model: main-model total, active, MTP, embedding, notes."""

    total: int = 0
    active: int = 0
    mtp: int = 0
    mtp_estimated: bool = False
    embedding: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, total: int, active: int | None = None) -> None:
        """Add weights to the main model; ``active`` defaults to all of them."""
        self.total += total
        self.active += total if active is None else active


def swiglu(hidden: int, inter: int) -> int:
    """Gated MLP: gate_proj, up_proj (hidden x inter) and down_proj (inter x hidden), no bias."""
    return 3 * hidden * inter


def gqa(
    hidden: int, heads: int, kv_heads: int, head_dim: int, *,
    qkv_bias: bool = False, o_bias: bool = False, qk_norm: int = 0, q_gate: bool = False,
) -> int:
    """Grouped-query attention: q/k/v/o projections, optional biases and q/k RMSNorm weights.

    ``qk_norm`` is the size of each of q_norm and k_norm (0 for none).  ``q_gate``
    doubles q_proj's output (Qwen3-Next's attention output gate).
    """
    q_out, kv_out = heads * head_dim * (2 if q_gate else 1), kv_heads * head_dim
    weights = hidden * q_out + 2 * hidden * kv_out + heads * head_dim * hidden
    biases = (q_out + 2 * kv_out if qkv_bias else 0) + (hidden if o_bias else 0)
    return weights + biases + 2 * qk_norm


def mla(c: Config) -> int:
    """Multi-head latent attention, as in modeling_deepseek_v3.py DeepseekV3Attention.

    q: q_a_proj (hidden x q_lora_rank) + q_a_layernorm + q_b_proj, or one q_proj when
    q_lora_rank is 0/absent (DeepSeek-V2-Lite).  kv: kv_a_proj_with_mqa (hidden x
    (kv_lora_rank + qk_rope_head_dim)) + kv_a_layernorm + kv_b_proj (kv_lora_rank x
    heads*(qk_nope_head_dim + v_head_dim)).  o_proj: heads*v_head_dim x hidden.
    """
    h, heads = c.num("hidden_size"), c.num("num_attention_heads")
    q_lora, kv_lora = c.num("q_lora_rank", 0, minimum=0), c.num("kv_lora_rank")
    nope, rope, v = c.num("qk_nope_head_dim"), c.num("qk_rope_head_dim"), c.num("v_head_dim")
    bias = c.flag("attention_bias")
    q_head = nope + rope
    if q_lora:
        q = h * q_lora + q_lora + q_lora * heads * q_head + (q_lora if bias else 0)
    else:
        q = h * heads * q_head
    kv = h * (kv_lora + rope) + kv_lora + kv_lora * heads * (nope + v) + ((kv_lora + rope) if bias else 0)
    o = heads * v * h + (h if bias else 0)
    return q + kv + o


def dsa_indexer(c: Config) -> int:
    """DeepSeek Sparse Attention lightning indexer (DeepSeek-V3.2-Exp inference/model.py Indexer).

    wq_b (q_lora_rank x index_n_heads*index_head_dim), wk (hidden x index_head_dim),
    k_norm LayerNorm (weight + bias) and weights_proj (hidden x index_n_heads).
    """
    if not (c.has("index_n_heads") and c.has("index_head_dim")):
        return 0
    h, q_lora = c.num("hidden_size"), c.num("q_lora_rank")
    n, d = c.num("index_n_heads"), c.num("index_head_dim")
    return q_lora * n * d + h * d + 2 * d + h * n


def finish(c: Config, t: Tally, layout: str, *, tied_default: bool = False) -> ParameterCount:
    """Add embedding, final norm and output head, then freeze the tally."""
    h, vocab = c.num("hidden_size"), c.num("vocab_size")
    tied = c.flag("tie_word_embeddings", tied_default)
    table = vocab * h
    t.embedding = table if tied else 2 * table
    # input embedding: in total, not in active (a token reads one row of it)
    t.add(table, 0)
    # final norm + output head (the tied table is multiplied again as the head)
    t.add(h + (0 if tied else table), h + table)
    if tied:
        t.notes.append("input embedding and output head are tied; counted once in total and embedding")
    return ParameterCount(
        total=t.total,
        active=t.active,
        mtp=t.mtp,
        mtp_estimated=t.mtp_estimated,
        embedding=t.embedding,
        layout=layout,
        notes=t.notes,
    )
