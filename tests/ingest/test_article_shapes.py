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
    assert not any(p == "uses" for _, p, _, _ in got)  # only numbers are read across such a table
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
