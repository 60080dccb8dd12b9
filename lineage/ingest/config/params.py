"""Total and active parameter counts computed from a model config.

A config gives every weight shape, so counting is arithmetic: one pure
function per *layout* (a family of modeling code) adds up the weight matrices
its modeling file creates.  Each term cites the module it comes from.

Conventions, the same for every layout:

* ``total`` is every weight of the main model: embedding, layers, final norm
  and output head.  Multi-token-prediction (MTP) modules are left out and
  reported as ``mtp``.  Buffers that are not learned (rotary tables, DeepSeek-V4's
  hash-routing ``tid2eid`` table) are not parameters.
* ``active`` is every weight one token is multiplied by: attention, dense
  MLPs, routers, shared experts, the top-k routed experts, norms and the
  output head.  The input embedding table is *not* counted: a token reads one
  row of it.  This matches what DeepSeek (V2-Lite 2.4B, V4-Flash 13B), OpenAI
  (gpt-oss-120b 5.1B) and Zhipu (GLM-5 40B) publish; Qwen's figures also count
  the input embedding (add ``vocab_size * hidden_size`` to compare with them).
  For DeepSeek-V3 (37B) and V2 (21B) both conventions round to the published figure.
* ``embedding`` is the input embedding plus the output head (once if tied).

Anything this module cannot count without guessing raises
:class:`~lineage.errors.UnsupportedLayout` with a one-line reason.
"""

from __future__ import annotations

from collections.abc import Callable

from lineage.configfile.keys import INFERENCE_KEYS
from lineage.errors import UnsupportedLayout
from lineage.ingest.config.counting import (
    Config,
    ParameterCount,
    Tally,
    dsa_indexer,
    finish,
    gqa,
    mla,
    swiglu,
)
from lineage.ingest.config.gemma_layout import gemma4_dense


def _deepseek_v3(c: Config, *, layout: str = "deepseek-v3", inference: bool = False) -> ParameterCount:
    """MLA + DeepSeekMoE: DeepSeek-V2/V3/R1/V3.1/V3.2, Kimi K2.x, GLM-4.7-Flash, GLM-5.

    Shapes from transformers modeling_deepseek_v3.py (and DeepSeek's inference/model.py):
    the first ``first_k_dense_replace`` layers have a dense SwiGLU MLP of
    ``intermediate_size``; the rest a DeepSeekMoE block of ``n_routed_experts`` experts
    plus ``n_shared_experts`` shared ones (one MLP of n_shared * moe_intermediate_size),
    a router weight (experts x hidden) and, for sigmoid / noaux_tc routing, an
    ``e_score_correction_bias`` per expert.
    """
    t = Tally()
    h, layers = c.num("hidden_size"), c.num("num_hidden_layers")
    experts, shared = c.num("n_routed_experts"), c.num("n_shared_experts", 0, minimum=0)
    top_k, moe_inter = c.num("num_experts_per_tok"), c.num("moe_intermediate_size")
    dense_layers, freq = c.num("first_k_dense_replace", 0, minimum=0), c.num("moe_layer_freq", 1)
    if top_k > experts:
        raise c.fail(f"num_experts_per_tok {top_k} exceeds n_routed_experts {experts}")
    routing_bias = c.text("topk_method") == "noaux_tc" or c.text("scoring_func") == "sigmoid"

    attn = mla(c) + dsa_indexer(c)
    norms = 2 * h  # input_layernorm + post_attention_layernorm
    expert = swiglu(h, moe_inter)
    router = experts * h + (experts if routing_bias else 0)
    moe_total = experts * expert + swiglu(h, shared * moe_inter) + router
    moe_active = top_k * expert + swiglu(h, shared * moe_inter) + router
    dense_mlp: int | None = None
    for i in range(layers):
        if i >= dense_layers and i % freq == 0:
            t.add(attn + norms + moe_total, attn + norms + moe_active)
        else:
            dense_mlp = dense_mlp if dense_mlp is not None else swiglu(h, c.num("intermediate_size"))
            t.add(attn + norms + dense_mlp)
    if dsa_indexer(c):
        t.notes.append("includes the DSA lightning indexer (wq_b, wk, k_norm, weights_proj) in every layer")
    if routing_bias:
        t.notes.append("router carries an e_score_correction_bias per expert (sigmoid / noaux_tc routing)")

    # MTP (DeepSeek-V3 README_WEIGHTS.md): one more MoE decoder layer + enorm, hnorm,
    # eh_proj (2*hidden x hidden) and shared_head.norm, stored with its own copies of
    # embed_tokens and shared_head.head (that is how the 671B + 14B = 685B checkpoint adds up).
    if inference:
        t.notes.append("inference-format config: MTP modules are not described, mtp reported as 0")
    else:
        n_mtp = c.num("num_nextn_predict_layers", 0, minimum=0)
        vocab = c.num("vocab_size")
        t.mtp = n_mtp * (attn + norms + moe_total + 2 * h * h + 3 * h + 2 * vocab * h)
        if n_mtp:
            t.notes.append(
                f"{n_mtp} MTP module(s) counted apart: MoE layer, eh_proj, norms and their own copies of "
                "embedding and head, as DeepSeek-V3's checkpoint stores them (README_WEIGHTS.md)"
            )
    return finish(c, t, layout)


def _glm4_moe(c: Config) -> ParameterCount:
    """GLM-4.5 / 4.6 / 4.7 (transformers modeling_glm4_moe.py): GQA + DeepSeekMoE.

    Glm4MoeAttention has q/k/v biases (``attention_bias``), no o_proj bias, and q_norm /
    k_norm of head_dim when ``use_qk_norm``; partial rotary changes no weight shape.
    The MoE block and the MTP layer are DeepSeek-V3's (gate + e_score_correction_bias).
    """
    t = Tally()
    h, layers, hd = c.num("hidden_size"), c.num("num_hidden_layers"), c.head_dim()
    heads, kv = c.num("num_attention_heads"), c.num("num_key_value_heads")
    experts, shared = c.num("n_routed_experts"), c.num("n_shared_experts", 0, minimum=0)
    top_k, moe_inter = c.num("num_experts_per_tok"), c.num("moe_intermediate_size")
    dense_layers = c.num("first_k_dense_replace", 0, minimum=0)
    attn = gqa(h, heads, kv, hd, qkv_bias=c.flag("attention_bias"), qk_norm=hd if c.flag("use_qk_norm") else 0)
    norms = 2 * h
    expert, shared_mlp, router = swiglu(h, moe_inter), swiglu(h, shared * moe_inter), experts * h + experts
    moe_total = experts * expert + shared_mlp + router
    for i in range(layers):
        if i >= dense_layers:
            t.add(attn + norms + moe_total, attn + norms + top_k * expert + shared_mlp + router)
        else:
            t.add(attn + norms + swiglu(h, c.num("intermediate_size")))
    n_mtp, vocab = c.num("num_nextn_predict_layers", 0, minimum=0), c.num("vocab_size")
    t.mtp = n_mtp * (attn + norms + moe_total + 2 * h * h + 3 * h + 2 * vocab * h)
    if n_mtp:
        t.notes.append(f"{n_mtp} MTP layer(s) counted apart as DeepSeek-V3's, with their own embedding and head copies")
    return finish(c, t, "glm-moe")


def _qwen3_moe(c: Config) -> ParameterCount:
    """Qwen3-MoE (transformers modeling_qwen3_moe.py).

    Qwen3MoeAttention: q/k/v/o with ``attention_bias`` and per-head q_norm / k_norm.
    A layer is sparse unless listed in ``mlp_only_layers`` or skipped by
    ``decoder_sparse_step``; sparse blocks have a router (experts x hidden, no bias)
    and ``num_experts`` experts of ``moe_intermediate_size``, no shared expert.
    """
    t = Tally()
    h, layers, hd = c.num("hidden_size"), c.num("num_hidden_layers"), c.head_dim()
    bias = c.flag("attention_bias")
    attn = gqa(h, c.num("num_attention_heads"), c.num("num_key_value_heads"), hd,
                qkv_bias=bias, o_bias=bias, qk_norm=hd)
    experts, top_k, moe_inter = c.num("num_experts"), c.num("num_experts_per_tok"), c.num("moe_intermediate_size")
    step, mlp_only = c.num("decoder_sparse_step", 1), set(c.ints("mlp_only_layers", []))
    expert = swiglu(h, moe_inter)
    for i in range(layers):
        if experts and i not in mlp_only and (i + 1) % step == 0:
            t.add(attn + 2 * h + experts * (expert + h), attn + 2 * h + top_k * expert + experts * h)
        else:
            t.add(attn + 2 * h + swiglu(h, c.num("intermediate_size")))
    return finish(c, t, "qwen3-moe")


def _dense(c: Config) -> ParameterCount:
    """Llama-style dense decoder: Llama, Mistral, Qwen2, Qwen3, MiMo.

    Llama/Mistral: ``attention_bias`` on q/k/v/o, ``mlp_bias`` on the MLP.  Qwen2 (and
    MiMo, which is Qwen2 plus MTP; XiaomiMiMo modeling_mimo.py) always has q/k/v
    biases and no o bias.  Qwen3 adds per-head q_norm / k_norm.
    """
    t = Tally()
    mt = c.model_type
    h, layers, hd = c.num("hidden_size"), c.num("num_hidden_layers"), c.head_dim()
    heads, kv = c.num("num_attention_heads"), c.num("num_key_value_heads", c.num("num_attention_heads"))
    inter = c.num("intermediate_size")
    if mt in ("qwen2", "mimo"):
        attn = gqa(h, heads, kv, hd, qkv_bias=True)
    else:
        bias = c.flag("attention_bias")
        attn = gqa(h, heads, kv, hd, qkv_bias=bias, o_bias=bias, qk_norm=hd if mt == "qwen3" else 0)
    mlp = swiglu(h, inter) + ((2 * inter + h) if c.flag("mlp_bias") else 0)
    layer = attn + mlp + 2 * h
    t.add(layers * layer)
    # MiMo MTP layer (modeling_mimo.py MiMoMTPLayers): a decoder layer plus token_layernorm,
    # hidden_layernorm, input_proj (2*hidden x hidden) and final_layernorm; embedding and
    # lm_head are the main model's.
    n_mtp = c.num("num_nextn_predict_layers", 0, minimum=0)
    t.mtp = n_mtp * (layer + 2 * h * h + 3 * h)
    if n_mtp:
        t.notes.append(f"{n_mtp} MTP layer(s) counted apart; they share the main model's embedding and head")
    return finish(c, t, "llama-dense", tied_default=False)


def _minimax_m2(c: Config) -> ParameterCount:
    """MiniMax-M2 / M2.5 (transformers modeling_minimax_m2.py).

    GQA without biases, q_norm / k_norm over all heads (``qk_norm_type`` per_layer) or per
    head; ``num_local_experts`` experts whose size is ``intermediate_size``; router
    weight (experts x hidden) plus ``e_score_correction_bias``; no shared expert.
    """
    t = Tally()
    h, layers, hd = c.num("hidden_size"), c.num("num_hidden_layers"), c.head_dim()
    heads, kv = c.num("num_attention_heads"), c.num("num_key_value_heads")
    experts, top_k, inter = c.num("num_local_experts"), c.num("num_experts_per_tok"), c.num("intermediate_size")
    if c.num("shared_intermediate_size", 0, minimum=0):
        raise c.fail("shared experts (shared_intermediate_size > 0) are not modelled")
    attn = gqa(h, heads, kv, hd)
    if c.flag("use_qk_norm"):
        # per_layer: q_norm over heads*head_dim, k_norm over kv_heads*head_dim
        attn += (heads + kv) * hd if c.text("qk_norm_type", "per_layer") == "per_layer" else 2 * hd
    expert, router = swiglu(h, inter), experts * h + experts
    layer_total = attn + 2 * h + experts * expert + router
    t.add(layers * layer_total, layers * (attn + 2 * h + top_k * expert + router))
    if c.flag("use_mtp"):
        modules, per = c.num("num_mtp_modules", 1), c.num("mtp_transformer_layers", 1)
        t.mtp = modules * (per * layer_total + 2 * h * h + 3 * h)
        t.mtp_estimated = True
        t.notes.append(
            f"{modules} MTP module(s) estimated as DeepSeek-V3-style modules of {per} main-model layer(s) "
            "each (eh_proj + norms, shared embedding and head); their layout is not in the config"
        )
    return finish(c, t, "minimax-m2")


def _gpt_oss(c: Config) -> ParameterCount:
    """gpt-oss (transformers modeling_gpt_oss.py).

    GptOssAttention: q/k/v/o with biases (``attention_bias``) and one learned sink per
    head.  GptOssMLP: router Linear(hidden, experts) with bias; experts hold
    gate_up_proj (hidden x 2*inter) + bias and down_proj (inter x hidden) + bias.
    """
    t = Tally()
    h, layers, hd = c.num("hidden_size"), c.num("num_hidden_layers"), c.head_dim()
    heads, kv = c.num("num_attention_heads"), c.num("num_key_value_heads")
    experts, inter = c.num("num_local_experts"), c.num("intermediate_size")
    top_k = c.num("num_experts_per_tok") if c.has("num_experts_per_tok") else c.num("experts_per_token")
    bias = c.flag("attention_bias", True)
    attn = gqa(h, heads, kv, hd, qkv_bias=bias, o_bias=bias) + heads  # + sinks
    expert = h * 2 * inter + 2 * inter + inter * h + h
    router = experts * h + experts
    t.add(layers * (attn + 2 * h + router + experts * expert), layers * (attn + 2 * h + router + top_k * expert))
    return finish(c, t, "gpt-oss")


def _qwen3_hybrid(c: Config) -> ParameterCount:
    """Qwen3-Next / Qwen3.5 (MoE or dense): Gated DeltaNet + gated full attention, MoE with shared expert.

    Gated DeltaNet (modeling_qwen3_next.py Qwen3NextGatedDeltaNet; Qwen3.5 splits the same
    in_proj into qkv/z/b/a): in_proj_qkvz (hidden x 2*key_dim + 2*value_dim), in_proj_ba
    (hidden x 2*v_heads), depthwise conv1d ((2*key_dim + value_dim) x kernel), dt_bias and
    A_log (v_heads each), gated RMSNorm (value head dim), out_proj (value_dim x hidden).
    Full attention (Qwen3NextAttention): q_proj doubled by ``attn_output_gate``, q/k norms.
    Sparse block: router, experts, shared_expert and shared_expert_gate (hidden x 1).
    """
    t = Tally()
    h, layers, hd = c.num("hidden_size"), c.num("num_hidden_layers"), c.head_dim()
    types = c.strs("layer_types")
    if types is None:
        interval = c.num("full_attention_interval")
        types = ["full_attention" if (i + 1) % interval == 0 else "linear_attention" for i in range(layers)]
    if len(types) < layers or any(x not in ("full_attention", "linear_attention") for x in types[:layers]):
        raise c.fail('key "layer_types" must name full_attention or linear_attention for every layer')
    bias = c.flag("attention_bias")
    full = gqa(h, c.num("num_attention_heads"), c.num("num_key_value_heads"), hd,
                qkv_bias=bias, o_bias=bias, qk_norm=hd, q_gate=c.flag("attn_output_gate", True))
    k_heads, v_heads = c.num("linear_num_key_heads"), c.num("linear_num_value_heads")
    k_dim, v_dim = k_heads * c.num("linear_key_head_dim"), v_heads * c.num("linear_value_head_dim")
    linear = (
        h * (2 * k_dim + 2 * v_dim) + h * 2 * v_heads + (2 * k_dim + v_dim) * c.num("linear_conv_kernel_dim")
        + 2 * v_heads + c.num("linear_value_head_dim") + v_dim * h
    )
    experts = c.num("num_experts", 0, minimum=0)  # none: Qwen3.5's dense text model, an MLP on every layer
    top_k, moe_inter = (c.num("num_experts_per_tok"), c.num("moe_intermediate_size")) if experts else (0, 0)
    shared_inter = c.num("shared_expert_intermediate_size", 0, minimum=0)
    shared = swiglu(h, shared_inter) + h if shared_inter else 0
    router, expert = experts * h, swiglu(h, moe_inter)
    if not experts:  # the dense MLP stands where the sparse block would (and in the MTP layer)
        shared, router = swiglu(h, c.num("intermediate_size")), 0
    mlp_only, step = set(c.ints("mlp_only_layers", [])), c.num("decoder_sparse_step", 1)
    for i in range(layers):
        attn = full if types[i] == "full_attention" else linear
        if experts and i not in mlp_only and (i + 1) % step == 0:
            t.add(attn + 2 * h + router + shared + experts * expert, attn + 2 * h + router + shared + top_k * expert)
        else:
            t.add(attn + 2 * h + swiglu(h, c.num("intermediate_size")))
    # MTP (vLLM qwen3_next_mtp.py): fc (2*hidden x hidden), pre_fc_norm_embedding,
    # pre_fc_norm_hidden, full-attention MoE decoder layer(s) and a final norm.
    n_mtp = c.num("mtp_num_hidden_layers", c.num("num_nextn_predict_layers", 0, minimum=0), minimum=0)
    if n_mtp:
        own_embed = c.num("vocab_size") * h if c.flag("mtp_use_dedicated_embeddings") else 0
        t.mtp = n_mtp * (full + 2 * h + router + shared + experts * expert) + 2 * h * h + 3 * h + own_embed
        t.notes.append(f"{n_mtp} MTP layer(s) counted apart (full-attention MoE layer, fc and norms)")
    return finish(c, t, "qwen3.5-hybrid")


def _deepseek_v4(c: Config) -> ParameterCount:
    """DeepSeek-V4 (deepseek-ai/DeepSeek-V4-Flash inference/model.py).

    Attention: attn_sink (heads), wq_a + q_norm + wq_b (q_lora_rank x heads*head_dim), a
    single KV head wkv (hidden x head_dim) + kv_norm, grouped low-rank output wo_a
    (heads*head_dim x o_lora_rank in total) and wo_b (o_groups*o_lora_rank x hidden).
    Layers with compress ratio r > 0 add a Compressor (ape, wkv, wgate of width
    head_dim, doubled when r == 4 for overlapping windows, plus a norm); r == 4 layers add an
    Indexer (wq_b, weights_proj and its own Compressor of index_head_dim).
    MoE: gate weight (experts x hidden), bias except in hash-routed layers, experts and one
    shared expert of moe_intermediate_size.  Hyper-connections: per layer, hc_attn/hc_ffn
    fn ((2+m)*m x m*hidden), base ((2+m)*m) and scale (3); hc_head at the output.
    """
    t = Tally()
    h, layers, heads, hd = c.num("hidden_size"), c.num("num_hidden_layers"), c.num("num_attention_heads"), c.num("head_dim")
    q_lora, o_lora, o_groups = c.num("q_lora_rank"), c.num("o_lora_rank"), c.num("o_groups")
    if c.num("num_key_value_heads", 1) != 1:
        raise c.fail("only one KV head is modelled for deepseek_v4")
    experts, shared = c.num("n_routed_experts"), c.num("n_shared_experts", 1, minimum=0)
    top_k, moe_inter = c.num("num_experts_per_tok"), c.num("moe_intermediate_size")
    hash_layers, m = c.num("num_hash_layers", 0, minimum=0), c.num("hc_mult")
    idx_heads, idx_dim = c.num("index_n_heads"), c.num("index_head_dim")
    ratios = c.ints("compress_ratios")
    n_mtp = c.num("num_nextn_predict_layers", max(len(ratios) - layers, 0), minimum=0)
    if len(ratios) < layers + n_mtp:
        raise c.fail(f'key "compress_ratios" has {len(ratios)} entries for {layers + n_mtp} layers')

    def compressor(ratio: int, width: int) -> int:
        coff = 2 if ratio == 4 else 1
        return ratio * coff * width + 2 * h * coff * width + width

    def attention(ratio: int) -> int:
        base = heads + h * q_lora + q_lora + q_lora * heads * hd + h * hd + hd
        base += heads * hd * o_lora + o_groups * o_lora * h
        if ratio:
            base += compressor(ratio, hd)
        if ratio == 4:
            base += q_lora * idx_heads * idx_dim + h * idx_heads + compressor(4, idx_dim)
        return base

    mix = (2 + m) * m
    hc = 2 * (mix * m * h + mix + 3)
    expert, shared_mlp = swiglu(h, moe_inter), swiglu(h, shared * moe_inter)

    def block(i: int) -> tuple[int, int]:
        gate = experts * h + (0 if i < hash_layers else experts)
        fixed = attention(ratios[i]) + 2 * h + hc + gate + shared_mlp
        return fixed + experts * expert, fixed + top_k * expert

    for i in range(layers):
        t.add(*block(i))
    t.add(m * m * h + m + 1)  # hc_head_fn, hc_head_base, hc_head_scale
    if hash_layers:
        t.notes.append(f"the first {hash_layers} layers route by token hash; their tid2eid table is a buffer, not counted")
    # MTPBlock: a Block plus e_proj, h_proj (hidden x hidden each), enorm, hnorm, norm and its
    # own hc_head; embed and head are the main model's.
    t.mtp = sum(block(layers + j)[0] + 2 * h * h + 3 * h + m * m * h + m + 1 for j in range(n_mtp))
    if n_mtp:
        t.notes.append(f"{n_mtp} MTP block(s) counted apart; they share the main model's embedding and head")
    return finish(c, t, "deepseek-v4")


_LAYOUTS: dict[str, Callable[[Config], ParameterCount]] = {
    "deepseek_v2": _deepseek_v3,
    "deepseek_v3": _deepseek_v3,
    "deepseek_v32": _deepseek_v3,
    "kimi_k2": _deepseek_v3,
    "glm4_moe_lite": lambda c: _deepseek_v3(c, layout="glm-moe"),
    "glm_moe_dsa": lambda c: _deepseek_v3(c, layout="glm-moe"),
    "glm4_moe": _glm4_moe,
    "qwen3_moe": _qwen3_moe,
    "llama": _dense,
    "mistral": _dense,
    "qwen2": _dense,
    "qwen3": _dense,
    "mimo": _dense,
    "minimax_m2": _minimax_m2,
    "gpt_oss": _gpt_oss,
    "qwen3_next": _qwen3_hybrid,
    "qwen3_5_moe": _qwen3_hybrid,
    "qwen3_5_moe_text": _qwen3_hybrid,
    "qwen3_5": _qwen3_hybrid,
    "qwen3_5_text": _qwen3_hybrid,
    "gemma4": gemma4_dense,
    "gemma4_text": gemma4_dense,
    "deepseek_v4": _deepseek_v4,
}


_REFUSED = {
    # model_type -> why it is refused rather than estimated
    "kimi_linear": "KDA layers with latent MoE are not modelled",
    "kimi_k3": "KDA layers with latent MoE are not modelled",
}


def count_parameters(config: dict) -> ParameterCount:
    """Count total, active and MTP parameters from a model config.

    Parameters
    ----------
    config
        A Hugging Face ``config.json`` dict (a multimodal wrapper's ``text_config`` is
        counted, its vision tower is not) or a DeepSeek inference-format config
        (recognised by ``dim`` and ``n_layers``).

    Returns
    -------
    ParameterCount
        Counts under the conventions in this module's docstring, with the
        assumptions made listed in ``notes``.

    Raises
    ------
    UnsupportedLayout
        The layout is unknown, a needed key is missing, or a value has the wrong type.
    """
    if not isinstance(config, dict):
        raise UnsupportedLayout(f"a config must be a JSON object, got {type(config).__name__}")
    notes: list[str] = []
    if "dim" in config and "n_layers" in config:
        raw = {INFERENCE_KEYS.get(k, k): v for k, v in config.items()}
        v4 = "hc_mult" in config
        raw.setdefault("model_type", "deepseek_v4" if v4 else "deepseek_v3")
        c = Config(raw, f'{raw["model_type"]} (inference format)')
        notes.append("DeepSeek inference-format config, keys mapped to Hugging Face names")
        result = _deepseek_v4(c) if v4 else _deepseek_v3(c, inference=True)
    else:
        raw = config
        if "text_config" in config:
            if not isinstance(config["text_config"], dict):
                raise UnsupportedLayout('config key "text_config" must be an object')
            raw = {**config["text_config"]}
            raw.setdefault("tie_word_embeddings", config.get("tie_word_embeddings"))
            raw.setdefault("model_type", config.get("model_type"))
            notes.append("multimodal config: counted the text model from text_config; the vision tower is excluded")
        model_type = raw.get("model_type")
        if not isinstance(model_type, str) or not model_type:
            raise UnsupportedLayout(
                f"config has no parameter layout lineage can count (missing key \"model_type\", got {model_type!r:.40})"
            )
        c = Config(raw, model_type)
        if model_type in _REFUSED:
            raise c.fail(_REFUSED[model_type])
        if model_type not in _LAYOUTS:
            raise c.fail("unknown model_type")
        result = _LAYOUTS[model_type](c)
    return result.model_copy(update={"notes": notes + result.notes})
