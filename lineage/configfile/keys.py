"""Which config keys lineage understands, what each may hold, and which are not architecture.

Four tables, all data:

``KINDS``
    Keys the detector or the parameter counter reads, or standard architecture keys whose
    meaning is known and needs no technique (``rms_norm_eps``, ``hidden_act``).  Each maps to
    the kind of value it must hold (:data:`lineage.configfile.limits.BOUNDS`, or bool / str /
    number / dtype / any); values are checked before any claim is written.
``ALIASES``
    Other spellings of the generic keys, as model families spell them (GPT-2/BigCode ``n_layer``,
    ``n_embd``, ``n_head``; ChatGLM ``num_layers``, ``multi_query_group_num``; Falcon
    ``n_head_kv`` / ``num_kv_heads``; DBRX/MPT ``d_model``, ``n_heads``, ``max_seq_len``).
``INFERENCE_KEYS``
    DeepSeek's inference-format spellings (``dim``, ``n_layers`` …) and the Hugging Face key each stands for.
``NOT_ARCHITECTURE``
    Keys (and prefixes/suffixes) that say nothing about the language model's architecture:
    tokenizer ids, generation defaults, transformers bookkeeping, training-only settings and
    multimodal towers.  Quantization details are read by the detector as one key.

Any other key of the (text) config is *unrecognised*: recorded as an ``unrecognisedConfigKey``
fact and listed by ``lineage unknowns``, so a new mechanism is visible the day its config appears.
"""

from __future__ import annotations

from typing import Any

from lineage.configfile.limits import check_value

INFERENCE_KEYS = {
    # DeepSeek inference format (deepseek-ai/DeepSeek-V3 inference/model.py ModelArgs) -> HF spelling
    "dim": "hidden_size",
    "n_layers": "num_hidden_layers",
    "n_heads": "num_attention_heads",
    "inter_dim": "intermediate_size",
    "moe_inter_dim": "moe_intermediate_size",
    "n_dense_layers": "first_k_dense_replace",
    "n_activated_experts": "num_experts_per_tok",
    "n_hash_layers": "num_hash_layers",
    "n_mtp_layers": "num_nextn_predict_layers",
    "score_func": "scoring_func",
    "n_expert_groups": "n_group",
    "n_limited_groups": "topk_group",
    "window_size": "sliding_window",
    "rope_head_dim": "qk_rope_head_dim",
}


def _words(text: str) -> list[str]:
    return text.split()


_WIDTH = _words(
    "hidden_size intermediate_size moe_intermediate_size head_dim qk_rope_head_dim "
    "qk_nope_head_dim v_head_dim qk_head_dim index_head_dim sliding_window linear_key_head_dim "
    "linear_value_head_dim linear_conv_kernel_dim o_lora_rank mamba_head_dim ssm_state_size conv_kernel "
    "kv_channels ffn_hidden_size n_inner inter_dim moe_inter_dim dim n_embd d_model window_size "
    "rope_head_dim global_head_dim attention_chunk_size chunk_size moe_latent_size"
)
_WIDTH0 = _words("kv_lora_rank q_lora_rank shared_expert_intermediate_size shared_intermediate_size moe_shared_expert_intermediate_size rotary_dim")
_HEADS = _words(
    "num_attention_heads num_key_value_heads index_n_heads linear_num_key_heads linear_num_value_heads "
    "mamba_num_heads n_heads n_head n_head_kv num_kv_heads n_kv_heads multi_query_group_num num_heads "
    "o_groups num_global_key_value_heads"
)
_LAYERS = _words("num_hidden_layers n_layers n_layer num_layers full_attention_interval decoder_sparse_step")
_LAYERS0 = _words(
    "num_nextn_predict_layers mtp_num_hidden_layers num_mtp_modules mtp_transformer_layers first_k_dense_replace "
    "n_dense_layers num_hash_layers n_hash_layers n_mtp_layers max_window_layers moe_layer_freq"
)
_EXPERTS = _words(
    "n_routed_experts num_experts num_local_experts num_experts_per_tok num_experts_per_token experts_per_token "
    "moe_topk n_activated_experts n_group n_groups num_expert_group topk_group n_expert_groups n_limited_groups "
    "index_topk hc_mult hc_sinkhorn_iters"
)
_EXPERTS0 = _words("n_shared_experts num_shared_experts num_shared_expert")
_BOOL = _words(
    "tie_word_embeddings attention_bias mlp_bias use_sliding_window attn_output_gate mla_use_output_gate "
    "mla_use_nope use_qk_norm use_mtp use_routing_bias norm_topk_prob mtp_use_dedicated_embeddings "
    "multi_query multi_query_attention new_decoder_architecture rope_interleave use_cache "
    "use_conv_bias use_mamba_kernels mamba_proj_bias rescale_prenorm_residual residual_in_fp32"
)
_STR = _words(
    "model_type topk_method scoring_func score_func qk_norm_type hidden_act hidden_activation hybrid_override_pattern "
    "activation_function activation mlp_hidden_act mamba_hidden_act"
)
_NUMBER = _words(
    "rms_norm_eps layer_norm_eps layer_norm_epsilon norm_eps rope_theta rope_factor beta_fast beta_slow "
    "routed_scaling_factor route_scale partial_rotary_factor hc_eps original_seq_len layernorm_epsilon norm_epsilon "
    # Mamba-2 blocks (transformers Mamba2Config / NemotronHConfig), read as state-space layers by .patterns
    "expand time_step_min time_step_max time_step_floor"
)
_DTYPE = _words("torch_dtype dtype expert_dtype mamba_ssm_dtype mamba_ssm_cache_dtype moe_router_dtype")
_ANY = _words(
    "architectures rope_scaling rope_parameters quantization_config linear_attn_config layer_types "
    "attn_type_list compress_ratios mlp_only_layers text_config layers_block_type scale_fmt time_step_limit"
)

KINDS: dict[str, str] = {
    **dict.fromkeys(_WIDTH, "width"),
    **dict.fromkeys(_WIDTH0, "width0"),
    **dict.fromkeys(_HEADS, "heads"),
    **dict.fromkeys(_LAYERS, "layers"),
    **dict.fromkeys(_LAYERS0, "layers0"),
    **dict.fromkeys(_EXPERTS, "experts"),
    **dict.fromkeys(_EXPERTS0, "experts0"),
    **dict.fromkeys(_BOOL, "bool"),
    **dict.fromkeys(_STR, "str"),
    **dict.fromkeys(_NUMBER, "number"),
    **dict.fromkeys(_DTYPE, "dtype"),
    **dict.fromkeys(_ANY, "any"),
    "vocab_size": "vocab",
    "padded_vocab_size": "vocab",
    "max_sequence_length": "context",
    "original_max_position_embeddings": "context",
    "initial_context_length": "context",
    "max_position_embeddings": "context",
    "max_seq_len": "context",
    "n_positions": "context",
    "seq_length": "context",
}
"""Recognised keys and the kind of value each must hold."""

ALIASES: dict[str, tuple[str, ...]] = {
    # generic key -> other spellings, tried in order when the generic one is absent
    "num_hidden_layers": ("n_layer", "num_layers", "n_layers"),
    "hidden_size": ("n_embd", "d_model", "dim"),
    "num_attention_heads": ("n_head", "n_heads", "num_heads"),
    "num_key_value_heads": ("num_kv_heads", "n_head_kv", "n_kv_heads", "multi_query_group_num"),
    "max_position_embeddings": ("max_seq_len", "n_positions", "seq_length"),
}
"""Other spellings of the generic keys (see the module docstring for who uses which)."""

NOT_ARCHITECTURE = frozenset(_words(
    # transformers bookkeeping and remote-code plumbing
    "_name_or_path _from_model_config _attn_implementation transformers_version auto_map architecture "
    "is_decoder is_encoder_decoder add_cross_attention cross_attention_hidden_size tie_encoder_decoder "
    "return_dict output_attentions output_hidden_states torchscript use_bfloat16 pruned_heads id2label "
    "label2id problem_type finetuning_task prefix task_specific_params tf_legacy_loss chunk_size_feed_forward "
    "num_logits_to_keep output_router_logits bf16 fp16 fp32 params_dtype onnx_safe use_flash_attn "
    "use_fast_ln inference_runner max_batch_size validate_runner_input pre_allocate_kv_cache pad_key_length "
    "template_version cache_implementation tokenizer_class tokenizer_type tokenizer_model_max_length "
    "tokenizer_padding_side model_max_length ep_size using_precision_check gradient_checkpointing "
    "summary_activation summary_first_dropout summary_proj_to_labels summary_type summary_use_proj "
    "class_num num_reward_heads pool_type "
    # generation defaults
    "do_sample temperature top_k top_p typical_p num_beams num_beam_groups num_return_sequences max_length "
    "min_length length_penalty repetition_penalty no_repeat_ngram_size encoder_no_repeat_ngram_size "
    "bad_words_ids diversity_penalty early_stopping exponential_decay_length_penalty forced_bos_token_id "
    "forced_eos_token_id remove_invalid_values return_dict_in_generate output_scores suppress_tokens "
    "begin_suppress_tokens decoder_start_token_id eos_token pad_token ignore_index "
    # training-only settings
    "initializer_range attention_dropout hidden_dropout attn_pdrop embd_pdrop emb_pdrop resid_pdrop "
    "residual_dropout output_dropout embedding_dropout attn_dropout_prob emb_dropout_prob router_jitter_noise "
    "router_aux_loss_coef aux_loss_alpha seq_aux moe_aux_loss_lambda use_recompute use_recompute_attn "
    "use_recompute_loss_fn use_recompute_moe pretraining_tp "
    # kernel fusion and parallelism switches of training frameworks
    "fuse_rms_norm fuse_attn_ffn fuse_linear fuse_rope fuse_swiglu fuse_gate_detach_matmul fused_dense "
    "bias_dropout_fusion use_ep_comm_overlap moe_shared_expert_overlap "
    # multimodal wrappers' tower and preprocessing settings
    "use_unified_vision_chunk add_faster_video add_time_instruction faster_token_stride force_sample "
    "freeze_mm_mlp_adapter tune_mm_mlp_adapter unfreeze_vision_tower use_s2 max_num_patches min_num_patches "
    "patch_size process_image_mode img_token_compression_config multimodal_projector_bias num_media_embeds "
    "slice_mode query_num language_model_only use_mm_proj"
))
"""Keys that do not describe the language model's architecture."""

NOT_ARCHITECTURE_AFFIXES = (
    # tokenizer ids and multimodal towers, which every wrapper spells its own way
    ("suffix", "_token_id"), ("suffix", "_token_index"), ("suffix", "_token_ids"), ("suffix", "_id"),
    ("prefix", "vision_"), ("prefix", "vit_"), ("prefix", "mm_"), ("prefix", "image_"), ("prefix", "video_"),
    ("prefix", "audio_"), ("prefix", "siglip_"), ("prefix", "projector_"), ("prefix", "anyres_"),
)
"""Affixes of keys that are not language-model architecture (``eos_token_id``, ``vision_config``)."""


def is_architecture(key: str) -> bool:
    """False for bookkeeping, tokenizer, generation, training and multimodal-tower keys."""
    if key in NOT_ARCHITECTURE:
        return False
    return not any(
        key.endswith(affix) if where == "suffix" else key.startswith(affix) for where, affix in NOT_ARCHITECTURE_AFFIXES
    )


def unrecognised(cfg: dict[str, Any]) -> list[str]:
    """Architecture keys of one config level that no table above knows, in file order.

    Examples
    --------
    >>> unrecognised({"hidden_size": 8, "eos_token_id": 2, "attn_res_block_size": 12})
    ['attn_res_block_size']
    """
    return [k for k in cfg if k not in KINDS and is_architecture(k)]


def check_values(cfg: dict[str, Any], name: str, prefix: str = "") -> None:
    """Check every recognised key of one config level against its kind; SourceFormatError otherwise."""
    for key, value in cfg.items():
        kind = KINDS.get(key)
        if kind is not None and kind != "any":
            check_value(kind, value, f'config "{name}"', prefix + key)
