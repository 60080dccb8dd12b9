"""Reading a config through transformers: the model its library defines, built on the meta device.

transformers knows several hundred model types: their config classes (with the attribute maps
that normalise ``n_head`` / ``num_heads`` …) and their module structure.  For a config of such a
type this module builds the model with ``torch.device("meta")`` (shapes only: no memory, no
weights), then reads

- parameters exactly from the modules (``model.parameters()``, tied weights once), and the
  parameters active per token from the mixture-of-experts structure: each routed-expert container
  (a fused ``...Experts`` module or a list of experts) contributes ``experts_per_token / experts``
  of its weights; embedding tables are looked up, not multiplied (the conventions of
  :mod:`.params`);
- techniques from the module tree and the normalised config (:mod:`.module_rules`).

Only the language model is read: a multimodal wrapper's text model is built from its text config
(``get_text_config``), or the wrapper is built and its decoder plus output head are counted.
A config is read by key rules instead (:mod:`.detect`, :mod:`.params`) when transformers or torch
is not installed, when the model type is not one transformers defines, when the config names
remote code (``auto_map``) or an architecture class transformers lacks, or when transformers
cannot build it; :func:`read_modules` returns the reason then.  Readings are cached per config.
Nothing here is imported on the query path: transformers is imported inside the functions.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from lineage.ingest.config.module_rules import ModuleFinding, attr, module_findings

DROPPED = ("model_type", "auto_map", "quantization_config", "transformers_version", "_name_or_path", "architectures",
           "torch_dtype", "dtype")
"""Keys not passed to the config class: identity, remote-code plumbing and checkpoint encoding
(a quantization config would make transformers expect quantized modules)."""

PER_TOKEN_ATTRS = ("top_k", "num_experts_per_tok", "top_k_experts", "moe_topk", "num_experts_per_token",
                   "experts_per_token", "n_activated_experts")
"""Attributes (of a router, an MoE block or the normalised config) giving the experts per token."""

EXPERT_COUNT_ATTRS = ("num_experts", "n_routed_experts", "num_local_experts")


@dataclass
class ModuleReading:
    """What transformers' own modules say about one (text) config."""

    model_type: str
    model_class: str
    library: str
    total: int
    active: int
    embedding: int
    tied: bool
    layers: int
    findings: list[ModuleFinding]
    known_keys: frozenset[str]
    notes: list[str] = field(default_factory=list)


@functools.cache
def unavailable() -> str | None:
    """Why transformers cannot read configs here (``None`` when it can)."""
    import importlib

    missing = []
    for name in ("torch", "transformers"):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        return f"{' and '.join(missing)} not installed (pip install -e '.[techniques]'); configs are read by key rules"
    return None


def read_modules(cfg: dict[str, Any]) -> ModuleReading | str:
    """The transformers reading of a config, or the one-line reason it is read by key rules."""
    why = unavailable()
    if why:
        return why
    return _cached(json.dumps(cfg, sort_keys=True))


@functools.lru_cache(maxsize=512)
def _cached(text: str) -> ModuleReading | str:
    return _read(json.loads(text))


def _defines(cfg: dict[str, Any]) -> str | None:
    """Why transformers does not define this config's model (``None`` when it does)."""
    import transformers
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES

    mt = cfg.get("model_type")
    if not isinstance(mt, str) or mt not in CONFIG_MAPPING_NAMES:
        return f"model_type {mt!r:.40} is not one transformers {transformers.__version__} defines"
    arch = cfg.get("architectures")
    if isinstance(arch, list) and arch and isinstance(arch[0], str) and arch[0].lower() not in _classes():
        return f"architecture {arch[0]!r:.60} is not a transformers class (remote code)"
    return None


@functools.cache
def _classes() -> frozenset[str]:
    """transformers' public names, lowercased (early Llama configs spell ``LLaMAForCausalLM``)."""
    import transformers

    return frozenset(n.lower() for n in dir(transformers))


def _read(cfg: dict[str, Any]) -> ModuleReading | str:
    import torch
    import transformers
    from transformers import AutoConfig

    why, source, notes = _defines(cfg), cfg, []
    inner = cfg.get("text_config")
    if why and isinstance(inner, dict) and _defines(inner) is None:  # a remote-code wrapper around a known text model
        source = inner
        notes.append(f"the wrapper is not transformers' ({why}); its text_config ({inner['model_type']}) is")
    elif why:
        return why
    kw = {k: v for k, v in source.items() if k not in DROPPED}
    transformers.logging.set_verbosity_error()  # its warnings about generation defaults are not ours to print
    try:
        conf = AutoConfig.for_model(source["model_type"], **kw)
        text = conf.get_text_config(decoder=True)
        with torch.device("meta"):
            root, decoder, head = _build(conf, text)
    except Exception as exc:  # transformers' own validation: its message says what it could not build
        return f"transformers could not build it ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})"
    known = _known_keys(conf) | _known_keys(text)
    raw = cfg["text_config"] if isinstance(cfg.get("text_config"), dict) else cfg
    ignored = [k for k in raw if k not in known and ("expert" in k or "moe" in k) and raw[k]]
    if ignored and not expert_containers(decoder):
        return (f"transformers' {type(root).__name__} builds no experts for the config's {', '.join(ignored[:3])}: "
                "the model type names a different model there")
    params = {id(p): p for m in (decoder, head) if m is not None for p in m.parameters()}
    total = sum(p.numel() for p in params.values())
    tables = {id(m.weight): m.weight.numel() for m in decoder.modules() if isinstance(m, torch.nn.Embedding)}
    head_w = getattr(head, "weight", None)
    tied = head_w is not None and id(head_w) in tables
    try:
        inactive, experts = _inactive_experts(decoder, text)
    except ValueError as exc:
        return f"transformers built it, but {exc}"
    looked_up = sum(tables.values()) - (head_w.numel() if tied and head_w is not None else 0)
    active = total - looked_up - inactive
    embedding = sum(tables.values()) + (0 if tied or head_w is None else head_w.numel())
    layers = int(attr(text, "num_hidden_layers") or 0)
    findings = module_findings(decoder, text, cfg, experts, layers)
    notes.append(f"built {type(root).__name__} on the meta device with transformers {transformers.__version__}")
    if root is not decoder:
        notes.append(f"counted the language model ({type(decoder).__name__} and its output head); other towers excluded")
    return ModuleReading(
        model_type=source["model_type"], model_class=type(root).__name__, library=f"transformers {transformers.__version__}",
        total=total, active=active, embedding=embedding, tied=tied, layers=layers, findings=findings,
        known_keys=known, notes=notes,
    )


def _build(conf, text):
    """``(built model, language model, output head)`` for a config on the current (meta) device."""
    from transformers import AutoModelForCausalLM, AutoModelForImageTextToText
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    if text.model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        model = AutoModelForCausalLM.from_config(text)
        return model, model, model.get_output_embeddings()
    model = AutoModelForImageTextToText.from_config(conf)
    decoder = model.get_decoder() if hasattr(model, "get_decoder") else model
    return model, decoder, model.get_output_embeddings()


def expert_containers(decoder) -> list[tuple[str, Any, int]]:
    """``(path, module, experts)`` of each routed-expert container, outermost only (shared experts excluded)."""
    import torch

    out: list[tuple[str, Any, int]] = []
    for name, mod in decoder.named_modules():
        last = name.rsplit(".", 1)[-1]
        cls = type(mod).__name__
        if "shared" in last.lower() or "shared" in cls.lower():
            continue
        if not (last == "experts" or cls.endswith("Experts")):
            continue
        if any(name.startswith(p + ".") for p, _, _ in out):
            continue
        n = len(mod) if isinstance(mod, torch.nn.ModuleList) else next(
            (getattr(mod, a) for a in EXPERT_COUNT_ATTRS if isinstance(getattr(mod, a, None), int)), None)
        if n is None:
            first = next(iter(mod.parameters()), None)
            n = int(first.shape[0]) if first is not None and first.dim() == 3 else None
        if n and n > 1:
            out.append((name, mod, n))
    return out


def experts_per_token(decoder, path: str, text) -> int | None:
    """Experts per token for the container at ``path``: its MoE block's router, else the normalised config."""
    parent = decoder.get_submodule(path.rsplit(".", 1)[0]) if "." in path else decoder
    for mod in (parent, *parent.children()):
        for a in PER_TOKEN_ATTRS:
            v = getattr(mod, a, None)
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                return v
    for a in PER_TOKEN_ATTRS:
        v = attr(text, a)
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            return v
    return None


def _inactive_experts(decoder, text) -> tuple[int, list[tuple[str, int, int]]]:
    """Weights of routed experts a token does not use, and ``(path, experts, per token)`` per container."""
    inactive, found = 0, []
    for path, mod, n in expert_containers(decoder):
        k = experts_per_token(decoder, path, text)
        if k is None or k > n:
            raise ValueError(f"no valid experts-per-token value for {path} ({n} experts)")
        weights = sum(p.numel() for p in mod.parameters())
        inactive += weights - weights * k // n
        found.append((path, n, k))
    return inactive, found


def _known_keys(conf) -> frozenset[str]:
    """Keys the config class defines: its defaults, its attribute map and its constructor's arguments."""
    import contextlib
    import inspect

    cls = type(conf)
    keys = set(getattr(cls, "attribute_map", {}) or {})
    with contextlib.suppress(Exception):  # a class without usable defaults still names its arguments
        keys |= set(cls().to_dict())
    with contextlib.suppress(TypeError, ValueError):
        keys |= {p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "kwargs")}
    return frozenset(keys)
