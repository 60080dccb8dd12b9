"""Hardware questions on the real corpus: H800-trained DeepSeek models and every Ascend-supporting model."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.questions.hardware import hardware, hardware_flow, on_hardware
from lineage.questions.projection import project
from lineage.store import Store
from tests.fixtures.hf_server import corpus_repos, serve

REPORTS = ("deepseek-ai__DeepSeek-V2__deepseek-v2-tech-report.pdf", "deepseek-ai__DeepSeek-V3__DeepSeek_V3.pdf")
CARDS = ("deepseek-ai/DeepSeek-V3", "Qwen/Qwen3-235B-A22B", "zai-org/GLM-5", "inclusionAI/Ling-lite",
         "huawei/openPangu-Embedded-7B", "ibm-granite/granite-3.1-1b-a400m-instruct")


@pytest.fixture(scope="module")
def hw_store_path(tmp_path_factory, built_store_path, corpus, catalog):
    """The built store plus two DeepSeek reports and the corpus cards that state hardware."""
    from lineage.ingest.card import ingest_hf
    from lineage.ingest.report import ingest_pdf

    path = tmp_path_factory.mktemp("hardware") / "store"
    shutil.copytree(built_store_path, path)
    server, handler = serve(corpus_repos(corpus))
    mp = pytest.MonkeyPatch()
    mp.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    mp.setenv("LINEAGE_CACHE", str(tmp_path_factory.mktemp("cache")))
    try:
        with Store(path) as s:
            for name in REPORTS:
                ingest_pdf(s, catalog, corpus / "reports" / name)
            for repo in CARDS:
                ingest_hf(s, catalog, repo)
    finally:
        server.shutdown()
        mp.undo()
    return path


@pytest.fixture(scope="module")
def hw_graph(hw_store_path, catalog):
    with Store(hw_store_path) as s:
        return project(s, catalog)


def test_h800_lists_deepseek_v2_and_v3_trained_on_it_with_count_and_page(hw_graph):
    rows = {(r.model, r.predicate): r for r in hardware(hw_graph, "nvidia-h800").rows}
    v3 = rows[("deepseek-v3", "trainedOn")]
    assert (v3.count, v3.status.value) == ("2048", "verified")
    assert any(e.locator.startswith("p. ") and "2048 H800 GPUs" in e.snippet for e in v3.evidence)
    assert {e.source for e in v3.evidence} >= {"report:arxiv-2412.19437", "card:deepseek-ai/DeepSeek-V3"}
    v2 = rows[("deepseek-v2", "trainedOn")]
    assert v2.status.value == "verified" and v2.evidence[0].locator.startswith("p. 13")
    assert rows[("deepseek-v3", "servedOn")].evidence[0].locator.startswith("p. 18")


def test_the_ascend_line_lists_every_model_whose_own_card_states_support_or_training(hw_graph):
    result = hardware(hw_graph, "huawei-ascend")
    assert {"huawei-ascend-910b", "huawei-ascend-910c"} <= set(result.devices)
    assert (result.vendor, result.country) == ("huawei", "CN")
    got = {(r.model, r.predicate, r.status.value) for r in result.rows}
    assert got == {  # every one stated by the model's own organization's card
        ("deepseek-v3", "supportsHardware", "verified"),
        ("qwen3-235b-a22b", "supportsHardware", "verified"),
        ("glm-5", "supportsHardware", "verified"),
        ("ling-lite", "supportsHardware", "verified"),
        ("openpangu-embedded-7b", "trainedOn", "verified"),
    }
    ling = next(r for r in result.rows if r.model == "ling-lite")
    assert ling.evidence[0].source == "card:inclusionAI/Ling-lite" and ling.evidence[0].source_kind.value == "primary"


def test_a_device_class_holds_the_devices_of_its_vendor_or_country(hw_graph):
    domestic = hardware(hw_graph, "cn-accelerators")
    assert {"huawei-ascend", "huawei-ascend-910b"} <= set(domestic.devices)
    assert not any(d.startswith("nvidia-") for d in domestic.devices)
    assert {r.model for r in domestic.rows} == {r.model for r in hardware(hw_graph, "huawei-ascend").rows}
    nvidia = hardware(hw_graph, "nvidia-gpus")
    assert {"nvidia-h800", "nvidia-h20"} <= set(nvidia.devices) and "huawei-ascend" not in nvidia.devices
    assert {("deepseek-v3", "nvidia-h800"), ("deepseek-v2", "nvidia-h800")} <= {(r.model, r.device) for r in nvidia.rows}


def test_on_hardware_lists_a_models_devices(hw_graph):
    rows = {(r.predicate, r.device) for r in on_hardware(hw_graph, "deepseek-v3").rows}
    assert rows == {("trainedOn", "nvidia-h800"), ("servedOn", "nvidia-h800"), ("supportsHardware", "huawei-ascend")}


def test_hardware_flow_splits_domestic_from_nvidia_per_lab_and_half_year(hw_graph):
    cells = {(c.organization, c.period): c for c in hardware_flow(hw_graph).cells}
    deepseek = cells[("deepseek", "2024-H1")]  # DeepSeek-V2 and V2-Lite, released 2024-05: H800 only
    assert deepseek.nvidia == ["deepseek-v2", "deepseek-v2-lite"] and deepseek.domestic == []
    assert (deepseek.nvidia_share, deepseek.domestic_share) == (1.0, 0.0)
    both = cells[("deepseek", "2024-H2")]  # DeepSeek-V3: trained on H800, its card states Ascend support
    assert both.nvidia == both.domestic == ["deepseek-v3"]
    zhipu = next(c for (org, _), c in cells.items() if org == "zhipu-ai")
    assert zhipu.domestic == ["glm-5"] and zhipu.domestic_share == 1.0


def test_cli_hardware_prints_the_rows_and_json(hw_store_path):
    runner = CliRunner()
    result = runner.invoke(app, ["hardware", "H800", "--store", str(hw_store_path), "--min-status", "verified"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("NVIDIA H800 (nvidia-h800), vendor nvidia (US); family Hopper, memory_gb 80.0, fp8 True, "
                        "fp4 False, export_control ECCN 3A090")
    assert lines[1] == "3 models (status at least verified)"
    assert lines[3].split() == ["MODEL", "RELEASED", "ROLE", "DEVICE", "COUNT", "STATUS", "EVIDENCE"]
    assert lines[4:] == [
        "DeepSeek-V2       2024-05   trained  nvidia-h800  -      verified  [text] p. 13, §3.1.3 Infrastructures: "
        "We conduct all experiments on a cluster equipped wit",
        "DeepSeek-V2-Lite  2024-05   trained  nvidia-h800  -      verified  [text] p. 13, §3.1.3 Infrastructures: "
        "We conduct all experiments on a cluster equipped wit",
        "DeepSeek-V3       2024-12   trained  nvidia-h800  2048   verified  [text] p. 5, §1 Introduction: During "
        "the pre-training stage, training DeepSeek-V3 on each  (+1 more)",
        "DeepSeek-V3       2024-12   served   nvidia-h800  -      verified  [text] p. 18, §3.4 Inference and Deployment: "
        "We deploy DeepSeek-V3 on the H800 cluster, wh",
    ]
    data = json.loads(runner.invoke(app, ["hardware", "nvidia-h800", "--store", str(hw_store_path), "--json"]).output)
    assert {(r["model"], r["predicate"], r["count"]) for r in data["rows"]} >= {("deepseek-v3", "trainedOn", "2048")}
    missing = runner.invoke(app, ["hardware", "h8000", "--store", str(hw_store_path)])
    assert missing.exit_code == 2 and missing.output.startswith('Error: hardware "h8000" not found.')
    flow = runner.invoke(app, ["labs", "--hardware", "--store", str(hw_store_path)])
    assert flow.exit_code == 0 and "zhipu-ai" in flow.output


def test_the_seed_articles_hardware_sentences_are_classified(hw_store_path, corpus, catalog, tmp_path):
    from lineage.domain import HARDWARE_PREDICATES
    from lineage.ingest.article import ingest_article

    seeds = corpus.parent / "seeds"
    path = tmp_path / "store"
    shutil.copytree(hw_store_path, path)
    got = set()
    with Store(path) as s:
        for article in sorted(seeds.glob("*.txt")):
            source = ingest_article(s, catalog, article).source
            for c in (c for p in HARDWARE_PREDICATES for c in s.claims(predicate=p, source=source)):
                line = min((e.locator for e in c.evidence if e.source == source), key=lambda x: int(x.split()[1]))
                got.add((article.name[:3], line, c.subject, c.predicate.value, c.object, c.status.value,
                         c.reason.split("]")[0][1:]))
    assert got == {
        # Muon "adapts better on Ascend than other optimizers": a comparison no primary source measures
        ("000", "line 31", "muon", "optimizedFor", "huawei-ascend", "unverified", "uncheckable"),
        # Chinese labs' limited access to NVIDIA GPUs: access is not a model's hardware
        ("000", "line 58", "chinese-model-companies", "supportsHardware", "nvidia-gpus", "unverified", "uncheckable"),
        # some Chinese labs turning to Ascend: a Chinese lab's own card states Ascend support
        ("000", "line 58", "chinese-model-companies", "supportsHardware", "huawei-ascend", "verified", "primary-member"),
        # DeepSeek V4's Ascend-native versions: no DeepSeek-V4 primary source in this store says so
        ("000", "line 70", "deepseek-v4-flash", "optimizedFor", "huawei-ascend", "reported", "secondary-only"),
        ("000", "line 70", "deepseek-v4-pro", "optimizedFor", "huawei-ascend", "reported", "secondary-only"),
        # both labs go beyond NVIDIA serving: DeepSeek-V3's card, nothing for Kimi ("domestic hardware paths", line 6,
        # is no cue since issue 26: one seed article used the phrase)
        ("003", "line 30", "deepseek", "servedOn", "non-nvidia-accelerators", "verified", "primary-member"),
        ("003", "line 30", "moonshot-ai", "servedOn", "non-nvidia-accelerators", "reported", "secondary-only"),
    }
