"""Quantized derivatives: a checkpoint re-encoded (NVFP4, FP8, GPTQ, GGUF …) under its base model's name.

A repo such as ``someone/Base-Model-NVFP4`` is the base model's architecture stored in another number
format.  Its architecture keys describe the base model; its quantization keys describe only the
derivative.  Ingested without a curated source record, such a config therefore speaks about
``Base-Model`` (a catalog model when the name resolves exactly, else a newly discovered one), and the
repo itself becomes a model of its own that is ``derivedFrom`` the base (relation ``quantized``).

The name decides: a number-format suffix on the repo's name (NVIDIA's NVFP4 copies of DeepSeek-V3.1 and
Z.ai's GLM-4.7-FP8 carry no quantization key at all, and neither do the GPTQ copies whose settings
sit in a sibling ``quantize_config.json``).  A quantization key in the config (``quantization_config``,
compressed-tensors' ``compression_config``, MLX's ``quantization``) or a sibling quantization file
(ModelOpt's ``hf_quant_config.json``, AutoGPTQ's ``quantize_config.json``) is the derivative's own
statement that it is quantized: the ``derivedFrom`` claim is then verified, and reported when the
name alone says so.

Examples
--------
>>> base_name("Gemma-4-31B-IT-NVFP4")
'Gemma-4-31B-IT'
>>> base_name("DeepSeek-V4-Flash-NVFP4-FP8-MTP"), base_name("Qwen3-32B-FP8-Static-PerTensor")
('DeepSeek-V4-Flash', 'Qwen3-32B')
>>> base_name("Llama-2-7B-Chat-GPTQ"), base_name("DeepSeek-V3-0324-GGUF")
('Llama-2-7B-Chat', 'DeepSeek-V3-0324')
>>> base_name("DeepSeek-V3") is None, base_name("NVFP4") is None  # no format suffix, or nothing before it
(True, True)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Number-format suffixes of quantized re-encodings, as repo names spell them, with the qualifiers
# that may follow one (FP8-Dynamic, FP8-Static-PerTensor, NVFP4-FP8-MTP, GGUF-UD).
_FORMAT = (r"nvfp4|mxfp4|fp4|fp8|int4|int8|w4a16|w8a8|w4a8|w8a16|awq|gptq(?:[-_]int[48])?|bnb[-_]4bit|[2-8]bit|"
           r"exl2|gguf|mlx(?:[-_][2-8]bit)?")
_QUALIFIER = r"dynamic|static|block|per-?tensor|per-?channel|per-?token|mtp|ud"
FORMAT_SUFFIX = re.compile(rf"[-_.](?:{_FORMAT})(?:[-_.](?:{_QUALIFIER}))*$", re.I)

QUANTIZATION_KEYS = ("quantization_config", "compression_config", "quantization")
"""Config keys that describe how a checkpoint's weights are quantized (transformers, compressed-tensors, MLX)."""

SIBLING_FILES = ("hf_quant_config.json", "quantize_config.json")
"""Files a quantizer writes beside ``config.json`` (ModelOpt, AutoGPTQ)."""

_MAX_SIBLING_BYTES = 1024 * 1024


def base_name(repo_name: str) -> str | None:
    """The base model's name when ``repo_name`` names a quantized derivative of it, else ``None``."""
    name, stripped = repo_name, False
    while (m := FORMAT_SUFFIX.search(name)) is not None and m.start() > 0:
        name, stripped = name[: m.start()], True
    return name if stripped else None


@dataclass(frozen=True)
class Sign:
    """One piece of evidence that a repo holds a quantized copy."""

    locator: str
    snippet: str
    stated: bool
    """The derivative's own files say it is quantized (a key or a sibling file), not only its name."""


def _settings(value: Any) -> str:
    if not isinstance(value, dict):
        return json.dumps(value)[:60]
    shown = [f"{k} = {json.dumps(value[k])}" for k in ("quant_method", "quant_algo", "format", "bits", "group_size")
             if isinstance(value.get(k), (str, int, float))]
    return "; ".join(shown) or f"{{{', '.join(list(value)[:4])}}}"


def signs(repo: str, cfg: dict[str, Any], path: Path | None = None) -> list[Sign]:
    """Why ``repo`` (``owner/name``) is a quantized derivative: its quantization keys, sibling files and name.

    Empty when its name carries no format suffix (the lab's own checkpoint stored in FP8 is the model itself).
    """
    name = repo.rsplit("/", 1)[-1]
    if base_name(name) is None:
        return []
    file = path.name if path is not None else "config.json"
    out = []
    for where, section in (("", cfg), ("text_config.", cfg.get("text_config"))):
        if not isinstance(section, dict):
            continue
        for key in QUANTIZATION_KEYS:
            if isinstance(section.get(key), dict):
                out.append(Sign(f"{file}#/{where.replace('.', '/')}{key}", f"{where}{key}: {_settings(section[key])}", True))
    if path is not None and path.name == "config.json":
        for sibling in SIBLING_FILES:
            found = path.parent / sibling
            if found.is_file() and found.stat().st_size <= _MAX_SIBLING_BYTES:
                try:
                    settings = _settings(json.loads(found.read_text(encoding="utf-8")))
                except (ValueError, UnicodeDecodeError):
                    continue
                out.append(Sign(f"{sibling} (beside {file})", f"{sibling}: {settings}", True))
    suffix = name[len(base_name(name) or "") :].lstrip("-_.")
    out.append(Sign("repo name", f"{repo} (format suffix {suffix})", False))
    return out


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
