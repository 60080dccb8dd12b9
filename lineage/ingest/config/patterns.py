"""Layer patterns: which kind of block each layer is, from the keys that spell it out per layer.

Hybrid models list their layers one by one.  The spellings, as data:

- ``hybrid_override_pattern`` (NVIDIA Nemotron-H, transformers ``NemotronHConfig``): one character
  per block, ``M`` Mamba-2, ``*`` attention, ``-`` MLP, ``E`` mixture of experts;
- ``layers_block_type`` (the same models' newer configs): ``"mamba"``, ``"attention"``, ``"mlp"``,
  ``"moe"`` per block;
- ``layer_types`` (transformers, e.g. Granite-4 / Falcon-H1 style): ``"mamba"`` or ``"attention"``
  among the values (``full_attention`` / ``sliding_attention`` / ``linear_attention`` are read
  by :mod:`.detect`).

A layer count can be read from the pattern when the config has no explicit one: every block
of the pattern is a layer of the model (``NemotronHConfig.num_hidden_layers`` is the
pattern's length).
"""

from __future__ import annotations

from typing import Any

from lineage.domain import Predicate, clip

BLOCK_CHARS = {"M": "mamba", "*": "attention", "-": "mlp", "E": "moe"}
"""Nemotron-H's one-character block codes (``NemotronHConfig._pattern_to_list``)."""

SSM_BLOCKS = frozenset({"mamba", "mamba2", "ssm"})
"""Block names that are state-space (Mamba) layers."""

ATTENTION_BLOCKS = frozenset({"attention", "full_attention"})
"""Block names that are softmax-attention layers."""


def blocks(v) -> tuple[str, list[str]] | None:
    """``(key, block kinds)`` from the first pattern key present in view ``v``, else ``None``."""
    pattern = v.raw("hybrid_override_pattern")
    if isinstance(pattern, str) and pattern and all(ch in BLOCK_CHARS for ch in pattern):
        return "hybrid_override_pattern", [BLOCK_CHARS[ch] for ch in pattern]
    for key in ("layers_block_type", "layer_types"):
        kinds = v.raw(key)
        if isinstance(kinds, list) and kinds and all(isinstance(k, str) for k in kinds):
            return key, [k.lower() for k in kinds]
    return None


def pattern_findings(v, layers: int | None, make) -> tuple[int | None, list[Any]]:
    """The layer count (from the pattern when ``layers`` is None) and state-space/hybrid findings.

    ``make(predicate, obj, value, unit, key, snippet, qualifiers)`` builds one Finding.
    """
    found = blocks(v)
    if found is None:
        return layers, []
    key, kinds = found
    path = v.path(key)
    out = []
    if layers is None and key != "layer_types":
        layers = len(kinds)
        out.append(make(Predicate.LAYERS, None, layers, "layers", path, clip(f"{path} lists {layers} blocks"), {}))
    n_ssm = sum(k in SSM_BLOCKS for k in kinds)
    n_attn = sum(k in ATTENTION_BLOCKS for k in kinds)
    if n_ssm:
        share = {"layers": f"{n_ssm} of {len(kinds)} (Mamba blocks)"}
        snippet = clip(f"{path}: {n_ssm} mamba, {n_attn} attention of {len(kinds)} blocks")
        out.append(make(Predicate.USES, "mamba", None, None, path, snippet, share))
        if n_attn:
            out.append(make(Predicate.USES, "hybrid-attention", None, None, path, snippet, {}))
    return layers, out


def attention_share(v) -> dict[str, str]:
    """Qualifier naming how many blocks are attention, for hybrids whose other blocks are not."""
    found = blocks(v)
    if found is None:
        return {}
    _, kinds = found
    n_attn = sum(k in ATTENTION_BLOCKS for k in kinds)
    n_mixers = n_attn + sum(k in SSM_BLOCKS for k in kinds)
    if n_attn and n_attn < n_mixers:
        return {"layers": f"{n_attn} of {len(kinds)} (attention blocks)"}
    return {}
