"""Configs of models and model types lineage has never seen: generic facts, unknown keys, discovered ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.configfile.keys import KINDS, is_architecture
from lineage.domain import Predicate, Status
from lineage.ingest.config import ingest_config
from lineage.ingest.config.readers import module_reading

INVENTED = {
    # a model type no rule names, spelled with GPT-2/Falcon-style keys
    "architectures": ["ZetaForCausalLM"], "model_type": "zeta_lm", "n_layer": 24, "n_embd": 2048,
    "n_head": 16, "n_head_kv": 4, "num_experts": 64, "experts_per_token": 8, "num_shared_experts": 2,
    "sliding_window": 4096, "layer_types": ["sliding_attention"] * 18 + ["full_attention"] * 6,
    "max_position_embeddings": 32768, "num_nextn_predict_layers": 1, "zeta_gate_rank": 64,
    "eos_token_id": 2, "transformers_version": "9.9.9", "torch_dtype": "bfloat16",
}


def _ingest(catalog, store, tmp_path, name: str, cfg: dict):
    path = tmp_path / name
    path.write_text(json.dumps(cfg))
    (report,) = ingest_config(store, catalog, [path])
    return report


def _facts(store, model: str) -> dict:
    out: dict = {}
    for c in store.claims(subject=model):
        out.setdefault(c.predicate, set()).add(c.object or c.value)
    return out


def test_an_invented_model_type_yields_the_generic_facts(catalog, store, tmp_path):
    report = _ingest(catalog, store, tmp_path, "zeta-labs__Zeta-1-24B.json", INVENTED)
    assert report.model == "zeta-1-24b" and report.discovered and report.status is Status.VERIFIED
    facts = _facts(store, "zeta-1-24b")
    assert facts[Predicate.LAYERS] == {24}
    assert facts[Predicate.HIDDEN_SIZE] == {2048}
    assert facts[Predicate.ROUTED_EXPERTS] == {64} and facts[Predicate.EXPERTS_PER_TOKEN] == {8}
    assert facts[Predicate.SHARED_EXPERTS] == {2}
    assert facts[Predicate.CONTEXT_LENGTH] == {32768}
    assert facts[Predicate.USES] == {"gqa", "moe", "shared-experts", "sliding-window-attention", "mtp"}
    assert facts[Predicate.UNRECOGNISED_CONFIG_KEY] == {"zeta_gate_rank"}  # not eos_token_id, versions, dtype
    (swa,) = store.claims(subject="zeta-1-24b", object="sliding-window-attention")
    assert swa.qualifiers == {"layers": "18 of 24 (sliding-window layers)"}
    (gqa,) = store.claims(subject="zeta-1-24b", object="gqa")
    assert gqa.evidence[0].snippet == "n_head_kv = 4; n_head = 16"


def test_one_kv_head_flag_is_mqa_and_a_mamba_pattern_is_a_hybrid(catalog, store, tmp_path):
    mqa = {"model_type": "coder_x", "n_layer": 4, "n_embd": 256, "n_head": 8, "multi_query": True}
    _ingest(catalog, store, tmp_path, "lab__Coder-X.json", mqa)
    assert "mqa" in _facts(store, "coder-x")[Predicate.USES]
    hybrid = {"model_type": "ssm_mix", "hybrid_override_pattern": "M-M*M-M*", "hidden_size": 512,
              "num_attention_heads": 8, "num_key_value_heads": 2}
    _ingest(catalog, store, tmp_path, "lab__Mix-8L.json", hybrid)
    facts = _facts(store, "mix-8l")
    assert facts[Predicate.LAYERS] == {8}
    assert {"mamba", "hybrid-attention", "gqa"} <= facts[Predicate.USES]
    (gqa,) = store.claims(subject="mix-8l", object="gqa")
    assert gqa.qualifiers == {"layers": "2 of 8 (attention blocks)"}


def test_a_discovered_id_never_takes_a_catalog_models_id(catalog, store, tmp_path):
    cfg = {**INVENTED, "model_type": "deepseek_v3"}
    report = _ingest(catalog, store, tmp_path, "someone__DeepSeek-V3.json", cfg)
    assert report.model == "someone-deepseek-v3" and report.discovered
    assert store.claims(subject="deepseek-v3") == []


def test_name_or_path_names_the_model_when_the_file_name_does_not(catalog, store, tmp_path):
    report = _ingest(catalog, store, tmp_path, "config.json", {**INVENTED, "_name_or_path": "Qwen/Qwen3.6-27B"})
    assert report.model == "qwen3.6-27b" and report.discovered


# --------------------------------------------------------------------------- the corpus


def corpus_configs(corpus: Path) -> list[Path]:
    """Every config of the corpus: configs/, new/configs/, incoming/configs/ and the Hub folders' config.json."""
    return (sorted((corpus / "configs").glob("*.json")) + sorted((corpus / "new" / "configs").glob("*.json"))
            + sorted((corpus / "incoming" / "configs").glob("*.json")) + sorted((corpus / "hf").glob("*/config.json")))


def _expected_unknowns(path: Path) -> set[str]:
    """Unknown keys read straight from the JSON (top level and a wrapper's text_config), less the keys the
    config class of the library that defines the model accepts (read through its modules)."""
    cfg = json.loads(path.read_text())
    reading = module_reading(cfg)
    known = reading.known_keys if not isinstance(reading, str) else frozenset()
    levels = [("", cfg)] + ([("text_config.", cfg["text_config"])] if isinstance(cfg.get("text_config"), dict) else [])
    return {p + k for p, level in levels for k in level if k not in KINDS and is_architecture(k) and k not in known}


def test_lineage_unknowns_lists_the_unrecognised_keys_of_every_corpus_config(corpus, catalog, tmp_path):
    from lineage.store import Store

    paths = corpus_configs(corpus)
    assert len(paths) >= 148
    with Store(tmp_path / "store") as s:
        reports = ingest_config(s, catalog, paths)
    assert len(reports) == len(paths)
    result = CliRunner().invoke(app, ["dev", "unknowns", "--json", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    listed = {(m, row["key"]) for row in json.loads(result.stdout) for m in row["models"]}
    for path, report in zip(paths, reports):
        expected = _expected_unknowns(path)
        assert set(report.unrecognised) == expected, path.name
        assert {(report.model, k.rsplit(".", 1)[-1]) for k in expected} <= listed, path.name
    # hand-checked new mechanisms that no rule reads yet
    assert ("kimi-k3", "attn_res_block_size") in listed  # Kimi K3's block attention residuals
    assert ("hunyuan-a13b-instruct", "cla_share_factor") in listed  # cross-layer KV sharing
    assert not any(key in {"transformers_version", "torch_dtype", "auto_map", "eos_token_id"} for _, key in listed)


@pytest.mark.parametrize("folder", ["configs", "new/configs", "incoming/configs"])
def test_every_corpus_config_gives_layers_and_a_model(corpus, catalog, folder):
    from lineage.ingest.config import identify, prepare

    for path in sorted((corpus / folder).glob("*.json")):
        prepared = prepare(path, identify(path, catalog, None))
        preds = {c.predicate for c in prepared.claims}
        assert Predicate.LAYERS in preds, path.name
        # a framework's own format (Zyphra's original Zamba2 config: no model_type) gives layers and width only
        hf = '"model_type"' in path.read_text() or '"architectures"' in path.read_text()
        assert prepared.report.claims - len(prepared.report.unrecognised) >= (4 if hf else 2), path.name


# --------------------------------------------------------------------------- disagreeing primary sources


def test_two_primary_configs_that_disagree_make_the_fact_disputed_and_flagged(catalog, store, tmp_path):
    from lineage.questions.claims import flags

    small = {"_name_or_path": "lab/Tiny-1B", "model_type": "tiny", "num_hidden_layers": 2, "hidden_size": 64,
             "max_position_embeddings": 32768}
    first, second = tmp_path / "config.json", tmp_path / "config-long.json"
    first.write_text(json.dumps(small))
    second.write_text(json.dumps({**small, "max_position_embeddings": 131072}))
    ingest_config(store, catalog, [first])
    (report,) = ingest_config(store, catalog, [second])
    assert report.disputed == ["contextLength 131072"]
    ctx = store.claims(subject="tiny-1b", predicate=Predicate.CONTEXT_LENGTH)
    assert {c.value: c.status for c in ctx} == {32768: Status.DISPUTED, 131072: Status.DISPUTED}
    for c in ctx:
        assert c.reason.startswith("[primary-disagree] primary configs disagree: ")
        assert {(e.source, e.supports) for e in c.evidence} == {
            ("config:tiny-1b/config.json", c.value == 32768),
            ("config:tiny-1b/config-long.json", c.value == 131072),
        }
    flagged = {f.statement for f in flags(store, catalog) if f.kind == "disputed"}
    assert flagged == {"tiny-1b contextLength 32768 tokens", "tiny-1b contextLength 131072 tokens"}
    assert {c.status for c in store.claims(subject="tiny-1b", predicate=Predicate.LAYERS)} == {Status.VERIFIED}

    second.write_text(json.dumps(small))  # the second source now agrees: both are verified again
    ingest_config(store, catalog, [second], replace=True)  # new bytes under a stored id
    ctx = store.claims(subject="tiny-1b", predicate=Predicate.CONTEXT_LENGTH)
    assert [(c.status, len(c.evidence)) for c in ctx] == [(Status.VERIFIED, 1), (Status.VERIFIED, 1)]
    assert all(c.reason == "stated in the model's own config: max_position_embeddings = 32768" for c in ctx)
