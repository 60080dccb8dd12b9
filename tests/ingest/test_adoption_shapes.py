"""Adoption shapes the report path missed on held-out reports (issue 26), with sentences of our own.

Each shape also occurs in labelled corpus reports of other labs (the cue test checks every cue fires in two
labs' documents): a technique as the subject of its own adoption ("X layers are applied to all FFNs"), a
technique's role in the named model ("X serves as the objective for <model>"), a parameter of the technique
tuned by the own subject ("we raise the base frequency of X"). Each has a twin that must stay a mention.
"""

from __future__ import annotations

import pytest

from lineage.ingest import adoption_rules as adoption
from lineage.ingest.pdf import rejoin_broken_words
from lineage.ingest.text import Sentence, alias_patterns

OWN = ["Zeta-3B"]


@pytest.fixture(scope="module")
def patterns(catalog):
    return alias_patterns(catalog)


def found(text, technique, patterns, others=()):
    mentions = adoption.find_mentions([Sentence(1, 0, text)], {technique: patterns[technique]}, OWN, list(others))
    return [(m.kind.value, m.cue) for m in mentions]


@pytest.mark.parametrize("text,technique", [
    ("The AdamW optimizer (Loshchilov and Hutter, 2019), applied throughout training, keeps beta2 at 0.95.", "adamw"),
    ("RMSNorm is applied before every attention and feed-forward block.", "rmsnorm"),
    ("MoE layers are used in all blocks but the first two.", "moe"),
])
def test_a_technique_as_the_subject_of_its_adoption(text, technique, patterns):
    assert found(text, technique, patterns) == [("adoption", "subject, passive")]


@pytest.mark.parametrize("text,technique,others", [
    ("RoPE is used in many open models, such as Korrin-7B.", "rope", ["Korrin-7B"]),
    ("RMSNorm is not applied to the embeddings of Zeta-3B.", "rmsnorm", []),
    ("AdamW is used as the baseline optimizer in this comparison.", "adamw", []),
    ("Rotary position embedding is widely used in decoder models.", "rope", []),
    ("RMSNorm is commonly applied in open models.", "rmsnorm", []),
    ("The Korrin-7B model uses RMSNorm, and RMSNorm is applied to every block there.", "rmsnorm", ["Korrin-7B"]),
])
def test_a_technique_as_subject_said_of_others_or_denied_is_not_adopted(text, technique, others, patterns):
    assert [kind for kind, _ in found(text, technique, patterns, others)] != ["adoption"]


@pytest.mark.parametrize("text,technique", [
    ("SwiGLU[7] serves as the activation of the feed-forward layers in Zeta-3B.", "swiglu"),
    ("The summed MTP loss, which acts as an auxiliary objective for Zeta-3B, is weighted by 0.3.", "mtp"),
])
def test_a_techniques_role_in_the_own_model(text, technique, patterns):
    assert found(text, technique, patterns) == [("adoption", "role in the model")]


def test_a_role_in_another_model_is_not_the_own_models(patterns):
    text = "SwiGLU serves as the activation of the feed-forward layers in Korrin-7B."
    assert [k for k, _ in found(text, "swiglu", patterns, ["Korrin-7B"])] == ["mention"]
    assert [k for k, _ in found("GeLU, not SwiGLU, serves as the activation in Zeta-3B.", "swiglu", patterns)] != [
        "adoption"]


@pytest.mark.parametrize("text", [
    "Following earlier work, we raise the base frequency of RoPE to 1,000,000 for long inputs.",
    "We reset the base value of rotary position embedding frequencies before fine-tuning Zeta-3B.",
    "We raise RoPE base frequency to 500k on the global layers of Zeta-3B.",
    "For long inputs we have adjusted the RoPE base to 2M.",
])
def test_a_parameter_of_the_technique_tuned_by_the_own_subject(text, patterns):
    assert found(text, "rope", patterns) == [("adoption", "tunes its parameter")]


def test_a_parameter_tuned_to_compare_is_not_an_adoption(patterns):
    text = "We increase the number of parameters of GShard to 2B and compare it with Zeta-3B."
    assert [k for k, _ in found(text, "gshard", patterns)] == ["mention"]
    assert [k for k, _ in found("We increase RoPE base frequency in the baseline runs only.", "rope", patterns)] == [
        "mention"]


def test_a_word_broken_at_a_line_end_is_joined_when_it_is_english_or_spelt_whole_elsewhere():
    pages = ["we lever\ufffeaged RM\ufffeSNorm, an open\ufffesource recipe and Multi\ufffeHead attention",
             "RMSNorm and Multi-Head attention"]
    assert rejoin_broken_words(pages)[0] == (
        "we leveraged RMSNorm, an open\ufffesource recipe and Multi\ufffeHead attention")


@pytest.mark.parametrize("text,technique", [
    ("Zeta-3B interleaves Mamba-2 layers with a few attention layers.", "mamba"),
    ("We alternate between sliding window attention and global attention in a 3:1 ratio.", "sliding-window-attention"),
    ("Our architecture interleaves linear attention layers and softmax attention layers.", "linear-attention"),
])
def test_the_own_subject_interleaving_layers_adopts_them(text, technique, patterns):
    assert [kind for kind, _ in found(text, technique, patterns)] == ["adoption"]


@pytest.mark.parametrize("text,technique,others", [
    ("Korrin-7B interleaves Mamba-2 layers with attention layers, which we do not.", "mamba", ["Korrin-7B"]),
    ("We do not alternate between sliding window attention and global attention.", "sliding-window-attention", []),
    ("Linear attention is an alternative to softmax attention.", "linear-attention", []),
])
def test_interleaving_said_of_others_denied_or_an_alternative_is_not_adopted(text, technique, others, patterns):
    assert [kind for kind, _ in found(text, technique, patterns, others)] != ["adoption"]


@pytest.mark.parametrize("text,technique", [
    ("We release both dense and Mixture-of-Experts (MoE) models, from 1B to 30B parameters.", "moe"),
    ("In this report we present two differently sized MoE large language models, namely Zeta-3B and Zeta-30B.", "moe"),
    ("We develop and open-source the Zeta series of MoE models.", "moe"),
    ("The flagship model, Zeta-3B, is an MoE model with 30 billion parameters.", "moe"),
])
def test_what_the_own_subject_releases_is_built_as_the_technique(text, technique, patterns):
    assert [kind for kind, _ in found(text, technique, patterns)] == ["adoption"]


@pytest.mark.parametrize("text,technique", [
    ("We present an analysis of MoE models trained on code.", "moe"),
    ("We develop scaling laws for MoE models.", "moe"),
    ("We release two baseline MoE models for the comparison.", "moe"),
    ("We present results on other MoE models.", "moe"),
])
def test_models_studied_or_baselines_released_are_not_adopted(text, technique, patterns):
    assert [kind for kind, _ in found(text, technique, patterns)] != ["adoption"]


def test_a_possessive_technique_parameter_tuned_by_the_own_subject(patterns):
    text = "When extending the context to 64K, we also raised RoPE's base frequency from 10,000 to 500,000."
    assert found(text, "rope", patterns) == [("adoption", "tunes its parameter")]
