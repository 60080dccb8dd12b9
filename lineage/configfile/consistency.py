"""Consistency before facts: values of one config that contradict each other are refused.

:mod:`.limits` checks each value on its own (kind, bounds: a size of 0 or -1 is refused there);
this module checks values against each other, the way the modeling code that reads them would
fail or silently build a different model:

- a token routed to more experts than the layer has (``num_experts_per_tok`` > ``num_experts``;
  every MoE implementation takes the top-k of the router's ``num_experts`` scores);
- more expert groups kept than there are (``topk_group`` > ``n_group``, DeepSeek-V3's group-limited
  routing);
- key-value heads that do not divide the query heads (grouped-query attention repeats each KV head
  ``num_attention_heads / num_key_value_heads`` times; ``repeat_kv`` in transformers);
- a hidden size the heads do not divide when the config gives no ``head_dim`` (transformers then
  takes ``hidden_size // num_attention_heads``, and q_proj's output no longer matches o_proj's input
  in the residual width the config states).  Latent attention (MLA) sets its head sizes itself
  and is not checked here.

Each check raises :class:`~lineage.errors.SourceFormatError` with one line naming the file, both
keys and their values, so the store is never written from a config that contradicts itself.
"""

from __future__ import annotations

from typing import Any

from lineage.errors import SourceFormatError

ROUTED = ("n_routed_experts", "num_experts", "num_local_experts")
"""Spellings of the routed-expert count (DeepSeek, Qwen, Mixtral/MiniMax/gpt-oss)."""

PER_TOKEN = ("num_experts_per_tok", "num_experts_per_token", "experts_per_token", "moe_topk", "top_k_experts",
             "n_activated_experts")
"""Spellings of the experts each token is routed to (Hunyuan's ``moe_topk`` may be a per-layer list)."""

HEADS = ("num_attention_heads", "n_head", "n_heads", "num_heads")
KV_HEADS = ("num_key_value_heads", "num_kv_heads", "n_head_kv", "n_kv_heads")
HIDDEN = ("hidden_size", "n_embd", "d_model", "dim")
LATENT = ("kv_lora_rank", "qk_nope_head_dim", "v_head_dim")
"""Keys of latent attention, whose head sizes do not derive from the hidden size."""


def _first(cfg: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    """The first spelling present with a positive integer (or a list of them), as ``(key, value)``."""
    for k in keys:
        v = cfg.get(k)
        if isinstance(v, list) and v and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            return k, max(v)
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            return k, v
    return None


def contradictions(cfg: dict[str, Any], prefix: str = "") -> list[str]:
    """Every pair of values of one config level that contradict each other, one line each.

    Examples
    --------
    >>> contradictions({"num_experts": 128, "num_experts_per_tok": 1000})
    ['num_experts_per_tok = 1000 exceeds num_experts = 128: a token cannot be routed to more experts than a layer has']
    >>> contradictions({"hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 8})
    []
    """
    out = []
    routed, per_tok = _first(cfg, ROUTED), _first(cfg, PER_TOKEN)
    if routed and per_tok and routed[1] > 1 and per_tok[1] > routed[1]:
        out.append(f"{prefix}{per_tok[0]} = {per_tok[1]} exceeds {prefix}{routed[0]} = {routed[1]}: "
                   "a token cannot be routed to more experts than a layer has")
    groups, kept = _first(cfg, ("n_group", "num_expert_group")), _first(cfg, ("topk_group",))
    if groups and kept and kept[1] > groups[1]:
        out.append(f"{prefix}topk_group = {kept[1]} exceeds {prefix}{groups[0]} = {groups[1]}: "
                   "routing cannot keep more expert groups than there are")
    heads, kv = _first(cfg, HEADS), _first(cfg, KV_HEADS)
    if heads and kv and heads[1] % kv[1]:
        out.append(f"{prefix}{kv[0]} = {kv[1]} does not divide {prefix}{heads[0]} = {heads[1]}: "
                   "each key-value head must serve a whole group of query heads")
    hidden = _first(cfg, HIDDEN)
    if heads and hidden and cfg.get("head_dim") is None and not any(cfg.get(k) for k in LATENT) and hidden[1] % heads[1]:
        out.append(f"{prefix}{heads[0]} = {heads[1]} does not divide {prefix}{hidden[0]} = {hidden[1]} and no "
                   f"{prefix}head_dim is given: the head size would not be a whole number")
    return out


def check_consistent(cfg: dict[str, Any], name: str) -> None:
    """Refuse a config (and its ``text_config``) whose values contradict each other, in one line."""
    found = contradictions(cfg)
    inner = cfg.get("text_config")
    if isinstance(inner, dict):
        found += contradictions(inner, "text_config.")
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise SourceFormatError(f'config "{name}" contradicts itself: {found[0]}{more}; nothing was written')
