"""Unit shapes of :mod:`lineage.ingest.article_shapes` (each document written for the test)."""

from __future__ import annotations

import pytest

from lineage.ingest.article import ArticleResolver, read, read_article
from lineage.ingest.article_shapes import SIZE_REACH, sized
from lineage.ingest.article_units import Mentions
from lineage.ingest.structure import Unit


@pytest.fixture
def shapes(catalog, tmp_path):
    def run(text: str):
        path = tmp_path / "s.md"
        path.write_text(text)
        return {(d.subject, d.predicate.value, d.object or d.value, d.locator.split(" (")[0]) for d in read(read_article(path), catalog)[0]}

    return run


def test_a_definition_names_who_made_the_model_it_opens_with(shapes):
    text = ("# Notes\n\nZork-9 is a family of open language models developed by the DeepSeek team, for coding.\n\n"
            "Kimi K2 is a model that many labs compared against.\n")
    got = shapes(text)
    assert ("zork-9", "developedBy", "deepseek", "line 3") in got
    assert not any(p == "developedBy" and s == "kimi-k2" for s, p, _, _ in got)


def test_a_developer_key_names_the_lab_of_the_document_s_model(shapes):
    got = shapes("# Zork-9\n\n- **Developed by**: DeepSeek\n\n| Key | Value |\n|---|---|\n| Model developer | Moonshot AI |\n")
    assert ("zork-9", "developedBy", "deepseek", "line 3") in got
    assert ("zork-9", "developedBy", "moonshot-ai", "line 7") in got


def test_a_developer_key_without_a_lab_says_nothing(shapes):
    got = shapes("# Zork-9\n\n- **Developed by**: a small team of volunteers\n")
    assert not any(p == "developedBy" for _, p, _, _ in got)


def test_tagged_sizes_belong_to_the_model_named_before_them(shapes):
    text = "# Notes\n\nDeepSeek V3 had 37B active and 671B total parameters (Kimi K2 has 1T total), a sparse design.\n"
    got = shapes(text)
    assert ("deepseek-v3", "activeParameters", 37 * 10**9, "line 3") in got
    assert ("deepseek-v3", "totalParameters", 671 * 10**9, "line 3") in got
    assert not any(s == "deepseek-v3" and v == 10**12 for s, _, v, _ in got)


def test_a_table_with_a_model_per_column_gives_each_its_sizes(shapes):
    text = ("| Benchmark | # Shots | Kimi K2 | Zork-9 |\n|---|---|---|---|\n| Architecture | - | MoE | MoE |\n"
            "| # Activated Params | - | 32B | 3B |\n| # Total Params | - | 1T | 30B |\n| MMLU | 5 | 89.5 | 70.1 |\n")
    got = shapes(text)
    assert {("kimi-k2", "activeParameters", 32 * 10**9), ("kimi-k2", "totalParameters", 10**12),
            ("zork-9", "totalParameters", 30 * 10**9)} <= {g[:3] for g in got}
    # techniques only from a cell that is nothing but their names
    assert {(s, o) for s, p, o, _ in got if p == "uses"} == {("kimi-k2", "moe"), ("zork-9", "moe")}
    assert not any(v in (89.5, 70.1) for _, _, v, _ in got)


def test_a_tagged_size_far_from_any_model_is_nobody_s(catalog):
    far = "DeepSeek V3 came out" + ", and many words follow here" * (SIZE_REACH // 20) + " with 37B active parameters"
    near = "DeepSeek V3 came out with 37B active parameters"
    m = Mentions(ArticleResolver(catalog))
    assert sized(Unit("sentence", far, 3), m) == []
    assert [(c.subjects, c.value) for c in sized(Unit("sentence", near, 3), m)] == [(["deepseek-v3"], 37 * 10**9)]


def test_an_open_world_name_takes_the_only_size_of_its_item(shapes):
    got = shapes("# Labs\n\nTwo labs released models:\n\n- **Zork**, with *ZorkChat-Thinking* at 500B parameters.\n"
                 "- **Quux**, with *QuuxLM-2* and *QuuxLM-3* at 70B parameters.\n- **Blip**, with *BlipNet-4* that might reach 90B parameters.\n")
    assert ("zorkchat-thinking", "totalParameters", 500 * 10**9, "line 5") in got
    assert not any(v in (70 * 10**9, 90 * 10**9) for _, _, v, _ in got)  # two names: whose size? a plan: no size yet


def test_an_apposition_gives_its_model_the_techniques_of_the_noun(shapes):
    got = shapes("# Notes\n\nWe looked at Kimi K2, a strong Mixture-of-Experts (MoE) language model, and more.\n\n"
                 "DeepSeek V3 is a 671B non-MoE model for tests.\n\nGLM-5 is a dense model, unlike MoE models.\n")
    assert ("kimi-k2", "uses", "moe", "line 3") in got
    assert not any(s in ("deepseek-v3", "glm-5") and p == "uses" for s, p, _, _ in got)


def test_a_derivation_phrase_gives_the_model_before_it_the_model_after_it(shapes):
    text = ("# Notes\n\nZork-9-Mini is derived from Llama-3.1-8B and keeps its license.\n\n"
            "Granite-7-Chat, finetuned from Granite-7-Base, answers in French.\n\n"
            "Kimi K2 was not distilled from DeepSeek-V3.\n\nA later Zork-10 could be fine-tuned from DeepSeek-V3.\n")
    got = {(s, o, line) for s, p, o, line in shapes(text) if p == "derivedFrom"}
    assert got == {("zork-9-mini", "llama-3.1-8b", "line 3"), ("granite-7-chat", "granite-7-base", "line 5")}


def test_a_derivative_s_name_is_not_the_model_it_starts_with(shapes):
    text = ("# Notes\n\nDeepSeek-R1-Distill-Qwen-7B uses GQA.\n\nQwen3-8B-GGUF is distilled from DeepSeek-R1.\n\n"
            "DeepSeek-R1-0528 uses MLA.\n")
    got = shapes(text)
    assert not any(s == "deepseek-r1" for s, _, _, _ in got), got  # a distillation, a quantized copy, a later checkpoint
    assert ("qwen3-8b-gguf", "derivedFrom", "deepseek-r1", "line 5") in got


def test_a_lab_alias_running_into_a_model_name_names_the_model(catalog):
    r = ArticleResolver(catalog)
    found = r.find("Meta Llama 4 Scout is out")
    assert [m.kind for m in found] == ["model"] and found[0].text.endswith("Scout")


def test_context_windows_read_in_the_forms_cards_and_articles_write_them(shapes):
    text = ("# Notes\n\nGLM-4.5 supports a 128K context window.\n\nQwen3-30B-A3B supports a context length of 32K tokens.\n\n"
            "Kimi K2 handles long context lengths (up to 256K tokens).\n\nDeepSeek-V3 streams up to 64K tokens per second.\n\n"
            "Zork-9 performs on par with GLM-4.5 on long-context tasks up to 64K tokens.\n")
    got = {(s, v, line) for s, p, v, line in shapes(text) if p == "contextLength"}
    assert got == {("glm-4.5", 131072, "line 3"), ("qwen3-30b-a3b", 32768, "line 5"), ("kimi-k2", 262144, "line 7")}


def test_a_title_naming_a_model_the_catalog_lacks_is_the_subject_of_its_key_value_rows(shapes, catalog, tmp_path):
    text = "# Zork-9 Model Card\n\n## Summary\n\n| | |\n|---|---|\n| **Total Parameters** | 1T |\n| **Attention Mechanism** | MLA |\n"
    got = shapes(text)
    assert {("zork-9", "totalParameters", 10**12, "line 7"), ("zork-9", "uses", "mla", "line 8")} <= got
    path = tmp_path / "z.md"
    path.write_text(text)
    assert all(d.qualifiers.get("name") == "Zork-9" for d in read(read_article(path), catalog)[0] if d.subject == "zork-9")


def test_an_item_under_a_technique_label_that_plans_it_is_no_use(shapes):
    got = shapes("# Notes\n\n- **MLA**: DeepSeek-V3 has it; Kimi K2 might adopt it later.\n- **GQA camp**: GLM-4.5, Qwen3-30B-A3B\n")
    assert not any(o == "mla" and p == "uses" for _, p, o, _ in got)
    assert {("glm-4.5", "uses", "gqa", "line 4"), ("qwen3-30b-a3b", "uses", "gqa", "line 4")} <= got


def test_a_column_table_gives_each_model_the_techniques_its_cell_is(shapes):
    text = ("# Compared\n\n| Benchmark | Zork-9 | Kimi K2 | Zork-10 |\n|---|---|---|---|\n"
            "| Architecture | MLA+MoE | MoE | MLA-like cache |\n| # Total Params | 70B | 1T | - |\n| MMLU | 80.1 | 88.2 | 70.0 |\n")
    got = shapes(text)
    assert {("zork-9", "uses", "mla", "line 5"), ("zork-9", "uses", "moe", "line 5"), ("kimi-k2", "uses", "moe", "line 5"),
            ("zork-9", "totalParameters", 70 * 10**9, "line 6")} <= got
    assert not any(s == "zork-10" and p == "uses" for s, p, _, _ in got)  # a cell that says more than names


def test_a_list_of_sizes_names_one_member_per_size(catalog, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# Notes\n\nThe Zork9-Chat series comes in 2B, 9B and 40B sizes.\n\nQwen3 is available in 8B and 30B-A3B.\n\n"
                    "DeepSeek V3 and Kimi K2 come in 1B and 2B sizes.\n")
    drafts, _ = read(read_article(path), catalog)
    got = {(d.subject, d.predicate.value, d.value, d.locator.split(" (")[0]) for d in drafts}
    assert {("zork9-chat-2b", "totalParameters", 2 * 10**9, "line 3"), ("zork9-chat-40b", "totalParameters", 40 * 10**9, "line 3"),
            ("qwen3-8b", "totalParameters", 8 * 10**9, "line 5"), ("qwen3-30b-a3b", "activeParameters", 3 * 10**9, "line 5")} <= got
    assert not any(loc == "line 7" for *_, loc in got), got  # two models before the list: whose sizes is unclear
