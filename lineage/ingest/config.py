"""Config ingestion: techniques, shapes and parameter counts read from model configs.

Reads Hugging Face ``config.json`` files (a multimodal wrapper's ``text_config``
too) and DeepSeek's inference-format configs (``dim``, ``n_layers`` …).  Every
finding becomes a claim whose evidence is the ``key = value`` it was read from.

A config only shows what a checkpoint *is*.  It cannot show how the model was
trained (optimizer, RL method, FP8 training): those claims come from reports.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from lineage.errors import SourceFormatError, UnsupportedLayout
from lineage.params import INFERENCE_KEYS, count_parameters
from lineage.models import (
    Claim,
    Evidence,
    Method,
    Predicate,
    SourceDocument,
    SourceKind,
    Status,
    clip,
    utcnow,
)

MAX_CONFIG_BYTES = 5 * 1024 * 1024
"""Real configs are a few kB; anything above this is not a config."""


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


class ConfigSource(BaseModel):
    """Where a config file came from (from ``seeds/sources/configs.yaml`` or the command line)."""

    file: str = Field(description="File name.")
    model: str = Field(description="Model id the config describes.")
    repo: str | None = Field(None, description="Hugging Face repo whose config this is.")
    copied_from: str | None = Field(None, description="Repository this copy was taken from.")
    path_in_repo: str | None = Field(None, description="Path of the file in that repository.")
    commit: str | None = Field(None, description="Commit of that repository.")
    sha256: str | None = Field(None, description="Hash of the exact bytes.")
    kind: SourceKind = Field(SourceKind.PRIMARY, description="Primary for the publisher's own file.")
    derivative: bool = Field(False, description="A third party's re-encoding (quantization) of the model.")
    url: str | None = Field(None, description="Where to fetch this exact copy.")
    note: str | None = Field(None, description="Provenance caveats.")


class ParameterSummary(BaseModel):
    """Computed counts, or why none could be computed."""

    total: int | None = Field(None, description="Total parameters excluding MTP modules.")
    active: int | None = Field(None, description="Parameters active per token.")
    mtp: int | None = Field(None, description="Parameters of MTP modules, reported separately.")
    mtp_estimated: bool = Field(False, description="The MTP count is an estimate (layout not in the config).")
    layout: str | None = Field(None, description="Layout the count used.")
    unsupported: str | None = Field(None, description="Why the layout could not be counted.")


class ConfigReport(BaseModel):
    """Result of ingesting one config."""

    source: str = Field(description="Source document id.")
    model: str = Field(description="Model id.")
    status: Status = Field(description="Status given to the config's claims.")
    techniques: list[str] = Field(description="Technique ids found.")
    claims: int = Field(description="Number of claims written.")
    parameters: ParameterSummary = Field(description="Computed parameter counts.")
    skipped: list[str] = Field(default_factory=list, description="Findings not claimed, with the reason.")


# --------------------------------------------------------------------------- reading


def read_config(path: Path) -> tuple[dict[str, Any], bytes]:
    """Parse a config file; ``SourceFormatError`` with a one-line reason otherwise."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceFormatError(f'config "{path}" cannot be read: {exc.strerror or exc}') from None
    if not path.is_file():
        raise SourceFormatError(f'config "{path}" is not a file')
    if size > MAX_CONFIG_BYTES:
        raise SourceFormatError(
            f'config "{path}" is {size / 1e6:.1f} MB; model configs are a few kB '
            f"(limit {MAX_CONFIG_BYTES // (1024 * 1024)} MB). Is this a weights or data file?"
        )
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SourceFormatError(f'config "{path}" is not UTF-8 text') from None
    except json.JSONDecodeError as exc:
        raise SourceFormatError(f'config "{path}" is not valid JSON: {exc.msg} at line {exc.lineno}') from None
    if not isinstance(data, dict):
        raise SourceFormatError(f'config "{path}" holds a JSON {type(data).__name__}, expected an object')
    return data, raw


def is_inference_format(cfg: dict[str, Any]) -> bool:
    """DeepSeek's inference configs use ``dim``/``n_layers`` instead of HF names."""
    return "dim" in cfg and "n_layers" in cfg


class View:
    """Typed access to a config dict that remembers key paths for evidence."""

    def __init__(self, cfg: dict[str, Any], prefix: str, name: str):
        self.cfg, self.prefix, self.name = cfg, prefix, name
        self.inference = is_inference_format(cfg)
        self._alias = {hf: inf for inf, hf in INFERENCE_KEYS.items()} if self.inference else {}

    def key(self, hf_key: str) -> str:
        """Actual key spelling in this config for an HF key name."""
        alt = self._alias.get(hf_key)
        return alt if alt is not None and alt in self.cfg else hf_key

    def path(self, hf_key: str) -> str:
        return self.prefix + self.key(hf_key)

    def has(self, hf_key: str) -> bool:
        return self.cfg.get(self.key(hf_key)) is not None

    def raw(self, hf_key: str) -> Any:
        return self.cfg.get(self.key(hf_key))

    def _bad(self, hf_key: str, want: str) -> SourceFormatError:
        got = self.raw(hf_key)
        return SourceFormatError(
            f'config "{self.name}": key "{self.path(hf_key)}" should be {want}, '
            f"got {type(got).__name__} {json.dumps(got)[:40]}"
        )

    def int(self, hf_key: str) -> int | None:
        v = self.raw(hf_key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
            raise self._bad(hf_key, "an integer")
        return int(v)

    def bool(self, hf_key: str) -> bool | None:
        v = self.raw(hf_key)
        if v is None:
            return None
        if not isinstance(v, bool):
            raise self._bad(hf_key, "true or false")
        return v

    def str(self, hf_key: str) -> str | None:
        v = self.raw(hf_key)
        if v is None:
            return None
        if not isinstance(v, str):
            raise self._bad(hf_key, "a string")
        return v

    def dict(self, hf_key: str) -> dict[str, Any] | None:
        v = self.raw(hf_key)
        if v is None:
            return None
        if not isinstance(v, dict):
            raise self._bad(hf_key, "an object")
        return v

    def list(self, hf_key: str) -> list | None:
        v = self.raw(hf_key)
        if v is None:
            return None
        if not isinstance(v, list):
            raise self._bad(hf_key, "a list")
        return v

    def first(self, *hf_keys: str) -> str | None:
        """First of several alternative spellings that is present."""
        return next((k for k in hf_keys if self.has(k)), None)

    def show(self, *hf_keys: str) -> str:
        """``key = value; key = value`` for the keys that are present."""
        parts = []
        for k in hf_keys:
            if self.has(k):
                v = self.raw(k)
                if isinstance(v, list) and len(v) > 8:
                    shown = json.dumps(v[:6])[:-1] + f", … ({len(v)} items)]"
                else:
                    shown = json.dumps(v)
                parts.append(f"{self.path(k)} = {shown}")
        return clip("; ".join(parts))


# --------------------------------------------------------------------------- detection


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


def _layer_share(count: int, total: int | None, kind: str) -> dict[str, str]:
    return {"layers": f"{count} of {total} ({kind})" if total else f"{count} ({kind})"}


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
    arch = v.list("architectures")
    if arch:
        out.append(_value(v, Predicate.ARCHITECTURE, str(arch[0]), None, ["architectures"]))
    model_type = v.str("model_type")
    if model_type:
        out.append(_value(v, Predicate.MODEL_TYPE, model_type, None, ["model_type"]))

    layers = v.int("num_hidden_layers")
    if layers:
        out.append(_value(v, Predicate.LAYERS, layers, "layers", ["num_hidden_layers"]))

    # -- attention
    heads, kv_heads = v.int("num_attention_heads"), v.int("num_key_value_heads")
    kv_lora = v.int("kv_lora_rank")
    linear_cfg = v.dict("linear_attn_config") or {}
    full_layers = linear_cfg.get("full_attn_layers")
    kda_layers = linear_cfg.get("kda_layers")
    layer_types = v.list("layer_types") or []
    mla = bool(kv_lora and kv_lora > 0)
    if mla:
        q = {}
        if isinstance(full_layers, list) and full_layers:
            q = _layer_share(len(full_layers), layers, "full-attention layers")
        out.append(_uses(v, "mla", ["kv_lora_rank", "q_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim"], q))
        rope_dim = v.int("qk_rope_head_dim")
        if rope_dim and rope_dim > 0 and not v.bool("mla_use_nope"):
            out.append(_uses(v, "decoupled-rope", ["qk_rope_head_dim", "kv_lora_rank"], q))
    elif heads and kv_heads is not None:
        full_share = {}
        n_full = sum(1 for t in layer_types if t == "full_attention")
        if n_full and n_full < len(layer_types):
            full_share = _layer_share(n_full, len(layer_types), "full-attention layers")
        if kv_heads == 1:
            out.append(_uses(v, "mqa", ["num_key_value_heads", "num_attention_heads"], full_share))
        elif kv_heads < heads:
            out.append(_uses(v, "gqa", ["num_key_value_heads", "num_attention_heads"], full_share))
        elif kv_heads == heads:
            out.append(_uses(v, "mha", ["num_key_value_heads", "num_attention_heads"], full_share))

    window = v.int("sliding_window")
    if window and window > 0 and v.bool("use_sliding_window") is not False:
        n_sliding = sum(1 for t in layer_types if t == "sliding_attention")
        q = _layer_share(n_sliding, len(layer_types), "sliding-window layers") if n_sliding else {}
        keys = ["sliding_window", "use_sliding_window"] + (["layer_types"] if n_sliding else [])
        out.append(_uses(v, "sliding-window-attention", keys, q))

    if v.bool("attn_output_gate") or v.bool("mla_use_output_gate"):
        out.append(_uses(v, "gated-attention", ["attn_output_gate", "mla_use_output_gate"]))
    if v.bool("use_qk_norm"):
        out.append(_uses(v, "qk-norm", ["use_qk_norm", "qk_norm_type"]))

    # -- sparse and compressed attention
    ratios = v.list("compress_ratios")
    index_topk = v.int("index_topk")
    if ratios and any(isinstance(r, int) and r > 0 for r in ratios):
        n = sum(1 for r in ratios if isinstance(r, int) and r > 0)
        q = _layer_share(n, len(ratios), "compressed layers")
        out.append(_uses(v, "compressed-sparse-attention", ["compress_ratios", "index_topk", "index_n_heads"], q))
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
    attn_types = v.list("attn_type_list")
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
    routed = v.int(routed_key) if routed_key else None
    if routed and routed > 1 and per_tok_key:
        per_tok = v.int(per_tok_key)
        out.append(_uses(v, "moe", [routed_key, per_tok_key]))
        out.append(_value(v, Predicate.ROUTED_EXPERTS, routed, "experts", [routed_key]))
        out.append(_value(v, Predicate.EXPERTS_PER_TOKEN, per_tok, "experts", [per_tok_key]))
        shared_key = v.first("n_shared_experts", "num_shared_experts")
        shared = v.int(shared_key) if shared_key else None
        shared_size_key = v.first("shared_expert_intermediate_size", "shared_intermediate_size")
        shared_size = v.int(shared_size_key) if shared_size_key else None
        if shared and shared > 0:
            out.append(_uses(v, "shared-experts", [shared_key]))
            out.append(_value(v, Predicate.SHARED_EXPERTS, shared, "experts", [shared_key]))
        elif shared_size and shared_size > 0:
            out.append(_uses(v, "shared-experts", [shared_size_key]))
        groups_key = v.first("n_group", "num_expert_group")
        groups = v.int(groups_key) if groups_key else None
        if groups and groups > 1:
            out.append(_uses(v, "group-limited-routing", [groups_key, "topk_group"]))
        if v.str("topk_method") == "noaux_tc":
            out.append(_uses(v, "aux-loss-free-balancing", ["topk_method", "scoring_func"]))
        elif v.bool("use_routing_bias"):
            out.append(_uses(v, "aux-loss-free-balancing", ["use_routing_bias", "scoring_func"]))
        hash_layers = v.int("num_hash_layers")
        if hash_layers and hash_layers > 0:
            out.append(_uses(v, "hash-routing", ["num_hash_layers"], _layer_share(hash_layers, layers, "hash-routed")))

    # -- multi-token prediction
    for mtp_key in ("num_nextn_predict_layers", "mtp_num_hidden_layers", "num_mtp_modules"):
        n = v.int(mtp_key)
        if n and n > 0 and (mtp_key != "num_mtp_modules" or v.bool("use_mtp") is not False):
            out.append(_uses(v, "mtp", [mtp_key, "use_mtp"], {"modules": str(n)}))
            break

    # -- residual stream
    hc = v.int("hc_mult")
    if hc and hc > 1:
        out.append(_uses(v, "hyper-connections", ["hc_mult"]))
        iters = v.int("hc_sinkhorn_iters")
        if iters and iters > 0:
            out.append(_uses(v, "mhc", ["hc_sinkhorn_iters", "hc_mult"]))

    # -- positions and context
    rope = v.dict("rope_scaling") or v.dict("rope_parameters") or {}
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
    nope = bool(v.bool("mla_use_nope"))  # Kimi Linear's MLA layers carry no positional encoding
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
        out.append(_value(v, Predicate.CONTEXT_LENGTH, v.int(ctx_key), "tokens", [ctx_key]))

    # -- checkpoint encoding (describes this file, not how the model was trained)
    out += _quantization(v)
    return out


def _quantization(v: View) -> list[Finding]:
    found: list[Finding] = []
    q = v.dict("quantization_config") or {}
    text = json.dumps(q).lower()
    qpath = v.path("quantization_config")
    method = str(q.get("quant_method", "")).lower()
    fmt = str(q.get("fmt", "") or q.get("format", "") or q.get("quant_algo", "")).lower()
    if method == "fp8" or "e4m3" in fmt:
        snippet = clip(f"{qpath}.quant_method = {q.get('quant_method')}; fmt = {q.get('fmt')}")
        found.append(Finding(predicate=Predicate.USES, object="fp8-quantization", keys=[qpath], snippet=snippet))
    elif v.inference and v.str("dtype") == "fp8":
        found.append(_uses(v, "fp8-quantization", ["dtype", "scale_fmt"]))
    fp4_markers = ("mxfp4", "nvfp4", "fp4")
    if any(m in method or m in fmt for m in fp4_markers) or ('"num_bits": 4' in text and '"type": "float"' in text):
        snippet = clip(f"{qpath}.quant_method = {q.get('quant_method')}; format = {fmt or 'float, 4 bits'}")
        found.append(Finding(predicate=Predicate.USES, object="fp4-quantization", keys=[qpath], snippet=snippet))
    elif v.str("expert_dtype") == "fp4":
        found.append(_uses(v, "fp4-quantization", ["expert_dtype"], {"weights": "routed experts"}))
    for f in found:
        f.describes_checkpoint = True
    return found


def text_config(cfg: dict[str, Any], name: str) -> tuple[dict[str, Any], str]:
    """The language-model part of a config and the key prefix that reaches it."""
    inner = cfg.get("text_config")
    if inner is None:
        return cfg, ""
    if not isinstance(inner, dict):
        raise SourceFormatError(f'config "{name}": key "text_config" should be an object')
    return inner, "text_config."


def findings_for(cfg: dict[str, Any], name: str) -> list[Finding]:
    """Findings for a whole config: the wrapper's identity plus the text model's details."""
    inner, prefix = text_config(cfg, name)
    if not prefix:
        found = detect(cfg, name)
    else:
        outer = View(cfg, "", name)
        found = []
        arch = outer.list("architectures")
        if arch:
            found.append(_value(outer, Predicate.ARCHITECTURE, str(arch[0]), None, ["architectures"]))
        mt = outer.str("model_type")
        if mt:
            found.append(_value(outer, Predicate.MODEL_TYPE, mt, None, ["model_type"]))
        for f in detect(inner, name, prefix):
            if f.predicate in (Predicate.ARCHITECTURE, Predicate.MODEL_TYPE):
                f.qualifiers = {**f.qualifiers, "component": "text_config"}
            found.append(f)
        found += [f for f in _quantization(outer) if f.object not in {g.object for g in found}]
    if not any(f.predicate in (Predicate.ARCHITECTURE, Predicate.MODEL_TYPE) for f in found) and not is_inference_format(
        inner
    ):
        raise SourceFormatError(
            f'config "{name}" has neither "model_type" nor "architectures"; is it a model config.json?'
        )
    if not any(k in inner for k in ("num_hidden_layers", "n_layers")):
        raise SourceFormatError(f'config "{name}" has no "num_hidden_layers"; is it a model config.json?')
    return found


# --------------------------------------------------------------------------- claims


def _owner(repo: str | None) -> str | None:
    return repo.split("/")[0] if repo else None


def source_document(src: ConfigSource, digest: str) -> SourceDocument:
    """The SourceDocument for one config file."""
    title = f"{src.repo or src.model} config ({src.file})"
    return SourceDocument(
        id=f"config:{src.model}/{src.file}",
        title=title,
        kind=src.kind,
        format="config",
        url=src.url,
        revision=src.commit or f"sha256:{digest}",
        publisher=_owner(src.copied_from if src.kind is SourceKind.SECONDARY and not src.derivative else src.repo),
        about=src.model,
        note=src.note,
    )


def claims_for(
    findings: list[Finding], doc: SourceDocument, params: ParameterSummary, derivative: bool
) -> tuple[list[Claim], list[str]]:
    """Turn findings into claims with status and evidence; also return what was skipped and why."""
    now = utcnow()
    primary = doc.kind is SourceKind.PRIMARY
    status = Status.VERIFIED if primary else Status.REPORTED
    who = doc.publisher or "a third party"
    claims, skipped = [], []

    def evidence(locator: str, snippet: str) -> Evidence:
        return Evidence(
            source=doc.id,
            revision=doc.revision,
            source_kind=doc.kind,
            locator=locator,
            snippet=snippet,
            method=Method.CONFIG,
            retrieved_at=now,
        )

    file = doc.id.rsplit("/", 1)[-1]
    for f in findings:
        if f.describes_checkpoint and derivative:
            skipped.append(f"{f.object}: {f.snippet} describes the derivative's own encoding, not {doc.about}")
            continue
        if primary and derivative:
            reason = f"architecture key kept unchanged in {who}'s quantized derivative: {f.snippet}"
        elif primary:
            reason = f"stated in the model's own config: {f.snippet}"
        else:
            kind = f"{who}'s derivative" if derivative else f"a third-party copy by {who}"
            reason = f"read from {kind}, not the publisher's own config"
        if f.describes_checkpoint and primary:
            reason = f"released checkpoint is stored this way per its config: {f.snippet}"
        claims.append(
            Claim(
                subject=doc.about,
                predicate=f.predicate,
                object=f.object,
                value=f.value,
                unit=f.unit,
                qualifiers=f.qualifiers,
                status=status,
                reason=clip(reason, 200),
                evidence=(evidence(f"{file}#/" + ",".join(f.keys).replace(".", "/"), f.snippet),),
            )
        )
    if params.total is not None:
        for pred, value in (
            (Predicate.TOTAL_PARAMETERS, params.total),
            (Predicate.ACTIVE_PARAMETERS, params.active),
            (Predicate.MTP_PARAMETERS, params.mtp),
        ):
            if value is None or (pred is Predicate.MTP_PARAMETERS and value == 0):
                continue
            if pred is Predicate.MTP_PARAMETERS and params.mtp_estimated:
                skipped.append(f"mtpParameters: ~{value:,} is an estimate (the config does not describe the modules)")
                continue
            reason = f"computed by lineage from the config's shapes (layout {params.layout})"
            if not primary:
                reason += f"; config from {who}, not the publisher"
            claims.append(
                Claim(
                    subject=doc.about,
                    predicate=pred,
                    value=value,
                    unit="parameters",
                    qualifiers={"method": "computed"},
                    status=status,
                    reason=reason,
                    evidence=(
                        evidence(
                            f"{file} (whole file; layout {params.layout})",
                            clip(f"{pred.value} = {value:,} computed from the shapes in {file}"),
                        ),
                    ),
                )
            )
    return claims, skipped


def count(cfg: dict[str, Any]) -> ParameterSummary:
    """Parameter counts via :mod:`lineage.params`, or the reason there are none."""
    try:
        pc = count_parameters(cfg)
    except UnsupportedLayout as exc:
        return ParameterSummary(unsupported=str(exc))
    return ParameterSummary(
        total=pc.total, active=pc.active, mtp=pc.mtp, mtp_estimated=pc.mtp_estimated, layout=pc.layout
    )


@dataclass
class PreparedConfig:
    """A parsed, analysed config ready to be written in one transaction."""

    doc: SourceDocument
    claims: list[Claim]
    report: ConfigReport


def prepare(path: Path, src: ConfigSource) -> PreparedConfig:
    """Read, validate and analyse one config file without touching the store."""
    cfg, raw = read_config(path)
    digest = hashlib.sha256(raw).hexdigest()
    if src.sha256 and src.sha256 != digest:
        raise SourceFormatError(
            f'config "{path}" does not match the sha256 recorded for it ({src.sha256[:12]}…); '
            "was the bundled copy edited?"
        )
    findings = findings_for(cfg, path.name)
    doc = source_document(src, digest)
    params = count(cfg)
    claims, skipped = claims_for(findings, doc, params, src.derivative)
    techniques = sorted({c.object for c in claims if c.predicate is Predicate.USES and c.object})
    report = ConfigReport(
        source=doc.id,
        model=src.model,
        status=claims[0].status if claims else Status.UNVERIFIED,
        techniques=techniques,
        claims=len(claims),
        parameters=params,
        skipped=skipped,
    )
    return PreparedConfig(doc=doc, claims=claims, report=report)


# --------------------------------------------------------------------------- entry point


def bundled_configs() -> list[ConfigSource]:
    """The configs shipped in ``seeds/sources/configs.yaml``."""
    import yaml

    from lineage.paths import data_dir

    rows = yaml.safe_load((data_dir("seeds") / "sources" / "configs.yaml").read_text(encoding="utf-8"))
    return [ConfigSource.model_validate(r) for r in rows]


def bundled_dir() -> Path:
    from lineage.paths import data_dir

    return data_dir("seeds") / "sources" / "configs"


def identify(path: Path, catalog, model: str | None) -> ConfigSource:
    """Provenance for a config given on the command line.

    A file whose bytes match a bundled source inherits that source's provenance;
    otherwise the model comes from ``--model`` or from a ``org__name`` folder or
    file name matching a catalog model's Hugging Face repo.
    """
    from lineage.models import EntityKind

    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size <= MAX_CONFIG_BYTES else ""
    except OSError:
        digest = ""  # read_config reports the problem
    known = {s.sha256: s for s in bundled_configs()}
    if model is not None:
        model_id = catalog.resolve(model, EntityKind.MODEL)
        if digest in known and known[digest].model == model_id:
            return known[digest]
        return ConfigSource(file=path.name, model=model_id, sha256=None, kind=SourceKind.PRIMARY,
                            note=f"ingested from local file {path.name}; provenance given by the user (--model)")
    if digest in known:
        return known[digest]
    for candidate in (path.parent.name, path.stem):
        if "__" in candidate:
            repo = candidate.replace("__", "/", 1)
            m = catalog.model_by_repo(repo)
            if m is not None:
                return ConfigSource(file=path.name, model=m.id, repo=m.hf_repo, kind=SourceKind.PRIMARY,
                                    note=f"model inferred from the path {candidate!r}")
    raise SourceFormatError(
        f'cannot tell which model "{path}" describes. Pass --model ID (see \'lineage models\').'
    )


def ingest_config(store, catalog, paths: list[Path], model: str | None = None, progress=None) -> list[ConfigReport]:
    """Ingest config files: every file is checked first, then each source graph is replaced atomically.

    If any file is malformed nothing is written.  ``progress`` is called once per
    file written (for progress bars).
    """
    prepared = []
    for path in paths:
        src = identify(Path(path), catalog, model)
        if src.model not in catalog:
            raise catalog.unknown(src.model)
        prepared.append(prepare(Path(path), src))
    for p in prepared:
        for c in p.claims:
            if c.object is not None and c.object not in catalog:
                raise catalog.unknown(c.object)
        store.replace_source(p.doc, p.claims)
        if progress:
            progress(p.report)
    return [p.report for p in prepared]
