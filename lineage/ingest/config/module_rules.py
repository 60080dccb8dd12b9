"""Techniques read from a model's module tree (built by :mod:`.meta_device`) and its normalised config.

Each rule looks at what transformers built, not at key names, so a config that spells a mechanism
its own way is read the same as the others; the config keys that set the mechanism are named in
the evidence next to the module path.  The rules, as data where they are names:

``MIXER_CLASSES``
    Sequence mixers other than softmax attention, by the class transformers gives them: Gated
    DeltaNet (Qwen3-Next, Qwen3.5), Kimi Delta Attention (Kimi Linear), lightning attention
    (MiniMax-01).  A state-space (Mamba) mixer is recognised by its parameters instead, because
    each family names its class differently (``NemotronHMamba2Mixer``, ``BambaMixer``,
    ``FalconH1Mixer``): its own ``A_log`` (state matrix) and ``D`` (skip) weights.
Structure
    routed-expert containers (mixture of experts, with the MoE layers' share); ``shared_expert(s)``
    modules; a router's ``e_score_correction_bias`` (aux-loss-free balancing, DeepSeek-V3 §2.1.2);
    low-rank KV projections ``kv_a_proj*`` + ``kv_b_proj`` (MLA); q/k norms inside attention;
    a ``...Indexer`` (DSA) or ``...CSACompressor`` / ``...HCACompressor`` (DeepSeek-V4's compressed
    attention); ``...HyperConnection`` modules; a ``...RotaryEmbedding`` module.
Normalised config
    KV heads against query heads (GQA/MQA/MHA); ``layer_types`` for sliding-window layers;
    ``rope_parameters``' ``rope_type`` (``yarn`` is a technique; llama3, dynamic, longrope, linear
    scaling are qualifiers of RoPE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ModuleFinding:
    """One technique seen in the built model: the module it was seen in and the config keys behind it."""

    technique: str
    module: str
    keys: list[str]
    qualifiers: dict[str, str] = field(default_factory=dict)
    detail: str = ""


def attr(conf, name: str) -> Any:
    """A normalised config attribute, or ``None`` (also when transformers keeps it per layer only)."""
    try:
        return getattr(conf, name, None)
    except Exception:  # AmbiguousGlobalPerLayerAttributeError: a per-layer value has no global one
        return None


MIXER_CLASSES = (
    # class-name fragment -> technique, config keys that set it
    ("GatedDeltaNet", "gated-deltanet", ("layer_types", "full_attention_interval", "linear_num_value_heads",
                                         "linear_key_head_dim", "linear_conv_kernel_dim")),
    ("DeltaAttention", "kda", ("linear_attn_config", "layer_types")),
    ("LightningAttention", "lightning-attention", ("attn_type_list", "layer_types")),
)
LINEAR_FAMILIES = frozenset({"gated-deltanet", "kda", "lightning-attention"})

ROUTED_KEYS = ("n_routed_experts", "num_experts", "num_local_experts", "num_experts_per_tok", "top_k_experts",
               "num_experts_per_token", "experts_per_token", "moe_topk", "enable_moe_block", "moe_intermediate_size")
SHARED_KEYS = ("n_shared_experts", "num_shared_experts", "shared_expert_intermediate_size", "shared_intermediate_size",
               "moe_shared_expert_intermediate_size")
SHARED_NAMES = frozenset({"shared_expert", "shared_experts", "shared_mlp"})
BIAS_KEYS = ("topk_method", "scoring_func", "use_routing_bias", "moe_router_enable_expert_bias")
MLA_KEYS = ("kv_lora_rank", "q_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim")
HEAD_KEYS = ("num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num", "multi_query",
             "num_attention_heads", "n_head", "num_heads")
QK_NORMS = (("q_norm", "k_norm"), ("q_layernorm", "k_layernorm"), ("qk_norm",))
"""Child modules of an attention block that normalise queries and keys (Llama 4: one weightless L2 norm)."""
ROPE_KEYS = ("rope_scaling", "rope_parameters", "rope_theta")
SCALING_SHOWN = frozenset({"linear", "dynamic", "llama3", "longrope", "su", "mrope"})

_LAYER = re.compile(r"(?:^|\.)layers\.(\d+)(?:\.|$)")


def _layer(path: str) -> int | None:
    m = _LAYER.search(path)
    return int(m.group(1)) if m else None


def _share(n: int, total: int, kind: str) -> dict[str, str]:
    return {"layers": f"{n} of {total} ({kind})"} if total and n < total else {}


def module_findings(decoder, text, cfg: dict[str, Any], experts: list[tuple[str, int, int]],
                    layers: int) -> list[ModuleFinding]:
    """Techniques in ``decoder`` (the built language model) with ``text``, its normalised config."""
    raw, prefix = (cfg["text_config"], "text_config.") if isinstance(cfg.get("text_config"), dict) else (cfg, "")

    def keys(*names: str) -> list[str]:
        return [prefix + k for k in names if raw.get(k) is not None]

    from torch.nn import Module

    out: list[ModuleFinding] = []
    modules = list(decoder.named_modules())
    classes = [(p, type(m).__name__, m) for p, m in modules]

    # -- mixture of experts
    if experts:
        path, n, k = experts[0]
        moe_layers = {_layer(p) for p, _, _ in experts}
        out.append(ModuleFinding("moe", path, keys(*ROUTED_KEYS), _share(len(moe_layers), layers, "MoE layers"),
                                 f"{n} routed experts, {k} per token"))
        shared = next((p for p, _, m in classes if p.rsplit(".", 1)[-1] in SHARED_NAMES
                       and any(True for _ in m.parameters())), None)
        if shared:
            out.append(ModuleFinding("shared-experts", shared, keys(*SHARED_KEYS)))
        bias = next((f"{p}.{n}" if p else n for p, m in modules for n, _ in m.named_buffers(recurse=False)
                     if n == "e_score_correction_bias"), None)
        bias = bias or next((n for n, _ in decoder.named_parameters() if n.endswith("e_score_correction_bias")), None)
        if bias:
            out.append(ModuleFinding("aux-loss-free-balancing", bias, keys(*BIAS_KEYS),
                                     detail="router adds a per-expert bias when selecting experts"))

    # -- sequence mixers
    mixer_layers: dict[str, tuple[str, set[int | None]]] = {}
    for p, cls, m in classes:
        tech = next((t for frag, t, _ in MIXER_CLASSES if frag in cls), None)
        if tech is None and _is_ssm(m):
            tech = "mamba"
        if tech:
            first, seen = mixer_layers.setdefault(tech, (p, set()))
            seen.add(_layer(p))
    attention = [(p, cls, m) for p, cls, m in classes if cls.endswith("Attention")
                 and not any(frag in cls for frag, _, _ in MIXER_CLASSES)]
    n_linear = 0
    for tech, (path, seen) in mixer_layers.items():
        mixer_keys = next((ks for _, t, ks in MIXER_CLASSES if t == tech),
                          ("layers_block_type", "hybrid_override_pattern", "layer_types", "mamba_num_heads",
                           "ssm_state_size"))
        kind = "Mamba blocks" if tech == "mamba" else f"{tech} layers"
        out.append(ModuleFinding(tech, path, keys(*mixer_keys), _share(len(seen), layers, kind)))
        if tech in LINEAR_FAMILIES:
            out.append(ModuleFinding("linear-attention", path, keys(*mixer_keys), _share(len(seen), layers, kind)))
        n_linear += len(seen)
    if mixer_layers and attention:
        first = next(iter(mixer_layers.values()))[0]
        out.append(ModuleFinding("hybrid-attention", f"{first}; {attention[0][0]}", keys("layer_types",
                                 "layers_block_type", "hybrid_override_pattern", "full_attention_interval",
                                 "linear_attn_config", "attn_type_list"),
                                 detail=f"{n_linear} linear or state-space layers beside softmax attention"))

    # -- attention
    mla = next((f"{p}.{c}" for p, _, m in classes if hasattr(m, "kv_b_proj")
                for c, _ in m.named_children() if c.startswith("kv_a_proj")), None)
    attn_layers = {_layer(p) for p, _, _ in attention} - {None}
    a_share = _share(len(attn_layers), layers, "attention layers") if mixer_layers else {}
    if mla:
        out.append(ModuleFinding("mla", mla, keys(*MLA_KEYS), a_share,
                                 "keys and values projected through a low-rank latent"))
    elif attention:
        sharing = _head_sharing(text, raw, attention[0][2])
        if sharing:
            out.append(ModuleFinding(sharing[0], attention[0][0], keys(*HEAD_KEYS), a_share, sharing[1]))
    qk = next((p for p, _, m in attention if any(all(isinstance(getattr(m, n, None), Module) for n in names)
                                                 for names in QK_NORMS)), None)
    if qk:
        names = next(ns for ns in QK_NORMS if all(hasattr(decoder.get_submodule(qk), n) for n in ns))
        out.append(ModuleFinding("qk-norm", ", ".join(f"{qk}.{n}" for n in names),
                                 keys("use_qk_norm", "qk_norm_type", "qk_layernorm")))
    out += _sliding(text, attention, keys, layers)
    out += _named(classes, keys)
    out += _rope(classes, text, keys)
    return out


def _is_ssm(m) -> bool:
    """A state-space (Mamba) mixer: its own ``A_log`` state matrix and ``D`` skip weights."""
    own = {n for n, _ in m.named_parameters(recurse=False)}
    return "A_log" in own and "D" in own


def _head_sharing(text, raw: dict[str, Any], module) -> tuple[str, str] | None:
    """GQA, MQA or MHA: the attention module's own KV heads (``num_kv_heads``, or heads over
    ``num_key_value_groups``), else the normalised config's (a per-layer value: the config's global one)."""
    heads, kv = attr(text, "num_attention_heads"), attr(text, "num_key_value_heads")
    own = next((v for a in ("num_key_value_heads", "num_kv_heads")
                if isinstance(v := getattr(module, a, None), int) and not isinstance(v, bool)), None)
    groups = getattr(module, "num_key_value_groups", None)
    if own:
        kv = own
    elif isinstance(groups, int) and groups > 0 and isinstance(heads, int) and heads % groups == 0:
        kv = heads // groups
    elif attr(text, "multi_query"):
        kv = 1
    elif kv is None:
        kv = raw.get("num_key_value_heads", heads if "num_key_value_heads" in type(text)().to_dict() else None)
    if not isinstance(heads, int) or heads <= 0 or not isinstance(kv, int) or kv <= 0:
        return None
    detail = f"{heads} query heads, {kv} key-value heads"
    return ("mqa", detail) if kv == 1 else ("gqa", detail) if kv < heads else ("mha", detail)


def _sliding(text, attention, keys, layers: int) -> list[ModuleFinding]:
    types, window = attr(text, "layer_types"), attr(text, "sliding_window")
    windowed = next((p for p, _, m in attention if isinstance(getattr(m, "sliding_window", None), int)
                     and not isinstance(m.sliding_window, bool) and m.sliding_window > 0), None)
    if isinstance(types, list) and types:
        n = sum(1 for t in types if t == "sliding_attention")
        if not n and windowed and attr(text, "use_sliding_window") is not False:  # a window in every layer's attention
            return [ModuleFinding("sliding-window-attention", windowed, keys("sliding_window"),
                                  detail=f"window {window} in every attention layer")]
        if not n:
            return []
        i = types.index("sliding_attention")
        path = next((p for p, _, _ in attention if _layer(p) == i), f"layers.{i}")
        return [ModuleFinding("sliding-window-attention", path, keys("sliding_window", "layer_types"),
                              _share(n, len(types), "sliding-window layers"), f"window {window}")]
    if isinstance(window, int) and window > 0 and attr(text, "use_sliding_window") is not False:
        path = next((p for p, _, m in attention if getattr(m, "sliding_window", None)), attention[0][0] if attention else "")
        return [ModuleFinding("sliding-window-attention", path, keys("sliding_window", "use_sliding_window"),
                              detail=f"window {window} on every layer")]
    return []


def _named(classes, keys) -> list[ModuleFinding]:
    """DSA indexers, DeepSeek-V4's compressors and hyper-connections, by the class transformers gives them."""
    out = []
    first: dict[str, tuple[str, set[int | None]]] = {}
    for p, cls, _ in classes:
        for frag in ("CSACompressor", "HCACompressor", "Indexer", "HyperConnection"):
            if frag in cls:
                first.setdefault(frag, (p, set()))[1].add(_layer(p))
    total = len({_layer(p) for p, _, _ in classes} - {None})
    if "CSACompressor" in first or "HCACompressor" in first:
        for frag, tech in (("CSACompressor", "compressed-sparse-attention"), ("HCACompressor", "heavily-compressed-attention")):
            if frag in first:
                p, seen = first[frag]
                out.append(ModuleFinding(tech, p, keys("compress_ratios", "layer_types", "index_topk"),
                                         _share(len(seen), total, "compressed layers")))
    elif "Indexer" in first:
        out.append(ModuleFinding("dsa", first["Indexer"][0], keys("index_topk", "index_n_heads", "index_head_dim")))
    if "HyperConnection" in first:
        out.append(ModuleFinding("hyper-connections", first["HyperConnection"][0], keys("hc_mult")))
    return out


def rope_types(params: Any) -> list[str]:
    """Every ``rope_type`` in a (possibly per-layer-kind, nested) ``rope_parameters``."""
    if not isinstance(params, dict):
        return []
    kinds = [params.get("rope_type") or params.get("type")] if ("rope_type" in params or "type" in params) else []
    for v in params.values():
        kinds += rope_types(v) if isinstance(v, dict) else []
    return [k for k in kinds if isinstance(k, str)]


def _rope(classes, text, keys) -> list[ModuleFinding]:
    rotary = next((p for p, cls, _ in classes if cls.endswith("RotaryEmbedding")), None)
    if rotary is None:
        return []
    kinds = rope_types(attr(text, "rope_parameters"))
    shown = sorted({k for k in kinds if k in SCALING_SHOWN})
    out = [ModuleFinding("rope", rotary, keys(*ROPE_KEYS), {"scaling": ", ".join(shown)} if shown else {})]
    if "yarn" in kinds:
        out.append(ModuleFinding("yarn", rotary, keys("rope_scaling", "rope_parameters"), detail="rope_type yarn"))
    return out
