"""One key per idea, never a merge of two (lineage.catalog.vocabulary)."""

from __future__ import annotations

import pytest

from lineage.catalog.vocabulary import expansion, idea_index, idea_key, is_generic, same_idea
from lineage.domain import EntityKind, SourceRef, Technique, TechniqueCategory


@pytest.mark.parametrize("a, b", [
    ("Switch Transformers", "switch-transformer"), ("Multi-Query Attention", "multi query attention"),
    ("Mixture of Experts", "mixture-of-experts"), ("YaRN", "Yarn"), ("FlashAttention", "Flash-Attention"),
])
def test_spellings_of_one_idea_share_a_key(a, b):
    assert idea_key(a) == idea_key(b)


@pytest.mark.parametrize("a, b", [
    ("GQA", "MQA"), ("grouped-query attention", "multi-query attention"), ("NTK-aware scaling", "YaRN"),
    ("NTK-aware scaling", "dynamic NTK scaling"), ("YaRN", "dynamic NTK scaling"), ("KDA", "Gated DeltaNet"),
    ("Kimi Delta Attention", "Gated DeltaNet"), ("Muon", "MuonClip"), ("Adam", "AdamW"), ("MoBA", "MoE"),
])
def test_distinct_ideas_never_share_a_key(a, b):
    assert idea_key(a) != idea_key(b)


def test_the_catalog_keeps_distinct_ideas_apart(catalog):
    index = idea_index(catalog.of_kind(EntityKind.TECHNIQUE))
    pairs = [("GQA", "MQA"), ("KDA", "Gated DeltaNet"), ("Muon", "MuonClip"), ("YaRN", "RoPE")]
    for a, b in pairs:
        assert same_idea(index, a) and same_idea(index, b) and same_idea(index, a) != same_idea(index, b), (a, b)
    assert same_idea(index, "grouped query attention") == same_idea(index, "GQA")


def test_discovered_ideas_of_one_family_stay_apart_from_each_other_and_from_the_catalog(catalog):
    ntk = [Technique(id=i, name=n, category=TechniqueCategory.POSITIONAL, curation="discovered", discovered_in="x",
                     sources=(SourceRef(url="urn:x"),))
           for i, n in (("ntk-aware-scaling", "NTK-aware scaling"), ("dynamic-ntk", "Dynamic NTK"))]
    index = idea_index([*catalog.of_kind(EntityKind.TECHNIQUE), *ntk])
    assert {same_idea(index, "NTK-aware Scaling"), same_idea(index, "dynamic NTK"), same_idea(index, "YaRN")} == {
        "ntk-aware-scaling", "dynamic-ntk", "yarn"}
    assert same_idea(index, "NTK") is None  # a part of a name is not the idea


@pytest.mark.parametrize("phrase", ["our method", "the model", "a new approach", "The proposed framework", "In", "URL"])
def test_generic_phrases_name_no_idea(phrase):
    assert is_generic(phrase)


@pytest.mark.parametrize("name", ["MoBA", "Switch Transformers", "Native Sparse Attention", "Muon"])
def test_names_are_not_generic(name):
    assert not is_generic(name)


def test_an_acronym_expands_only_to_words_that_spell_it():
    assert expansion("MoBA", "Mixture of block attention for long-context models") == "Mixture of block attention"
    assert expansion("GQA", "Training generalized multi-query transformer models") is None
    assert expansion("Roformer", "Enhanced transformer with rotary position embedding") is None


def test_a_modified_name_is_a_variant_of_the_idea_it_ends_with(catalog):
    from lineage.catalog.vocabulary import variants_of

    techniques = list(catalog.of_kind(EntityKind.TECHNIQUE))
    assert variants_of("Zebra Gated DeltaNet", techniques) == ("gated-deltanet",)
    assert variants_of("Gated DeltaNet", techniques) == ()  # itself, not a variant
    assert variants_of("Zebra Attention", techniques) == ()  # no several-word idea ends it
