"""Small runnable demos behind ``lineage explain TECHNIQUE --run``: each measures its headline property.

This module maps technique ids to demos; the demos live in ``attention`` and ``training``, their result
types in ``measurement``.  They run the torch implementations of :mod:`lineage.techniques`; the ones that
need a model's config read it through :mod:`lineage.measure`.  Importing them imports no torch.
"""

from __future__ import annotations

from collections.abc import Callable

from lineage.demos.attention import (
    deepseek_v4_demo,
    dsa_demo,
    gated_deltanet_demo,
    kda_demo,
    kv_cache_demo,
    lightning_demo,
    mla_demo,
    yarn_demo,
)
from lineage.demos.measurement import Demo
from lineage.demos.training import (
    fp4_demo,
    fp8_demo,
    grpo_demo,
    hash_routing_demo,
    mhc_demo,
    moe_demo,
    mtp_demo,
    muon_demo,
)

DEMOS: dict[str, Callable[[], Demo]] = {
    "mla": mla_demo,
    "kv-cache": kv_cache_demo,
    "deepseekmoe": moe_demo,
    "muon": muon_demo,
    "muonclip": muon_demo,
    "mtp": mtp_demo,
    "dsa": dsa_demo,
    "yarn": yarn_demo,
    "hyper-connections": mhc_demo,
    "mhc": mhc_demo,
    "hash-routing": hash_routing_demo,
    "grpo": grpo_demo,
    "fp8-training": fp8_demo,
    "fp8-quantization": fp8_demo,
    "fp4-quantization": fp4_demo,
    "gated-deltanet": gated_deltanet_demo,
    "kda": kda_demo,
    "lightning-attention": lightning_demo,
    "compressed-sparse-attention": deepseek_v4_demo,
    "heavily-compressed-attention": deepseek_v4_demo,
}
