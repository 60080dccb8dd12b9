"""Article prose rules, each on a minimal sentence written for the test."""

from __future__ import annotations

import pytest

from lineage.ingest.article import extract, read_article


@pytest.fixture
def claims(catalog, tmp_path):
    def read(text: str) -> set[tuple]:
        path = tmp_path / "a.md"
        path.write_text(text)
        return {(d.subject, d.predicate.value, d.object or d.value, d.locator) for d in extract(read_article(path), catalog)}

    return read


def test_coordinated_models_each_get_the_technique(claims):
    got = claims("Zeta intro.\n\nMLA, which is used in DeepSeek V2, V3, and R1, saves memory.\n")
    assert {s for s, p, o, _ in got if p == "uses" and o == "mla"} == {"deepseek-v2", "deepseek-v3", "deepseek-r1"}


def test_a_change_gives_only_the_new_side(claims):
    got = claims("GLM-4.5 moved from GQA to MLA in its attention. GLM-5 switched from MHA to MLA.\n")
    assert {(s, o) for s, p, o, _ in got if p == "uses"} == {("glm-4.5", "mla"), ("glm-5", "mla")}


def test_contrast_is_not_use(claims):
    got = claims("Kimi K2 uses MLA instead of GQA.\n")
    uses = {o for s, p, o, _ in got if p == "uses"}
    assert "mla" in uses and "gqa" not in uses


def test_sizes_in_prose_with_possessives_and_parentheses(claims):
    got = claims("Kimi K2 has 1T total parameters (more than DeepSeek V3's 671B) and 32B active parameters.\n")
    assert ("kimi-k2", "totalParameters", 1_000_000_000_000, "line 1") in got
    assert ("kimi-k2", "activeParameters", 32_000_000_000, "line 1") in got
    assert ("deepseek-v3", "totalParameters", 671_000_000_000, "line 1") in got
    assert not any(s == "kimi-k2" and v == 671_000_000_000 for s, _, v, _ in got)


def test_a_parameter_count_before_the_name(claims):
    got = claims("There is a big 1.6T parameter DeepSeek-V4-Pro.\n")
    assert ("deepseek-v4-pro", "totalParameters", 1_600_000_000_000, "line 1") in got


def test_a_list_of_sizes_is_no_models_size(claims):
    got = claims("Qwen3-30B-A3B came with dense models of 14B, 8B, and 4B parameters.\n")
    assert {v for _, p, v, _ in got if p == "totalParameters"} == {30_000_000_000}  # from the name alone


def test_context_and_tokens_in_prose(claims):
    got = claims("Kimi K2 was trained on 15.5T tokens. It supports up to 128K tokens of context.\n")
    assert ("kimi-k2", "trainingTokens", 15_500_000_000_000, "line 1") in got
    assert ("kimi-k2", "contextLength", 131_072, "line 1") in got


def test_list_items_take_the_subject_of_their_introduction(claims):
    got = claims("Intro.\n\nThe core of Kimi K2 is a combination of:\n\n- Muon for training\n- MLA for memory\n")
    assert ("kimi-k2", "uses", "muon", "line 5") in got and ("kimi-k2", "uses", "mla", "line 6") in got


def test_a_heading_gives_its_list_a_subject(claims):
    got = claims("# Notes\n\n## Kimi K2\n\n- MuonClip at scale\n")
    assert ("kimi-k2", "uses", "muonclip", "line 5") in got


def test_a_family_name_lands_on_every_member_not_the_oldest(claims):
    got = claims("DeepSeek V4 uses mHC in every block.\n")
    assert {s for s, p, o, _ in got if o == "mhc"} == {"deepseek-v4-flash", "deepseek-v4-pro"}


def test_a_family_gets_no_size(claims):
    got = claims("DeepSeek V4 has 1.6T total parameters.\n")
    assert not any(p == "totalParameters" for _, p, _, _ in got)


def test_a_possessive_origin_is_not_the_adopter(claims):
    got = claims("Kimi K2 adopted DeepSeek V3's MLA design.\n")
    assert ("kimi-k2", "uses", "mla", "line 1") in got
    assert not any(s == "deepseek-v3" and p == "uses" for s, p, _, _ in got)


def test_markdown_links_and_front_matter_are_not_statements(claims):
    got = claims('---\ntitle: "Kimi K2 notes"\nsummary: "Kimi K2 uses MLA"\n---\nSee [the card](https://x.org/deepseek-v3).\n')
    assert got == set()


def test_a_total_active_name_states_both_sizes(claims):
    got = claims("Qwen3-Next is fast. Its flagship 80B-A3B model has only 3B parameters active per token.\n")
    assert ("qwen3-next-80b-a3b", "totalParameters", 80_000_000_000, "line 1") in got
    assert ("qwen3-next-80b-a3b", "activeParameters", 3_000_000_000, "line 1") in got


def test_a_paragraph_about_one_model_gives_its_unnamed_sentences_a_subject(claims):
    got = claims("DeepSeek-V3 has 256 experts. So only 37 billion parameters are used for each token.\n")
    assert ("deepseek-v3", "activeParameters", 37_000_000_000, "line 1") in got
    got = claims("DeepSeek-V3 and Kimi K2 have many experts. So only 37 billion parameters are used for each token.\n")
    assert not any(p == "activeParameters" for _, p, _, _ in got)


def test_a_token_count_for_a_family_member_lands_on_that_member_only(claims):
    got = claims("Llama 4 saw about 40T tokens of pretraining for Scout.\n")
    assert {(s, v) for s, p, v, _ in got if p == "trainingTokens"} == {("llama-4-scout-17b-16e", 40_000_000_000_000)}


def test_an_innovation_in_a_model_is_used_by_it(claims):
    assert ("kimi-k2", "uses", "muonclip", "line 1") in claims("Another innovation in Kimi K2 is MuonClip.\n")


def test_teams_and_formulas_named_after_techniques_are_not_uses(claims):
    got = claims("## Kimi K2\n\n- Thanks to the Flash Linear Attention team.\n- MLA cache per token: 512 x 2 = 1024 bytes\n")
    assert not any(p == "uses" for _, p, _, _ in got)


def test_a_singular_alias_still_names_the_technique(claims):
    assert ("deepseek-v3", "uses", "moe", "line 3") in claims("## DeepSeek V3\n\n- Efficient mixture of expert layers\n")


def test_a_line_that_is_one_code_span_is_a_command_not_a_statement(claims):
    assert claims("`vllm serve Qwen/Qwen3-30B-A3B -tp 4`\n") == set()
