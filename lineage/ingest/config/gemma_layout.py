"""Parameter layout of Gemma 4's text decoder: sliding-window and global attention layers interleaved.

The function mirrors the module shapes of the transformers implementation named in its docstring;
``tests/ingest/test_params.py`` checks the totals against transformers' own modules built on the
meta device from the corpus configs.
"""

from __future__ import annotations

from lineage.ingest.config.counting import Config, ParameterCount, Tally, finish, gqa, swiglu


def gemma4_dense(c: Config) -> ParameterCount:
    """Gemma 4 text decoder with a dense MLP (modeling_gemma4.py Gemma4TextDecoderLayer).

    Sliding layers: q/k/v/o at ``head_dim`` with ``num_key_value_heads``; global (full) layers:
    ``global_head_dim`` with ``num_global_key_value_heads``, and no v_proj when ``attention_k_eq_v``
    (values reuse the keys).  Per-head q_norm/k_norm; four RMSNorms per layer around attention
    and MLP; a gated (GeGLU) MLP.  MoE blocks, per-layer input embeddings and KV-shared layers
    are not modelled: such configs are refused, not estimated.
    """
    for key, why in (("enable_moe_block", "MoE blocks"), ("hidden_size_per_layer_input", "per-layer input embeddings"),
                     ("num_kv_shared_layers", "KV-shared layers")):
        if c.raw.get(key):
            raise c.fail(f"{why} ({key}) are not modelled")
    t = Tally()
    h, layers, heads = c.num("hidden_size"), c.num("num_hidden_layers"), c.num("num_attention_heads")
    types = c.strs("layer_types")
    if types is None or len(types) < layers or any(x not in ("sliding_attention", "full_attention") for x in types[:layers]):
        raise c.fail('key "layer_types" must name sliding_attention or full_attention for every layer')
    hd, kv = c.num("head_dim"), c.num("num_key_value_heads")
    ghd, gkv = c.num("global_head_dim", hd), c.num("num_global_key_value_heads", kv)
    sliding = gqa(h, heads, kv, hd, qk_norm=hd)
    full = gqa(h, heads, gkv, ghd, qk_norm=ghd) - (h * gkv * ghd if c.flag("attention_k_eq_v") else 0)
    mlp = swiglu(h, c.num("intermediate_size")) + 4 * h
    for kind in types[:layers]:
        t.add((full if kind == "full_attention" else sliding) + mlp)
    return finish(c, t, "gemma4", tied_default=True)

