"""Who made a model or technique and when, read from article prose and checked against the catalog."""

from __future__ import annotations

import pytest

from lineage.domain import Predicate, Status
from lineage.ingest.article import extract, ingest_article, read_article
from lineage.ingest.makers import dates


@pytest.fixture
def claims(catalog, tmp_path):
    def read(text: str) -> set[tuple]:
        path = tmp_path / "a.md"
        path.write_text(text)
        return {(d.subject, d.predicate.value, d.object or d.value) for d in extract(read_article(path), catalog)}

    return read


def test_dates_keep_the_precision_they_are_stated_at():
    assert [v for _, v in dates("Out on 3 Feb 2025, updated 2025-04-09, again in July 2025.")] == [
        "2025-02-03", "2025-04-09", "2025-07",
    ]


def test_an_organization_that_releases_a_model_developed_it(claims):
    assert ("kimi-k2", "developedBy", "moonshot-ai") in claims("A startup, Moonshot AI, dropped Kimi K2 this week.\n")


def test_a_possessive_with_adjectives_names_the_developer_of_every_family_member(claims):
    got = claims("Alibaba's much-hyped Qwen 3 suite is here.\n")
    assert {s for s, p, o in got if p == "developedBy" and o == "alibaba-qwen"} == {"qwen3-235b-a22b", "qwen3-30b-a3b"}


def test_models_from_a_team_were_developed_by_it(claims):
    assert ("qwen3-next-80b-a3b", "developedBy", "alibaba-qwen") in claims("Qwen3-Next, the new models from the Qwen team, is out.\n")


def test_a_borrowed_technique_does_not_make_the_lender_the_developer(claims):
    got = claims("Kimi K2 borrowed MLA from DeepSeek.\n")
    assert not any(p == "developedBy" for _, p, _ in got)


def test_a_release_sentence_with_a_date_gives_the_release_date(claims):
    assert ("deepseek-v3", "released", "2025-03-03") in claims("On March 3rd, 2025, DeepSeek released DeepSeek-V3 for all.\n")


def test_relative_dates_and_families_get_no_release_date(claims):
    got = claims("Kimi K2 was released today. DeepSeek V4 was released on April 24, 2026.\n")
    assert not any(p == "released" for _, p, _ in got)


def test_a_paper_that_introduced_a_technique_is_where_it_was_introduced(claims):
    got = claims("The *Attention Is All You Need* paper introduced multi-head attention.\n")
    assert ("mha", "introducedIn", "arxiv-1706.03762") in got


def test_release_months_and_developers_are_checked_against_the_catalog(catalog, built_copy_store, tmp_path):
    store = built_copy_store
    path = tmp_path / "a.md"
    path.write_text(
        "In December 2024, DeepSeek released DeepSeek-V3.\n\n"
        "OpenAI released Kimi K2 on 5 March 2024.\n"
    )
    source = ingest_article(store, catalog, path).source
    got = {(c.subject, c.predicate, c.object or c.value): (c.status, c.reason) for c in store.claims(source=source)}
    assert got[("deepseek-v3", Predicate.RELEASED, "2024-12")][0] is Status.VERIFIED
    assert got[("deepseek-v3", Predicate.DEVELOPED_BY, "deepseek")][0] is Status.VERIFIED
    status, reason = got[("kimi-k2", Predicate.RELEASED, "2024-03-05")]
    assert status is Status.CONTRADICTED and "2025-07" in reason
    status, reason = got[("kimi-k2", Predicate.DEVELOPED_BY, "openai")]
    assert status is Status.CONTRADICTED and "moonshot-ai" in reason


def test_an_origin_phrase_names_the_lab_right_after_it_and_the_technique_right_before_it(claims):
    assert ("moe", "introducedBy", "google") in claims("Mixture of Experts, originally developed by Google, is popular.\n")
    got = claims("We run Zork, a mixture-of-experts language model developed by a small startup, on NVIDIA GPUs.\n")
    assert not any(p == "introducedBy" for _, p, _ in got), got  # the model was developed by someone, not the technique
