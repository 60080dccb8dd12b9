"""Parameter counts from real configs, checked against what each publisher reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineage.errors import UnsupportedLayout
from lineage.ingest.config.counting import ParameterCount
from lineage.ingest.config.params import count_parameters

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus"
B = 1e9

# config file (corpus/configs/) -> (layout, reported total, reported active, tolerance total,
# tolerance active, whether the publisher's "activated" also counts the input embedding).
# Tolerances follow the precision of the figure: "37B" is known to +-1.4 %, "1T" to +-5 %.
# Sources: paths under corpus/ unless marked "(not in corpus)".
REPORTED = {
    # hf/deepseek-ai__DeepSeek-V3/README.md: "671B total parameters with 37B activated"
    "deepseek-ai__DeepSeek-V3.json": ("deepseek-v3", 671e9, 37e9, 0.01, 0.03, False),
    # hf/deepseek-ai__DeepSeek-R1/README.md model table: 671B / 37B
    "deepseek-ai__DeepSeek-R1.json": ("deepseek-v3", 671e9, 37e9, 0.01, 0.03, False),
    # DeepSeek-V3.1 keeps V3's shapes; its HF card states 671B / 37B (not in corpus)
    "deepseek-ai__DeepSeek-V3.1.json": ("deepseek-v3", 671e9, 37e9, 0.01, 0.03, False),
    # hf/deepseek-ai__DeepSeek-V4-Flash/README.md base-model table: DeepSeek-V3.2-Base 671B / 37B
    "deepseek-ai__DeepSeek-V3.2.json": ("deepseek-v3", 671e9, 37e9, 0.01, 0.03, False),
    "deepseek-ai__DeepSeek-V3.2-Exp-inference-config_671B_v3.2.json": ("deepseek-v3", 671e9, 37e9, 0.01, 0.03, False),
    # inference-format configs of V3 / V3.1: same model as above
    "deepseek-ai__DeepSeek-V3-inference-config_671B.json": ("deepseek-v3", 671e9, 37e9, 0.01, 0.03, False),
    "deepseek-ai__DeepSeek-V3-inference-config_v3.1.json": ("deepseek-v3", 671e9, 37e9, 0.01, 0.03, False),
    # DeepSeek-V2: hf/deepseek-ai__DeepSeek-V3/README.md comparison table, 236B / 21B
    "deepseek-ai__DeepSeek-V3-inference-config_236B.json": ("deepseek-v3", 236e9, 21e9, 0.01, 0.03, False),
    # DeepSeek-V2-Lite: reports/deepseek-ai__DeepSeek-V2__deepseek-v2-tech-report.pdf Appendix B,
    # "15.7B total parameters, of which 2.4B are activated for each token"
    "deepseek-ai__DeepSeek-V3-inference-config_16B.json": ("deepseek-v3", 15.7e9, 2.4e9, 0.01, 0.03, False),
    # hf/deepseek-ai__DeepSeek-V4-Flash/README.md: Flash 284B / 13B, Pro 1.6T / 49B
    "deepseek-ai__DeepSeek-V4-Flash.json": ("deepseek-v4", 284e9, 13e9, 0.01, 0.03, False),
    "deepseek-ai__DeepSeek-V4-Flash-inference-config.json": ("deepseek-v4", 284e9, 13e9, 0.01, 0.03, False),
    "deepseek-ai__DeepSeek-V4-Pro.json": ("deepseek-v4", 1.6e12, 49e9, 0.035, 0.02, False),
    # hf/moonshotai__Kimi-K2-Instruct/README.md and hf/moonshotai__Kimi-K2.5/README.md: 1T / 32B
    "moonshotai__Kimi-K2-Instruct.json": ("deepseek-v3", 1e12, 32e9, 0.05, 0.03, False),
    "moonshotai__Kimi-K2.5.json": ("deepseek-v3", 1e12, 32e9, 0.05, 0.03, False),
    # hf/zai-org__GLM-5/README.md: "744B parameters (40B active)"
    "zai-org__GLM-5.json": ("glm-moe", 744e9, 40e9, 0.01, 0.03, False),
    # hf/MiniMaxAI__MiniMax-M2/README.md: "230 billion total parameters with 10 billion active";
    # M2.5 keeps M2's 230B-A10B shapes.  "10B" is known to +-5 %.
    "MiniMaxAI__MiniMax-M2.5.json": ("minimax-m2", 230e9, 10e9, 0.01, 0.05, False),
    # OpenAI gpt-oss model card (not in corpus): 116.8B total, 5.1B active
    "openai__gpt-oss-120b.json": ("gpt-oss", 116.8e9, 5.1e9, 0.01, 0.02, False),
    # Qwen counts the input embedding in "activated".  235B-A22B: hf/Qwen__Qwen3-235B-A22B/README.md;
    # 30.5B / 3.3B: Qwen3-30B-A3B HF card (not in corpus); 397B-A17B: the model's name.
    "Qwen__Qwen3-235B-A22B.json": ("qwen3-moe", 235e9, 22e9, 0.01, 0.03, True),
    "Qwen__Qwen3-30B-A3B.json": ("qwen3-moe", 30.5e9, 3.3e9, 0.01, 0.03, True),
    "Qwen__Qwen3.5-397B-A17B.json": ("qwen3.5-hybrid", 397e9, 17e9, 0.01, 0.03, True),
}


@pytest.fixture(scope="module")
def configs() -> Path:
    folder = CORPUS / "configs"
    if not folder.is_dir():
        pytest.skip(f"real corpus not found at {folder} (it lives beside the project in ../shared)")
    return folder


def load(folder: Path, name: str) -> dict:
    path = folder / name
    if not path.exists():
        pytest.skip(f"corpus config {name} is absent")
    return json.loads(path.read_text())


def input_embedding(config: dict) -> int:
    cfg = config.get("text_config", config)
    return cfg["vocab_size"] * cfg.get("hidden_size", cfg.get("dim", 0))


@pytest.mark.parametrize("name", sorted(REPORTED))
def test_counts_match_reported_figures(configs, name):
    layout, total, active, tol_total, tol_active, counts_input_embedding = REPORTED[name]
    config = load(configs, name)
    pc = count_parameters(config)
    assert pc.layout == layout
    assert abs(pc.total / total - 1) <= tol_total, f"total {pc.total / B:.2f}B vs reported {total / B:g}B"
    ours = pc.active + (input_embedding(config) if counts_input_embedding else 0)
    assert abs(ours / active - 1) <= tol_active, f"active {ours / B:.2f}B vs reported {active / B:g}B"
    assert 0 < pc.active < pc.total
    assert all(isinstance(n, str) and "\n" not in n for n in pc.notes)


def test_deepseek_v3_main_model_and_mtp_apart(configs):
    """671B main model + 14B MTP = 685B on Hugging Face (hf/deepseek-ai__DeepSeek-V3/README.md)."""
    pc = count_parameters(load(configs, "deepseek-ai__DeepSeek-V3.json"))
    assert abs(pc.total / 671e9 - 1) <= 0.01
    assert abs(pc.active / 37e9 - 1) <= 0.03
    assert abs(pc.mtp / 14e9 - 1) <= 0.05
    assert abs((pc.total + pc.mtp) / 685e9 - 1) <= 0.005
    assert pc.embedding == 2 * 129280 * 7168
    assert any("MTP" in n for n in pc.notes)


def test_inference_format_gives_the_same_main_model(configs):
    hf = count_parameters(load(configs, "deepseek-ai__DeepSeek-V3.json"))
    inference = count_parameters(load(configs, "deepseek-ai__DeepSeek-V3-inference-config_671B.json"))
    assert (inference.total, inference.active, inference.embedding) == (hf.total, hf.active, hf.embedding)
    assert inference.mtp == 0  # the inference format does not describe MTP
    flash = count_parameters(load(configs, "deepseek-ai__DeepSeek-V4-Flash.json"))
    flash_inference = count_parameters(load(configs, "deepseek-ai__DeepSeek-V4-Flash-inference-config.json"))
    assert flash_inference.model_dump(exclude={"notes"}) == flash.model_dump(exclude={"notes"})


def test_v2_lite_has_a_full_q_projection(configs):
    """q_lora_rank 0 means one q_proj of hidden x heads*(nope+rope), no low-rank pair."""
    config = load(configs, "deepseek-ai__DeepSeek-V3-inference-config_16B.json")
    with_lora = count_parameters({**config, "q_lora_rank": 1536})
    assert count_parameters(config).total != with_lora.total


def test_kimi_k26_derivative_counts_like_k25(configs):
    """NVIDIA's NVFP4 Kimi-K2.6 config has K2.5's text-model shapes; quantization changes no count."""
    k25 = count_parameters(load(configs, "moonshotai__Kimi-K2.5.json"))
    k26 = count_parameters(load(configs, "nvidia__Kimi-K2.6-NVFP4.json"))
    assert (k26.total, k26.active, k26.mtp) == (k25.total, k25.active, k25.mtp)
    assert any("vision tower is excluded" in n for n in k26.notes)


def test_glm_47_flash_is_30b_a3b(configs):
    """zai-org/GLM-4.7-Flash HF card (not in corpus): a "30B-A3B" model; the name only gives classes."""
    pc = count_parameters(load(configs, "zai-org__GLM-4.7-Flash.json"))
    assert pc.layout == "glm-moe"
    assert abs(pc.total / 30e9 - 1) <= 0.03
    assert 3e9 <= pc.active < 4e9


def test_dense_model_count(configs):
    """MiMo-7B-Base: Qwen2-style dense layers (q/k/v biases) plus one MTP layer counted apart.

    Hyperparameters from reports/XiaomiMiMo__MiMo__MiMo-7B-Technical-Report.pdf sec. 2.3:
    36 layers, hidden 4096, FFN 11008, 32 heads, 8 KV groups; vocab 151680 from the config.
    """
    pc = count_parameters(load(configs, "XiaomiMiMo__MiMo-7B-Base.json"))
    h, inter, layers, vocab, kv = 4096, 11008, 36, 151680, 8 * 128
    attention = h * h + 2 * h * kv + h * h + (h + 2 * kv)
    layer = attention + 3 * h * inter + 2 * h
    assert pc.layout == "llama-dense"
    assert pc.total == layers * layer + 2 * vocab * h + h
    assert pc.active == pc.total - vocab * h  # dense: everything but the input embedding table
    assert pc.mtp == layer + 2 * h * h + 3 * h
    assert 7e9 <= pc.total < 8e9  # a "7B" model


def test_small_dense_config_without_corpus():
    config = {
        "model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 2, "intermediate_size": 128, "vocab_size": 100, "tie_word_embeddings": True,
    }
    pc = count_parameters(config)
    attention = 64 * 64 + 2 * 64 * 32 + 64 * 64
    assert pc.total == 2 * (attention + 3 * 64 * 128 + 2 * 64) + 100 * 64 + 64
    assert pc.embedding == 100 * 64
    assert pc.active == pc.total  # tied: the table is the head, so every weight is multiplied
    assert pc.mtp == 0


def test_kimi_k3_is_refused_not_guessed(configs):
    with pytest.raises(UnsupportedLayout, match='model_type "kimi_linear"'):
        count_parameters(load(configs, "moonshotai__Kimi-K3.json"))


def test_unsupported_layout_raises_one_line():
    with pytest.raises(UnsupportedLayout) as info:
        count_parameters({"model_type": "mamba"})
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith('config of model_type "mamba" has no parameter layout lineage can count')


def test_missing_key_is_named():
    with pytest.raises(UnsupportedLayout) as info:
        count_parameters({"model_type": "qwen3_moe", "hidden_size": 2048})
    assert str(info.value) == (
        'config of model_type "qwen3_moe" has no parameter layout lineage can count (missing key "num_hidden_layers")'
    )


@pytest.mark.parametrize(
    "patch",
    [
        {"hidden_size": "7168"},
        {"num_hidden_layers": 61.0},
        {"n_routed_experts": True},
        {"tie_word_embeddings": "no"},
        {"num_attention_heads": 0},
        {"topk_method": 3},
    ],
)
def test_wrong_type_raises_unsupported_layout(configs, patch):
    config = {**load(configs, "deepseek-ai__DeepSeek-V3.json"), **patch}
    with pytest.raises(UnsupportedLayout) as info:
        count_parameters(config)
    assert "\n" not in str(info.value)
    assert f'"{next(iter(patch))}"' in str(info.value)


@pytest.mark.parametrize("config", [None, [], "deepseek_v3", {}, {"text_config": 5}, {"model_type": 7}])
def test_not_a_config_raises_unsupported_layout(config):
    with pytest.raises(UnsupportedLayout):
        count_parameters(config)


def test_parameter_count_fields_are_documented():
    for name, info in ParameterCount.model_fields.items():
        assert info.description, name


@pytest.mark.parametrize("name, config_class, model_class", [
    ("nvidia__Gemma-4-31B-IT-NVFP4.json", "gemma4.Gemma4TextConfig", "gemma4.Gemma4ForCausalLM"),
    ("nvidia__Qwen3.6-27B-NVFP4.json", "qwen3_5.Qwen3_5TextConfig", "qwen3_5.Qwen3_5ForCausalLM"),
])
def test_interleaved_layouts_count_what_transformers_builds(configs, name, config_class, model_class):
    """Gemma 4 (sliding + global layers, keys reused as values) and dense Qwen3.5: the total equals the
    parameters of transformers' own module built on the meta device (no weights allocated)."""
    import importlib

    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    text = load(configs.parent / "new" / "configs", name)["text_config"]

    def cls(dotted):
        module, attr = dotted.split(".")
        return getattr(importlib.import_module(f"transformers.models.{module}.modeling_{module}"
                                               if "ForCausalLM" in attr else
                                               f"transformers.models.{module}.configuration_{module}"), attr)

    with torch.device("meta"):
        model = cls(model_class)(cls(config_class)(**text))
    built = sum(p.numel() for p in model.parameters())  # transformers' module has no MTP layers
    assert count_parameters({"text_config": text}).total == built
