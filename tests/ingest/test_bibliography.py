"""Ideas named by the titles of cited papers (lineage.ingest.bibliography)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from lineage.domain import EntityKind
from lineage.ingest import bibliography, references
from lineage.ingest.text import Sentence

DOC, URL = "report:some-model/sha256-0123456789abcdef", "urn:lineage:report:some-model"


def _ideas(catalog, *entries: str):
    text = "References\n" + "\n".join(f"[{i}] {e}" for i, e in enumerate(entries, start=1))
    found = bibliography.discover(references.parse(text, catalog), catalog, DOC, URL)
    return found, {i.technique.id: i.technique for i in found.ideas}


def test_a_cited_method_title_names_an_idea_with_its_origin_paper_and_month(catalog):
    found, ideas = _ideas(catalog, "A. Smith, B. Li, and C. Wu. ZiBA: Zigzag interleaved block attention for long inputs. "
                                   "arXiv preprint arXiv:2403.01234, 2024.")
    t = ideas["ziba"]
    assert (t.name, t.category.value, t.introduced_in, t.first_appeared, t.curation) == (
        "ZiBA", "attention", "arxiv-2403.01234", "2024-03", "discovered")
    assert "Zigzag interleaved block attention" in t.aliases  # the expansion the title spells
    assert [p.id for p in found.papers] == ["arxiv-2403.01234"]
    (c,) = [c for c in bibliography.claims(found, _Doc(), datetime.now(UTC)) if c.predicate.value == "introducedIn"]
    assert (c.subject, c.object, c.status.value) == ("ziba", "arxiv-2403.01234", "reported")
    assert c.evidence[0].locator == "references, entry 1"


@pytest.mark.parametrize("entry", [
    "D. Roe. Zebrabench: A benchmark for evaluating long-context attention, 2024.",  # a benchmark
    "E. Poe. Quokka: A strong, economical and efficient mixture-of-experts language model, 2024.",  # a model
    "F. Doe. Lost in the long middle: How attention fails on long inputs, 2024.",  # no coined name
    "G. Moe. Zorro-7B: Efficient attention for small models, 2024.",  # a release (version digits)
    "H. Koe. Qwen-Router: Sparse routing for experts, 2024.",  # a lab's model family inside the name
    "I. Loe. In: Proceedings of the conference on optimization, 2024.",  # generic word before a colon
    "J. Noe. Walrus: Reading stories with children, 2024.",  # nothing marks a method
])
def test_titles_that_name_no_method_make_nothing(catalog, entry):
    assert _ideas(catalog, entry)[1] == {}


def test_a_descriptive_method_name_is_an_idea_whatever_its_subtitle_says(catalog):
    _, ideas = _ideas(catalog, "K. Ray. Striped preference optimization: Your policy is secretly a math tutor, 2024.")
    assert ideas["striped-preference-optimization"].category.value == "alignment"


def test_two_spellings_of_one_idea_make_one_id(catalog):
    _, ideas = _ideas(catalog, "L. Fox. Zigzag transformers: Scaling sparse expert routing, 2022.",
                      "M. Fox. Zigzag Transformer: Scaling sparse expert routing. arXiv:2201.00001, 2022.")
    assert list(ideas) == ["zigzag-transformer"]


def test_an_idea_the_catalog_knows_is_not_discovered_again(catalog):
    # the catalog's RoPE by its introducing paper; YaRN and GQA by name
    _, ideas = _ideas(catalog,
                      "J. Su et al. RoFormer: Enhanced transformer with rotary position embedding. arXiv:2104.09864, 2021.",
                      "B. Peng et al. YaRN: Efficient context window extension of large language models, 2023.",
                      "J. Ainslie et al. GQA: Training generalized multi-query transformer models, 2023.")
    assert ideas == {}


class _Doc:
    id, revision, kind = DOC, None, "primary"


def _defined(catalog, sentence: str, *entries: str):
    from lineage.ingest.text import Sentence

    text = "References\n" + "\n".join(f"[{i}] {e}" for i, e in enumerate(entries, start=1))
    found = bibliography.discover(references.parse(text, catalog), catalog, DOC, URL, [Sentence(3, 0, sentence)])
    return {i.technique.id: i.technique for i in found.ideas}


def test_a_name_spelled_out_with_its_acronym_and_a_citation_is_an_idea_from_the_cited_paper(catalog):
    entry = "N. Ode. Ranking pairs with ZPO. arXiv preprint arXiv:2305.05555, 2023."
    ideas = _defined(catalog, "After SFT we apply Zigzag Preference Optimization (ZPO) [1] to the policy.", entry)
    t = ideas["zigzag-preference-optimization"]
    assert (t.name, t.aliases, t.category.value, t.introduced_in) == (
        "Zigzag Preference Optimization", ("ZPO",), "alignment", "arxiv-2305.05555")
    # a cited paper whose title names something else (a model that uses it) is no origin
    user = "N. Ode. The Zeta-2 model series. arXiv preprint arXiv:2305.05555, 2023."
    ideas = _defined(catalog, "After SFT we apply Zigzag Preference Optimization (ZPO) [1] to the policy.", user)
    assert ideas["zigzag-preference-optimization"].introduced_in is None


def test_a_definition_without_a_citation_names_an_idea_only_when_it_is_not_a_field(catalog):
    assert list(_defined(catalog, "Each layer uses Zebra Window Attention (ZWA) for speed.")) == ["zebra-window-attention"]
    assert list(_defined(catalog, "We rely on Machine Learning (ML) and Zebra Window Attention (ZWA).")) == ["zebra-window-attention"]
    assert _defined(catalog, "We shard with Tensor Parallelism (TP4) across nodes.") == {}  # a setting, not a name


@pytest.mark.parametrize("entry", [
    "O. Ray. Zorbench: What is the real context size of long-context attention, 2024.",  # a study's question
    "P. Ray. Zappa: A 600B token deduplicated corpus for pre-training, 2024.",  # a data set
    "Q. Ray. Zomba: Unveiling the potential of small language models with scalable training, 2024.",  # a model
    "R. Ray. Improving attention: Length extrapolation and position robustness, 2023.",  # a description
])
def test_studies_data_and_models_are_not_ideas(catalog, entry):
    assert _ideas(catalog, entry)[1] == {}


def test_the_stem_of_a_model_series_is_not_an_idea(catalog):
    stem = next(m.name.split("-")[0] for m in catalog.of_kind(EntityKind.MODEL) if m.name.startswith("GLM-"))
    assert _ideas(catalog, f"S. Du. {stem}: General language model pretraining with autoregressive infilling, 2022.")[1] == {}


def test_a_name_the_body_uses_only_for_data_and_the_predecessor_of_a_known_version_are_not_ideas(catalog):
    from lineage.ingest.text import Sentence

    entry = "[1] T. Yu. Zapo: An open-source reinforcement learning system at scale. arXiv:2503.01234, 2025."
    bib = references.parse("References\n" + entry, catalog)
    as_data = [Sentence(2, 0, "We train on the Zapo dataset for 150 steps."), Sentence(3, 0, "Data primarily from Zapo, X.")]
    as_method = [*as_data, Sentence(4, 0, "We adopt Zapo for the RL stage.")]
    assert bibliography.discover(bib, catalog, DOC, URL, as_data).ideas == []
    assert [i.technique.id for i in bibliography.discover(bib, catalog, DOC, URL, as_method).ideas] == ["zapo"]
    versioned = next(n for t in catalog.of_kind(EntityKind.TECHNIQUE) for n in (t.name, *t.aliases)
                     if re.search(r"[a-z][\s-]v\d$", n, re.I))
    stem = re.sub(r"[\s-]*v\d$", "", versioned, flags=re.I)
    assert _ideas(catalog, f"U. Xi. {stem}: Training-free long-context extrapolation with sparse attention, 2024.")[1] == {}


def test_a_whole_title_that_is_a_method_name_is_an_idea_with_its_origin(catalog):
    found, ideas = _ideas(catalog, "P. Ode and Q. Yu. Staggered bubble pipeline parallelism. arXiv preprint "
                                   "arXiv:2401.04321, 2024.")
    t = ideas["staggered-bubble-pipeline-parallelism"]
    assert (t.name, t.category.value, t.introduced_in, t.first_appeared) == (
        "Staggered Bubble Pipeline Parallelism", "systems", "arxiv-2401.04321", "2024-01")
    assert "whole title" in t.sources[0].note


@pytest.mark.parametrize("entry", [
    "R. Ark. Knowledge neurons in pretrained transformers, 2022.",  # a finding about a model, not a method's name
    "S. Bay. Improving sparse attention with learned strides, 2023.",  # a sentence about a method
    "T. Cay. Deep reinforcement learning, 2016.",  # a field
    "U. Day. Learned strides improve sparse attention, 2023.",  # a claim
])
def test_whole_titles_that_are_not_a_method_name_make_nothing(catalog, entry):
    assert _ideas(catalog, entry)[1] == {}


def test_an_arxiv_id_years_before_the_entry_is_not_its_origin(catalog):
    # the entry swallowed the next one (no line break in the layout): the id printed is the next paper's
    _, ideas = _ideas(catalog, "V. Eel. Ribbon attention: Sparse attention along diagonals. In ICLR, 2025. W. Fay. "
                               "Representation learning with codes. arXiv preprint arXiv:1807.01234")
    assert ideas["ribbon-attention"].introduced_in is None


def test_a_lower_cased_acronym_takes_its_category_from_what_it_spells(catalog):
    # the subtitle also says "long-context", which alone would read as a positional idea
    _, ideas = _ideas(catalog, "X. Gil. Zoba: Zones of block attention for long-context llms. arXiv preprint "
                               "arXiv:2502.04321, 2025.")
    t = ideas["zoba"]
    assert (t.category.value, "Zones of block attention" in t.aliases) == ("attention", True)


def test_a_name_spelled_out_with_a_head_beyond_the_proposal_table_is_an_idea(catalog):
    body = [Sentence(page=3, offset=0, text="We keep a Decaying Weight Average (DWA) of the parameters.")]
    found = bibliography.discover(references.parse("References\n[1] A. B. Some paper. 2020.", catalog), catalog, DOC,
                                  URL, body)
    (idea,) = found.ideas
    assert (idea.technique.id, idea.technique.category.value, idea.technique.aliases) == (
        "decaying-weight-average", "training", ("DWA",))


def test_the_paper_a_spelled_out_name_cites_is_named_by_the_entry_title(catalog):
    body = [Sentence(page=2, offset=0, text="We use Banded Window Attention (BWA) [1] in every layer.")]
    text = "References\n[1] A. Ode, B. Yu, and C. Li. BWA: Banded windows for long inputs. arXiv preprint arXiv:2403.05555, 2024."
    found = bibliography.discover(references.parse(text, catalog), catalog, DOC, URL, body)
    assert [(p.id, p.title) for p in found.papers] == [("arxiv-2403.05555", "BWA: Banded windows for long inputs")]
    assert found.ideas[0].technique.introduced_in == "arxiv-2403.05555"


def test_an_idea_discovered_without_its_paper_takes_the_origin_a_later_entry_names(catalog):
    first, _ = _ideas(catalog, "Y. Hay. Quilt attention: Sparse blocks for long inputs. In ICLR, 2024.")
    (quilt,) = [i.technique for i in first.ideas]
    assert quilt.introduced_in is None  # the first report prints no arXiv id
    later = catalog.with_discovered([quilt])
    found, ideas = _ideas(later, "Z. Hay. Quilt attention: Sparse blocks for long inputs. arXiv preprint "
                                 "arXiv:2402.07777, 2024.")
    assert (ideas["quilt-attention"].introduced_in, [p.id for p in found.papers]) == (
        "arxiv-2402.07777", ["arxiv-2402.07777"])
    (c,) = [c for c in bibliography.claims(found, _Doc(), datetime.now(UTC)) if c.predicate.value == "introducedIn"]
    assert (c.subject, c.object, c.status.value) == ("quilt-attention", "arxiv-2402.07777", "reported")
    # a known idea with its origin already is left alone
    assert _ideas(later.with_discovered([ideas["quilt-attention"]]), "Z. Hay. Quilt attention: Sparse blocks. "
                  "arXiv:2402.07777, 2024.")[1] == {}


def test_the_year_after_the_title_decides_whose_arxiv_id_a_merged_entry_prints(catalog):
    # the swallowed entry prints its own year after its id: the year after the first title is the entry's
    _, ideas = _ideas(catalog, "V. Eel. Ribbon attention: Sparse attention along diagonals. In ICLR, 2025. W. Fay. "
                               "Representation learning with codes. arXiv preprint arXiv:1807.01234, 2018.")
    assert ideas["ribbon-attention"].introduced_in is None
    _, ideas = _ideas(catalog, "V. Eel. Ribbon attention: Sparse attention along diagonals. arXiv preprint "
                               "arXiv:2012.01234, 2020.")  # "2012" of the id is no year
    assert ideas["ribbon-attention"].introduced_in == "arxiv-2012.01234"


def test_an_arxiv_id_printed_before_the_title_is_another_papers(catalog):
    # the layout merged the previous entry into this one: its id comes before the idea's title
    _, ideas = _ideas(catalog, "R. Sen. Rare words with subword units. arXiv preprint arXiv:1508.04321, 2015. P. Ses. "
                               "Zond: Aligning policies with best-of-k distillation. arXiv preprint, 2024.")
    assert ideas["zond"].introduced_in is None
