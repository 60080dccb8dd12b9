"""Configs read through transformers' own modules (lineage.ingest.config.meta_device), and the key rules beside them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.configfile.read import read_config
from lineage.domain import Method, Predicate
from lineage.errors import UnsupportedLayout
from lineage.ingest.config.detect import findings_for
from lineage.ingest.config.meta_device import read_modules, unavailable
from lineage.ingest.config.params import count_parameters
from lineage.ingest.config.readers import disagreements, module_reading

needs_transformers = pytest.mark.skipif(unavailable() is not None, reason="transformers and torch not installed")


def _corpus_configs(corpus: Path) -> list[Path]:
    return (sorted((corpus / "configs").glob("*.json")) + sorted((corpus / "new" / "configs").glob("*.json"))
            + sorted((corpus / "incoming" / "configs").glob("*.json")) + sorted((corpus / "hf").glob("*/config.json")))


# --------------------------------------------------------------------------- every model type transformers knows


@pytest.mark.slow  # imports ~200 modeling files (about two minutes on two cores)
@needs_transformers
def test_every_causal_model_type_transformers_knows_counts_its_own_modules():
    """The reader's total is the parameters of the model transformers builds, for each model type with a
    causal-LM class (default config, two layers); active never exceeds total."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForImageTextToText
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    read, refused = 0, {}
    for mt in sorted(MODEL_FOR_CAUSAL_LM_MAPPING_NAMES):
        try:
            cfg = AutoConfig.for_model(mt).to_dict()
        except Exception as exc:  # a config class that needs arguments
            refused[mt] = f"no default config: {exc}"
            continue
        layers = next((k for k in ("num_hidden_layers", "n_layer", "num_layers") if isinstance(cfg.get(k), int)), None)
        if layers and cfg[layers] > 2 and not any(isinstance(v, list) and len(v) == cfg[layers] for v in cfg.values()):
            cfg[layers] = 2
        reading = read_modules(cfg)
        if isinstance(reading, str):
            refused[mt] = reading
            continue
        read += 1
        conf = AutoConfig.for_model(mt, **{k: v for k, v in cfg.items() if k != "model_type"})
        text = conf.get_text_config(decoder=True)
        with torch.device("meta"):
            if text.model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
                expected = sum(p.numel() for p in AutoModelForCausalLM.from_config(text).parameters())
            else:  # a wrapper (Mllama's cross-attention text model): its language model and output head
                wrapper = AutoModelForImageTextToText.from_config(conf)
                expected = sum(p.numel() for n, p in wrapper.named_parameters()
                               if n.startswith(("model.language_model.", "language_model.", "lm_head.")))
        assert reading.total == expected, mt
        assert 0 < reading.active <= reading.total, mt
    assert read >= 0.9 * len(MODEL_FOR_CAUSAL_LM_MAPPING_NAMES), refused
    # what is left is transformers' own defaults that do not build (or name no experts per token)
    assert all(r.startswith(("transformers could not build", "transformers built it, but", "no default config"))
               for r in refused.values()), refused


# --------------------------------------------------------------------------- the corpus: both readers


DIFFERENCES = {
    # (model_type, what differs) -> why the two readers differ; the module reading is what is claimed
    ("any", "total"): "transformers registers the router's e_score_correction_bias as a buffer (updated outside "
                      "gradient descent), so its modules hold one vector of experts fewer per MoE layer than the "
                      "checkpoint the key rules count",
    ("glm_moe_dsa", "total"): "GLM-5.2's indexer_types marks 'shared' layers that reuse another layer's indexer: "
                              "transformers builds none there, the key rules count one per layer",
    ("any", "+qk-norm"): "q_norm / k_norm modules that no config key announces (Qwen3, Gemma 3/4, EXAONE 4, LFM2): "
                         "the key rules read only use_qk_norm",
    ("any", "+aux-loss-free-balancing"): "the router carries e_score_correction_bias without topk_method or "
                                         "use_routing_bias in the config (GLM-4.5/4.7, Nemotron-H, Laguna)",
    ("any", "+rope"): "a rotary embedding module where the config names no rope_theta (RoPE is the family default)",
    ("nemotron_h", "-rope"): "Nemotron-H's attention has no rotary embedding: rope_theta is in the config, "
                             "but no module uses it",
    ("any", "+shared-experts"): "a shared_expert module the config spells its own way (Llama 4: every MoE layer)",
    ("dbrx", "+moe"): "DBRX nests its expert keys in ffn_config, which the key rules do not open",
    ("dbrx", "+gqa"): "DBRX nests kv_n_heads in attn_config",
    ("dbrx", "+rope"): "DBRX nests rope_theta in attn_config",
    ("gemma4", "+moe"): "Gemma 4 spells experts per token top_k_experts and switches the block on with enable_moe_block",
    ("qwen3_next", "+gated-deltanet"): "Qwen3-Next-Thinking gives full_attention_interval instead of layer_types",
    ("qwen3_next", "+linear-attention"): "as above",
    ("qwen3_next", "+hybrid-attention"): "as above",
    ("laguna", "+yarn"): "Laguna's YaRN is in a per-layer-kind rope_parameters the key rules do not open",
    ("minimax_m3_vl", "+dsa"): "MiniMax-M3's attention holds an indexer module; no index_topk key announces it",
    ("llama", "+mha"): "an early Llama config without num_key_value_heads: transformers defaults to one KV head per head",
}


def _why(mt: str, what: str) -> str | None:
    return DIFFERENCES.get((mt, what)) or DIFFERENCES.get(("any", what))


def test_both_readers_agree_on_every_corpus_config_or_the_difference_has_a_reason(corpus):
    if unavailable():
        pytest.skip(unavailable())
    both = unexplained = 0
    unexplained_rows = []
    for path in _corpus_configs(corpus):
        cfg, _ = read_config(path)
        reading = module_reading(cfg)
        if isinstance(reading, str):
            continue
        both += 1
        mt = cfg["model_type"]
        diff = disagreements(findings_for(cfg, path.name), reading)
        whats = [f"+{t}" for t in diff["modules only"]] + [f"-{t}" for t in diff["key rules only"]]
        try:
            pc = count_parameters(cfg)
            if pc.total != reading.total:
                whats.append("total")
        except UnsupportedLayout:
            pass  # the key rules do not count this layout: the module reading is the only count
        for what in whats:
            if _why(mt, what) is None:
                unexplained += 1
                unexplained_rows.append(f"{path.name} ({mt}): {what}")
    assert both >= 120
    assert not unexplained_rows, unexplained_rows


def test_the_two_counts_agree_exactly_where_no_buffer_or_shared_indexer_differs(corpus):
    if unavailable():
        pytest.skip(unavailable())
    for name in ("configs/Qwen__Qwen3-30B-A3B.json", "configs/Qwen__Qwen3.5-397B-A17B.json",
                 "incoming/configs/Qwen__Qwen3-Next-80B-A3B-Thinking.json", "new/configs/Qwen__Qwen3-32B.json"):
        cfg, _ = read_config(corpus / name)
        pc, reading = count_parameters(cfg), read_modules(cfg)
        assert (pc.total, pc.active) == (reading.total, reading.active), name


# --------------------------------------------------------------------------- techniques the configs show


def _uses(corpus: Path, name: str, catalog) -> dict[str, Method]:
    from lineage.ingest.config import identify, prepare

    path = corpus / name
    prepared = prepare(path, identify(path, catalog, None))
    return {c.object: c.evidence[0].method for c in prepared.claims if c.predicate is Predicate.USES}


@needs_transformers
@pytest.mark.parametrize(("name", "expected"), [
    ("new/configs/google__gemma-4-26B-A4B.json", {"moe", "gqa", "sliding-window-attention", "qk-norm"}),
    ("configs/MiniMaxAI__MiniMax-M2.5.json", {"moe", "aux-loss-free-balancing", "gqa", "qk-norm", "mtp"}),
    ("incoming/configs/Qwen__Qwen3-Next-80B-A3B-Thinking.json",
     {"moe", "shared-experts", "gated-deltanet", "linear-attention", "hybrid-attention", "gqa", "qk-norm"}),
    ("new/configs/nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.json", {"mamba", "hybrid-attention", "moe", "gqa"}),
    ("incoming/configs/LGAI-EXAONE__EXAONE-4.0-32B.json", {"sliding-window-attention", "gqa", "qk-norm"}),
    ("incoming/configs/Qwen__Qwen3.5-9B.json", {"gated-deltanet", "hybrid-attention", "gated-attention", "mtp"}),
    ("configs/deepseek-ai__DeepSeek-V4-Flash.json",
     {"compressed-sparse-attention", "heavily-compressed-attention", "hyper-connections", "moe", "mqa"}),
])
def test_configs_carry_the_techniques_their_modules_show(corpus, catalog, name, expected):
    uses = _uses(corpus, name, catalog)
    assert expected <= set(uses), sorted(uses)
    assert any(m is Method.META_DEVICE for m in uses.values())


def test_kimi_linear_layers_are_read_by_key_rules_when_transformers_cannot_build_them(corpus, catalog):
    uses = _uses(corpus, "configs/moonshotai__Kimi-K3.json", catalog)
    assert {"kda", "mla", "moe", "hybrid-attention"} <= set(uses)
    assert uses["kda"] is Method.CONFIG


@needs_transformers
def test_module_evidence_names_the_config_keys_and_the_module_path(corpus, catalog):
    from lineage.ingest.config import identify, prepare

    path = corpus / "new" / "configs" / "google__gemma-4-26B-A4B.json"
    prepared = prepare(path, identify(path, catalog, None))
    (moe,) = [c for c in prepared.claims if c.object == "moe"]
    ev = moe.evidence[0]
    assert ev.method is Method.META_DEVICE
    assert ev.locator.startswith("google__gemma-4-26B-A4B.json#/text_config/num_experts,text_config/top_k_experts")
    assert ev.locator.endswith("(module model.layers.0.experts)")
    assert "Gemma4ForCausalLM" in ev.snippet and "128 routed experts, 8 per token" in ev.snippet
    assert prepared.report.parameters.method is Method.META_DEVICE
    assert prepared.report.reader.startswith("transformers' modules (Gemma4ForCausalLM")
    assert "text_config.num_experts" not in prepared.report.unrecognised


# --------------------------------------------------------------------------- consistency before facts


def test_a_config_that_contradicts_itself_is_refused_in_one_line_and_nothing_is_written(corpus, tmp_path):
    cfg = json.loads((corpus / "configs" / "Qwen__Qwen3-30B-A3B.json").read_text())
    cfg["num_experts_per_tok"] = 1000
    bad = tmp_path / "Qwen__Qwen3-30B-A3B.json"
    bad.write_text(json.dumps(cfg))
    store = tmp_path / "store"
    good = CliRunner().invoke(app, ["ingest", "config", str(corpus / "configs" / bad.name), "--store", str(store)])
    assert good.exit_code == 0, good.output
    before = CliRunner().invoke(app, ["claims", "--json", "--store", str(store)]).output
    assert "qwen3-30b-a3b" in before and "activeParameters" in before
    result = CliRunner().invoke(app, ["ingest", "config", str(bad), "--replace", "--store", str(store)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f'Error: config "{bad.name}" contradicts itself: num_experts_per_tok = 1000 exceeds num_experts = 128: '
                     "a token cannot be routed to more experts than a layer has; nothing was written"]
    assert CliRunner().invoke(app, ["claims", "--json", "--store", str(store)]).output == before


@pytest.mark.parametrize(("change", "message"), [
    ({"num_key_value_heads": 5}, "num_key_value_heads = 5 does not divide num_attention_heads = 32"),
    ({"num_attention_heads": 30, "num_key_value_heads": 6, "head_dim": None},
     "num_attention_heads = 30 does not divide hidden_size = 2048 and no head_dim is given"),
])
def test_heads_that_do_not_fit_are_refused(tmp_path, change, message):
    from lineage.errors import SourceFormatError

    cfg = {"model_type": "qwen3", "hidden_size": 2048, "num_attention_heads": 32, "num_key_value_heads": 8,
           "head_dim": 128, "num_hidden_layers": 2, "vocab_size": 1000, "intermediate_size": 64, **change}
    path = tmp_path / "lab__X.json"
    path.write_text(json.dumps({k: v for k, v in cfg.items() if v is not None}))
    with pytest.raises(SourceFormatError, match=message):
        read_config(path)


# --------------------------------------------------------------------------- without transformers


def test_without_transformers_configs_are_read_by_key_rules_and_the_cli_says_so_once(corpus, tmp_path):
    """transformers hidden from the process (an import of it fails): both files still read, one note."""
    import subprocess
    import sys

    files = [str(corpus / "configs" / "Qwen__Qwen3-30B-A3B.json"), str(corpus / "configs" / "openai__gpt-oss-120b.json")]
    code = ("import sys; sys.modules['transformers'] = None; from lineage.cli import main; "
            f"sys.argv = ['lineage', 'ingest', 'config', *{files!r}, '--store', {str(tmp_path / 'store')!r}]; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith("note:")]
    assert notes == ["note: transformers not installed (pip install -e '.[techniques]'); configs are read by key rules"]
    assert done.stdout.count("read by: key rules: transformers not installed") == 2
    assert "parameters: 30.5B total, 3.04B active (layout qwen3-moe)" in done.stdout
