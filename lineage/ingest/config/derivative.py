"""Quantized derivatives: a checkpoint re-encoded (NVFP4, FP8, AWQ …) under its base model's name.

A repo such as ``someone/Base-Model-NVFP4`` whose config carries a ``quantization_config`` is the
base model's architecture stored in another number format.  Its architecture keys describe the base
model; its quantization keys describe only the derivative.  Ingested without a curated source record,
such a config therefore speaks about ``Base-Model`` (a catalog model when the name resolves exactly,
else a newly discovered one), never about a model named after the derivative.

Examples
--------
>>> base_name("Gemma-4-31B-IT-NVFP4", {"quantization_config": {"quant_method": "modelopt"}})
'Gemma-4-31B-IT'
>>> base_name("Qwen3-8B-AWQ", {"quantization_config": {}})
'Qwen3-8B'
>>> base_name("Qwen3-8B-AWQ", {}) is None  # no quantization_config: the name alone decides nothing
True
>>> base_name("DeepSeek-V3", {"quantization_config": {"quant_method": "fp8"}}) is None  # no format suffix
True
"""

from __future__ import annotations

import re
from typing import Any

# Number-format suffixes of quantized re-encodings, as repo names spell them.
FORMAT_SUFFIX = re.compile(
    r"[-_.](?:nvfp4|mxfp4|fp4|fp8(?:[-_](?:dynamic|block|static))?|int4|int8|w4a16|w8a8|w4a8|w8a16|"
    r"awq|gptq(?:[-_]int[48])?|bnb[-_]4bit|[48]bit|exl2|mlx(?:[-_][48]bit)?)$",
    re.I,
)


def base_name(repo_name: str, cfg: dict[str, Any]) -> str | None:
    """The base model's name when ``repo_name`` names a quantized derivative of it, else ``None``.

    Both signs are required: a ``quantization_config`` in the config and a format suffix on the name.
    """
    if not isinstance(cfg.get("quantization_config"), dict):
        return None
    m = FORMAT_SUFFIX.search(repo_name)
    if m is None or m.start() == 0:
        return None
    return repo_name[: m.start()]


def publisher_owns(owner: str, model, catalog) -> bool:
    """The repo owner is the model's own publisher (its own quantized release is not a third party's)."""
    if model is None:
        return False
    org = catalog.entities.get(getattr(model, "organization", None) or "")
    owners = {(getattr(model, "hf_repo", None) or "").split("/")[0].lower(), (getattr(org, "hf_org", None) or "").lower()}
    return owner.lower() in owners - {""}


# An instruction-tuned release named after its base: "-it", "-Instruct", "-Chat", optionally dated.
INSTRUCT_SUFFIX = re.compile(r"[-_](?:it|instruct|chat)(?:[-_]\d{4})?$", re.I)


def instruct_base(name: str) -> str | None:
    """The base model's name when ``name`` is an instruction-tuned release's, else ``None``.

    >>> instruct_base("Gemma-4-31B-IT")
    'Gemma-4-31B'
    >>> instruct_base("Qwen3-30B-A3B-Instruct-2507")
    'Qwen3-30B-A3B'
    >>> instruct_base("Kimi-K2") is None
    True
    """
    m = INSTRUCT_SUFFIX.search(name)
    return name[: m.start()] if m and m.start() > 0 else None
