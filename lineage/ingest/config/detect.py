"""Technique detection: which keys and values of a config show which technique or fact.

Each rule returns a :class:`Finding` with the key paths it read, so every claim cites them.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from lineage.configfile.keys import ALIASES, unrecognised
from lineage.configfile.read import View, is_inference_format, text_config
from lineage.domain import Method, Predicate, clip
from lineage.errors import SourceFormatError
from lineage.ingest.config.patterns import attention_share, pattern_findings

LINEAR_LAYER_KIND = {
    # model_type -> what its transformers implementation runs in "linear_attention" layers
    "qwen3_next": "gated-deltanet",
    "qwen3_5_moe": "gated-deltanet",
    "qwen3_5_moe_text": "gated-deltanet",
    "qwen3_5": "gated-deltanet",
    "qwen3_5_text": "gated-deltanet",
}


class Finding(BaseModel):
    """One thing a config shows, before it becomes a claim."""

    predicate: Predicate = Field(description="What is claimed.")
    object: str | None = Field(None, description="Technique id for 'uses' findings.")
    value: str | int | float | None = Field(None, description="Literal for attribute findings.")
    unit: str | None = Field(None, description="Unit of the literal.")
    keys: list[str] = Field(description="Key paths the finding was read from.")
    snippet: str = Field(description="'key = value' rendering of the evidence.")
    qualifiers: dict[str, str] = Field(default_factory=dict, description="Layers or component qualifiers.")
    describes_checkpoint: bool = Field(False, description="True for facts about a file's encoding (quantization).")
    method: Method = Field(Method.CONFIG, description="Reader: key rules (config) or transformers' modules (meta-device).")
    module: str | None = Field(None, description="Module path in the model transformers built, for a meta-device finding.")


def _uses(v: View, technique: str, keys: list[str], qualifiers: dict[str, str] | None = None, **kw) -> Finding:
    present = [k for k in keys if v.has(k)]
    return Finding(
        predicate=Predicate.USES,
        object=technique,
        keys=[v.path(k) for k in present],
        snippet=v.show(*present),
        qualifiers=qualifiers or {},
        **kw,
    )


def _value(v: View, predicate: Predicate, value, unit: str | None, keys: list[str]) -> Finding:
    present = [k for k in keys if v.has(k)]
    return Finding(
        predicate=predicate, value=value, unit=unit, keys=[v.path(k) for k in present], snippet=v.show(*present)
    )


HEAVY_COMPRESSION = 64
"""Smallest compress ratio read as heavily compressed attention (HCA) rather than CSA."""


def _layer_share(count: int, total: int | None, kind: str) -> dict[str, str]:
    return {"layers": f"{count} of {total} ({kind})" if total else f"{count} ({kind})"}


def _made(predicate, obj, value, unit, key, snippet, qualifiers) -> Finding:
    return Finding(predicate=predicate, object=obj, value=value, unit=unit, keys=[key], snippet=snippet,
                   qualifiers=qualifiers)


def _kv_heads(v: View) -> int | None:
    """KV heads under any spelling; ChatGLM's ``multi_query_group_num`` only with ``multi_query_attention``."""
    if v.key("num_key_value_heads") == "multi_query_group_num" and not v.boolean("multi_query_attention"):
        return None
    return v.integer("num_key_value_heads")


def unrecognised_findings(cfg: dict[str, Any], prefix: str = "", known: frozenset[str] = frozenset()) -> list[Finding]:
    """One ``unrecognisedConfigKey`` finding per architecture key neither :mod:`.keys` nor ``known`` knows.

    ``known``: the keys the config class of the library that defines the model accepts
    (:mod:`.meta_device`); such a key is read through that library's modules.
    """
    out = []
    for key in (k for k in unrecognised(cfg) if k not in known):
        shown = json.dumps(cfg[key])
        out.append(
            Finding(predicate=Predicate.UNRECOGNISED_CONFIG_KEY, value=prefix + key, keys=[prefix + key],
                    snippet=clip(f"{prefix}{key} = {shown}"))
        )
    return out


def detect(cfg: dict[str, Any], name: str = "config.json", prefix: str = "") -> list[Finding]:
    """Everything a (text) config shows, as findings with key-path evidence.

    Examples
    --------
    >>> found = detect({"model_type": "x", "num_attention_heads": 32, "num_key_value_heads": 8})
    >>> [f.object for f in found if f.object]
    ['gqa']
    """
    v = View(cfg, prefix, name)
    out: list[Finding] = []

    # -- identity
    arch = v.sequence("architectures")
    if arch:
        out.append(_value(v, Predicate.ARCHITECTURE, str(arch[0]), None, ["architectures"]))
    model_type = v.string("model_type")
    if model_type:
        out.append(_value(v, Predicate.MODEL_TYPE, model_type, None, ["model_type"]))

    layers = v.integer("num_hidden_layers")
    if layers:
        out.append(_value(v, Predicate.LAYERS, layers, "layers", ["num_hidden_layers"]))
    layers, hybrid = pattern_findings(v, layers, _made)
    out += hybrid
    hidden = v.integer("hidden_size")
    if hidden:
        out.append(_value(v, Predicate.HIDDEN_SIZE, hidden, None, ["hidden_size"]))

    # -- attention
    heads, kv_heads, kv_keys = v.integer("num_attention_heads"), _kv_heads(v), ["num_key_value_heads", "num_attention_heads"]
    if kv_heads is None and v.boolean("multi_query"):
        kv_heads, kv_keys = 1, ["multi_query", "num_attention_heads"]  # GPT-BigCode / Falcon: one shared KV head
    kv_lora = v.integer("kv_lora_rank")
    linear_cfg = v.mapping("linear_attn_config") or {}
    full_layers = linear_cfg.get("full_attn_layers")
    kda_layers = linear_cfg.get("kda_layers")
    layer_types = v.sequence("layer_types") or []
    mla = bool(kv_lora and kv_lora > 0)
    if mla:
        q = {}
        if isinstance(full_layers, list) and full_layers:
            q = _layer_share(len(full_layers), layers, "full-attention layers")
        out.append(_uses(v, "mla", ["kv_lora_rank", "q_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim"], q))
        rope_dim = v.integer("qk_rope_head_dim")
        if rope_dim and rope_dim > 0 and not v.boolean("mla_use_nope"):
            out.append(_uses(v, "decoupled-rope", ["qk_rope_head_dim", "kv_lora_rank"], q))
    elif heads and kv_heads is not None:
        full_share = attention_share(v)
        n_full = sum(1 for t in layer_types if t == "full_attention")
        if n_full and n_full < len(layer_types):
            full_share = _layer_share(n_full, len(layer_types), "full-attention layers")
        if kv_heads == 1:
            out.append(_uses(v, "mqa", kv_keys, full_share))
        elif kv_heads < heads:
            out.append(_uses(v, "gqa", kv_keys, full_share))
        elif kv_heads == heads:
            out.append(_uses(v, "mha", kv_keys, full_share))

    window = v.integer("sliding_window")
    if window and window > 0 and v.boolean("use_sliding_window") is not False:
        n_sliding = sum(1 for t in layer_types if t == "sliding_attention")
        q = _layer_share(n_sliding, len(layer_types), "sliding-window layers") if n_sliding else {}
        keys = ["sliding_window", "use_sliding_window"] + (["layer_types"] if n_sliding else [])
        out.append(_uses(v, "sliding-window-attention", keys, q))

    if v.boolean("attn_output_gate") or v.boolean("mla_use_output_gate"):
        out.append(_uses(v, "gated-attention", ["attn_output_gate", "mla_use_output_gate"]))
    if v.boolean("use_qk_norm"):
        out.append(_uses(v, "qk-norm", ["use_qk_norm", "qk_norm_type"]))

    # -- sparse and compressed attention
    ratios = v.sequence("compress_ratios")
    index_topk = v.integer("index_topk")
    if ratios and any(isinstance(r, int) and r > 0 for r in ratios):
        n = sum(1 for r in ratios if isinstance(r, int) and r > 0)
        q = _layer_share(n, len(ratios), "compressed layers")
        out.append(_uses(v, "compressed-sparse-attention", ["compress_ratios", "index_topk", "index_n_heads"], q))
        # HCA layers compress on the order of a hundred tokens per entry, CSA layers a few (transformers'
        # DeepSeek-V4 implementation: ~128 vs ~4); a ratio this large marks heavily compressed layers.
        heavy = sum(1 for r in ratios if isinstance(r, int) and r >= HEAVY_COMPRESSION)
        if heavy:
            hq = _layer_share(heavy, len(ratios), "heavily compressed layers")
            out.append(_uses(v, "heavily-compressed-attention", ["compress_ratios"], hq))
    elif index_topk and index_topk > 0:
        out.append(_uses(v, "dsa", ["index_topk", "index_n_heads", "index_head_dim"]))

    # -- linear and hybrid attention
    if isinstance(kda_layers, list) and kda_layers:
        out.append(
            Finding(
                predicate=Predicate.USES,
                object="kda",
                keys=[v.prefix + "linear_attn_config.kda_layers"],
                snippet=clip(f"{v.prefix}linear_attn_config.kda_layers = {len(kda_layers)} layers"),
                qualifiers=_layer_share(len(kda_layers), layers, "KDA layers"),
            )
        )
        out.append(
            Finding(
                predicate=Predicate.USES,
                object="linear-attention",
                keys=[v.prefix + "linear_attn_config.kda_layers"],
                snippet=clip(f"{v.prefix}linear_attn_config.kda_layers = {len(kda_layers)} layers"),
            )
        )
        if isinstance(full_layers, list) and full_layers:
            out.append(
                Finding(
                    predicate=Predicate.USES,
                    object="hybrid-attention",
                    keys=[v.prefix + "linear_attn_config.kda_layers", v.prefix + "linear_attn_config.full_attn_layers"],
                    snippet=clip(
                        f"{v.prefix}linear_attn_config: {len(kda_layers)} kda_layers, "
                        f"{len(full_layers)} full_attn_layers"
                    ),
                )
            )
    n_linear = sum(1 for t in layer_types if t == "linear_attention")
    if n_linear:
        share = _layer_share(n_linear, len(layer_types), "linear-attention layers")
        out.append(_uses(v, "linear-attention", ["layer_types"], share))
        if n_linear < len(layer_types):
            out.append(_uses(v, "hybrid-attention", ["layer_types", "full_attention_interval"]))
        kind = LINEAR_LAYER_KIND.get(model_type or "")
        if kind:
            f = _uses(v, kind, ["layer_types", "model_type", "linear_key_head_dim", "linear_conv_kernel_dim"], share)
            out.append(f)
    attn_types = v.sequence("attn_type_list")
    if attn_types and 0 in attn_types and (model_type or "").startswith("minimax"):
        n_light = attn_types.count(0)
        share = _layer_share(n_light, len(attn_types), "lightning-attention layers")
        out.append(_uses(v, "lightning-attention", ["attn_type_list", "model_type"], share))
        out.append(_uses(v, "linear-attention", ["attn_type_list"], share))
        if n_light < len(attn_types):
            out.append(_uses(v, "hybrid-attention", ["attn_type_list"]))

    # -- mixture of experts
    routed_key = v.first("n_routed_experts", "num_experts", "num_local_experts")
    per_tok_key = v.first("num_experts_per_tok", "num_experts_per_token", "experts_per_token", "moe_topk")
    routed = v.integer(routed_key) if routed_key else None
    if routed_key and routed and routed > 1 and per_tok_key:
        per_tok = v.integer(per_tok_key)
        out.append(_uses(v, "moe", [routed_key, per_tok_key]))
        out.append(_value(v, Predicate.ROUTED_EXPERTS, routed, "experts", [routed_key]))
        out.append(_value(v, Predicate.EXPERTS_PER_TOKEN, per_tok, "experts", [per_tok_key]))
        shared_key = v.first("n_shared_experts", "num_shared_experts")
        shared = v.integer(shared_key) if shared_key else None
        shared_size_key = v.first("shared_expert_intermediate_size", "shared_intermediate_size")
        shared_size = v.integer(shared_size_key) if shared_size_key else None
        shared_keys = ([shared_key] if shared_key and shared and shared > 0
                       else [shared_size_key] if shared_size_key and shared_size and shared_size > 0 else [])
        if shared_keys:
            out.append(_uses(v, "shared-experts", shared_keys))
        if shared_key and shared and shared > 0:
            out.append(_value(v, Predicate.SHARED_EXPERTS, shared, "experts", [shared_key]))
        # DeepSeekMoE (arXiv 2401.06066, §3): fine-grained segmentation splits each expert FFN into
        # m smaller ones (hidden size 1/m of a dense FFN, m >= 2) and activates m times more of them;
        # shared expert isolation adds always-active experts.  Both in one config is the design.
        # The dense FFN is the config's own intermediate_size, else a SwiGLU FFN's 8/3 x hidden_size.
        expert_size, dense_size = v.integer("moe_intermediate_size"), v.integer("intermediate_size")
        sizes = ["moe_intermediate_size", "intermediate_size"]
        if not dense_size and hidden:
            dense_size, sizes = hidden * 8 // 3, ["moe_intermediate_size", "hidden_size"]
        if expert_size and dense_size and 2 * expert_size <= dense_size:
            out.append(_uses(v, "fine-grained-experts", [*sizes, routed_key, per_tok_key]))
            if shared_keys:
                out.append(_uses(v, "deepseekmoe", [*sizes, *shared_keys, routed_key]))
        groups_key = v.first("n_group", "num_expert_group")
        groups = v.integer(groups_key) if groups_key else None
        if groups_key and groups and groups > 1:
            out.append(_uses(v, "group-limited-routing", [groups_key, "topk_group"]))
        if v.string("topk_method") == "noaux_tc":
            out.append(_uses(v, "aux-loss-free-balancing", ["topk_method", "scoring_func"]))
        elif v.boolean("use_routing_bias"):
            out.append(_uses(v, "aux-loss-free-balancing", ["use_routing_bias", "scoring_func"]))
        hash_layers = v.integer("num_hash_layers")
        if hash_layers and hash_layers > 0:
            out.append(_uses(v, "hash-routing", ["num_hash_layers"], _layer_share(hash_layers, layers, "hash-routed")))

    # -- multi-token prediction
    for mtp_key in ("num_nextn_predict_layers", "mtp_num_hidden_layers", "num_mtp_modules"):
        modules = v.integer(mtp_key)
        if modules and modules > 0 and (mtp_key != "num_mtp_modules" or v.boolean("use_mtp") is not False):
            out.append(_uses(v, "mtp", [mtp_key, "use_mtp"], {"modules": str(modules)}))
            break

    # -- residual stream
    hc = v.integer("hc_mult")
    if hc and hc > 1:
        out.append(_uses(v, "hyper-connections", ["hc_mult"]))
        iters = v.integer("hc_sinkhorn_iters")
        if iters and iters > 0:
            out.append(_uses(v, "mhc", ["hc_sinkhorn_iters", "hc_mult"]))

    # -- positions and context
    rope = v.mapping("rope_scaling") or v.mapping("rope_parameters") or {}
    rope_kind = rope.get("type") or rope.get("rope_type")
    rope_key = "rope_scaling" if v.has("rope_scaling") else "rope_parameters"
    if rope_kind == "yarn":
        out.append(
            Finding(
                predicate=Predicate.USES,
                object="yarn",
                keys=[v.path(rope_key)],
                snippet=clip(f"{v.path(rope_key)}.type = yarn; factor = {rope.get('factor')}"),
            )
        )
    elif v.inference and v.has("beta_fast") and v.has("beta_slow") and v.has("rope_factor"):
        out.append(_uses(v, "yarn", ["rope_factor", "beta_fast", "beta_slow", "original_seq_len"]))
    theta_key = v.first("rope_theta")
    nope = bool(v.boolean("mla_use_nope"))  # Kimi Linear's MLA layers carry no positional encoding
    if not nope and (theta_key or "rope_theta" in rope or v.has("qk_rope_head_dim")):
        keys = ["rope_theta"] if theta_key else ["qk_rope_head_dim"] if v.has("qk_rope_head_dim") else []
        if keys:
            out.append(_uses(v, "rope", keys))
        else:
            out.append(
                Finding(
                    predicate=Predicate.USES,
                    object="rope",
                    keys=[v.path(rope_key)],
                    snippet=clip(f"{v.path(rope_key)}.rope_theta = {rope.get('rope_theta')}"),
                )
            )
    ctx_key = v.first("max_position_embeddings", "max_seq_len")
    if ctx_key:
        out.append(_value(v, Predicate.CONTEXT_LENGTH, v.integer(ctx_key), "tokens", [ctx_key]))

    # -- checkpoint encoding (describes this file, not how the model was trained)
    out += _quantization(v)
    return out


def _quantization(v: View) -> list[Finding]:
    found: list[Finding] = []
    q = v.mapping("quantization_config") or {}
    text = json.dumps(q).lower()
    qpath = v.path("quantization_config")
    method = str(q.get("quant_method", "")).lower()
    fmt = str(q.get("fmt", "") or q.get("format", "") or q.get("quant_algo", "")).lower()
    if method == "fp8" or "e4m3" in fmt:
        snippet = clip(f"{qpath}.quant_method = {q.get('quant_method')}; fmt = {q.get('fmt')}")
        found.append(Finding(predicate=Predicate.USES, object="fp8-quantization", keys=[qpath], snippet=snippet))
    elif v.inference and v.string("dtype") == "fp8":
        found.append(_uses(v, "fp8-quantization", ["dtype", "scale_fmt"]))
    fp4_markers = ("mxfp4", "nvfp4", "fp4")
    if any(m in method or m in fmt for m in fp4_markers) or ('"num_bits": 4' in text and '"type": "float"' in text):
        snippet = clip(f"{qpath}.quant_method = {q.get('quant_method')}; format = {fmt or 'float, 4 bits'}")
        found.append(Finding(predicate=Predicate.USES, object="fp4-quantization", keys=[qpath], snippet=snippet))
    elif v.string("expert_dtype") == "fp4":
        found.append(_uses(v, "fp4-quantization", ["expert_dtype"], {"weights": "routed experts"}))
    for f in found:
        f.describes_checkpoint = True
    return found


def findings_for(cfg: dict[str, Any], name: str, known: frozenset[str] = frozenset()) -> list[Finding]:
    """Findings for a whole config: the wrapper's identity plus the text model's details.

    ``known``: keys the defining library's config classes accept, not listed as unrecognised.
    """
    inner, prefix = text_config(cfg, name)
    if not prefix:
        found = detect(cfg, name) + unrecognised_findings(cfg, "", known)
    else:
        outer = View(cfg, "", name)
        found = []
        arch = outer.sequence("architectures")
        if arch:
            found.append(_value(outer, Predicate.ARCHITECTURE, str(arch[0]), None, ["architectures"]))
        mt = outer.string("model_type")
        if mt:
            found.append(_value(outer, Predicate.MODEL_TYPE, mt, None, ["model_type"]))
        for f in detect(inner, name, prefix):
            if f.predicate in (Predicate.ARCHITECTURE, Predicate.MODEL_TYPE):
                f.qualifiers = {**f.qualifiers, "component": "text_config"}
            found.append(f)
        found += [f for f in _quantization(outer) if f.object not in {g.object for g in found}]
        found += unrecognised_findings(cfg, "", known) + unrecognised_findings(inner, prefix, known)
    shaped = {Predicate.LAYERS, Predicate.HIDDEN_SIZE} <= {f.predicate for f in found}  # a framework's own format
    if not any(f.predicate in (Predicate.ARCHITECTURE, Predicate.MODEL_TYPE) for f in found) and not is_inference_format(
        inner
    ) and not shaped:
        raise SourceFormatError(
            f'config "{name}" has neither "model_type" nor "architectures"; is it a model config.json?'
        )
    if not any(f.predicate is Predicate.LAYERS for f in found):
        spellings = ", ".join(f'"{k}"' for k in ("num_hidden_layers", *ALIASES["num_hidden_layers"]))
        raise SourceFormatError(f'config "{name}" has no layer count ({spellings}); is it a model config.json?')
    return found
