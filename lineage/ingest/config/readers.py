"""Two readers of one config, and which one speaks for each fact.

transformers' modules (:mod:`.meta_device`) read a config of a model type it defines; lineage's
key rules (:mod:`.detect`, :mod:`.params`) read every config, and are the only reader for remote
code, for configs transformers cannot build, and where transformers or torch is not installed.

When both read a config, the module reading decides the techniques of ``MODULE_DOMAIN`` and the
parameter counts (the field's own definition of the model); the key rules keep what modules cannot
show: identity, sizes, context length, expert counts, MTP modules (transformers does not build
them), expert granularity, group-limited and hash routing, mHC, output gates, decoupled RoPE and
the checkpoint's encoding.  Every finding carries the method of the reader that made it
(``config`` or ``meta-device``).
"""

from __future__ import annotations

import json
from typing import Any

from lineage.configfile.read import is_inference_format
from lineage.domain import Method, Predicate, clip
from lineage.ingest.config.detect import Finding
from lineage.ingest.config.meta_device import ModuleReading, read_modules

MODULE_DOMAIN = frozenset({
    "moe", "shared-experts", "aux-loss-free-balancing", "mla", "gqa", "mqa", "mha", "sliding-window-attention",
    "linear-attention", "gated-deltanet", "kda", "lightning-attention", "mamba", "hybrid-attention", "qk-norm",
    "rope", "yarn", "dsa", "compressed-sparse-attention", "heavily-compressed-attention", "hyper-connections",
})
"""Techniques the module reading decides when it reads a config (key rules decide the rest)."""


def module_reading(cfg: dict[str, Any]) -> ModuleReading | str:
    """transformers' reading of ``cfg``, or why key rules read it (DeepSeek's inference format is not HF's)."""
    if is_inference_format(cfg):
        return "DeepSeek inference-format config (not a transformers config); read by key rules"
    return read_modules(cfg)


def _shown(cfg: dict[str, Any], path: str) -> str:
    """``key = value`` for a key path of ``cfg`` (``text_config.num_experts``), lists shortened."""
    value: Any = cfg
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    text = json.dumps(value)
    return f"{path} = {text if len(text) <= 40 else text[:36] + ' …'}"


def module_findings(reading: ModuleReading, cfg: dict[str, Any]) -> list[Finding]:
    """The module reading's techniques as findings: config keys and module path, method ``meta-device``."""
    out = []
    for m in reading.findings:
        keys = "; ".join(_shown(cfg, k) for k in m.keys)
        detail = f" ({m.detail})" if m.detail else ""
        snippet = clip(f"{keys + ' -> ' if keys else ''}{reading.model_class} {m.module}{detail}")
        out.append(Finding(predicate=Predicate.USES, object=m.technique, keys=m.keys or [], snippet=snippet,
                           qualifiers=m.qualifiers, method=Method.META_DEVICE, module=m.module))
    return out


def merge(key_findings: list[Finding], reading: ModuleReading | str, cfg: dict[str, Any]) -> list[Finding]:
    """Key-rule findings with the module reading's techniques in its domain, when there is one."""
    if isinstance(reading, str):
        return key_findings
    kept = [f for f in key_findings if not (f.predicate is Predicate.USES and f.object in MODULE_DOMAIN)]
    return kept + module_findings(reading, cfg)


def disagreements(key_findings: list[Finding], reading: ModuleReading) -> dict[str, set[str]]:
    """Techniques of ``MODULE_DOMAIN`` only one reader finds: ``{"modules": …, "key rules": …}``."""
    keyed = {f.object for f in key_findings if f.predicate is Predicate.USES and f.object in MODULE_DOMAIN}
    moduled = {m.technique for m in reading.findings}
    return {"modules only": moduled - keyed, "key rules only": keyed - moduled}
