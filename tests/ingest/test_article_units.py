"""Candidates inside one structural unit and the one judgement of their role (each document written for the test)."""

from __future__ import annotations

import pytest

from lineage.ingest.article import read, read_article
from lineage.ingest.article_units import judge, role_at


@pytest.fixture
def article(catalog, tmp_path):
    def run(text: str):
        path = tmp_path / "a.md"
        path.write_text(text)
        drafts, unread = read(read_article(path), catalog)
        return {(d.subject, d.predicate.value, d.object or d.value, d.locator.split(" (")[0]) for d in drafts}, unread

    return run


def test_an_item_under_a_technique_label_gives_each_model_it_names(article):
    got, _ = article("# Camps\n\n- **MLA camp**: DeepSeek V3, Kimi K2\n")
    assert {(s, o) for s, p, o, _ in got if p == "uses"} >= {("deepseek-v3", "mla"), ("kimi-k2", "mla")}


def test_technique_items_belong_to_the_model_of_their_lead_in(article):
    text = "# Notes\n\nDeepSeek-V3 brings several changes:\n\n- **Multi-head Latent Attention (MLA)**: less cache.\n- **Multi-Token Prediction**: denser signal.\n"
    got, _ = article(text)
    assert ("deepseek-v3", "uses", "mla", "line 5") in got and ("deepseek-v3", "uses", "mtp", "line 6") in got


def test_technique_items_under_a_heading_that_names_the_model(article):
    got, _ = article("# Family\n\n## Kimi K2 Features\n\n- **MLA**: compressed cache\n")
    assert ("kimi-k2", "uses", "mla", "line 5") in got


def test_a_family_label_with_sizes_names_one_member_per_size(article):
    got, _ = article("# Sizes\n\n- **Qwen3 MoE**: 30B (3B activated), 235B (22B activated)\n- **Zork9**: 1B, 7B\n")
    assert ("qwen3-30b-a3b", "activeParameters", 3_000_000_000, "line 3") in got
    assert ("qwen3-235b-a22b", "totalParameters", 235_000_000_000, "line 3") in got
    assert ("zork9-7b", "totalParameters", 7_000_000_000, "line 4") in got


def test_a_table_row_reads_each_cell_through_its_header(article):
    text = "| Model | Total params | Active params | Context | Attention |\n|---|---|---|---|---|\n| Kimi K2 | 1T | 32B | 128K | MLA |\n| Zork-9 | 7B | 1B | 32K | no MLA |\n"
    got, unread = article(text)
    assert {("kimi-k2", "totalParameters", 10**12), ("kimi-k2", "activeParameters", 32 * 10**9),
            ("kimi-k2", "contextLength", 131072), ("kimi-k2", "uses", "mla")} <= {g[:3] for g in got}
    assert ("zork-9", "totalParameters", 7 * 10**9, "line 4") in got
    assert not any(s == "zork-9" and o == "mla" for s, _, o, _ in got)
    assert any(u.role == "negation" and u.locator.startswith("line 4") for u in unread)


def test_a_key_value_table_is_about_the_model_over_it(article):
    got, _ = article("# Kimi K2\n\n| Key | Value |\n|---|---|\n| Total Parameters | 1T |\n| Attention | MLA |\n")
    assert ("kimi-k2", "totalParameters", 10**12, "line 5") in got and ("kimi-k2", "uses", "mla", "line 6") in got


def test_a_name_with_sizes_in_parentheses(article):
    got, _ = article("Two models: DeepSeek V3 (671B/37B active) and Kimi K2 (1T total, 32B active).\n")
    assert ("deepseek-v3", "activeParameters", 37 * 10**9, "line 1") in got
    assert ("kimi-k2", "totalParameters", 10**12, "line 1") in got


def test_one_statement_said_twice_is_one_draft_with_two_evidences(catalog, tmp_path):
    from lineage.ingest.article import extract

    path = tmp_path / "a.md"
    path.write_text("Kimi K2 has 1T total parameters.\n\n| Model | Params |\n|---|---|\n| Kimi K2 | 1T |\n")
    (draft,) = [d for d in extract(read_article(path), catalog) if d.predicate.value == "totalParameters"]
    assert {draft.locator.split(" (")[0], *(loc.split(" (")[0] for loc, _ in draft.more)} == {"line 1", "line 5"}


@pytest.mark.parametrize(
    "text,name,role",
    [("Unlike Sliding Window Attention, it", "Sliding", "negation"),
     ("It adopts MLA to match the effectiveness of GQA", "GQA", "comparison"),
     ("It adopts MLA to match the effectiveness of GQA", "MLA", "uses"),
     ("The next release will adopt MLA", "MLA", "plan"), ("Besides, it adopts MLA", "MLA", "uses")],
)
def test_the_role_of_a_technique_is_read_in_its_own_clause(text, name, role):
    assert role_at(text, text.index(name)) == role


def test_numbers_are_stated_not_judged():
    from lineage.domain import Predicate
    from lineage.ingest.article_units import Candidate
    from lineage.ingest.structure import Unit

    c = Candidate(["x"], Predicate.TOTAL_PARAMETERS, Unit("sentence", "x", 1), value=1, context="not")
    assert judge(c) == "states"


def test_candidates_without_a_subject_are_listed_as_unread(article):
    _, unread = article("A note\n\n- **MLA**: compresses the cache\n")
    assert any(u.role == "no subject" and u.object == "mla" and u.locator.startswith("line 3") for u in unread)


def test_a_model_label_adopts_what_its_body_says_it_uses(article):
    got, _ = article("# Models\n\n- **Kimi K2**: a large model that adopts MLA for its attention.\n- **Kimi K2**: compared with GQA.\n")
    assert ("kimi-k2", "uses", "mla", "line 3") in got and not any(o == "gqa" for _, _, o, _ in got)


def test_models_in_parentheses_after_a_technique_s_models(article):
    got, _ = article("The family has dense models and Mixture-of-Experts models (Kimi K2, DeepSeek V3).\n")
    assert {(s, o) for s, p, o, _ in got if p == "uses"} >= {("kimi-k2", "moe"), ("deepseek-v3", "moe")}


