"""Adoption means the document's own model: baselines, ablations, plans, components and variants are not.

Each sentence is our own minimal version of a misreading seen on real reports and cards
(issue 12); each was classified as an adoption or a whole-model negation before these rules.
"""

from __future__ import annotations

import pytest

from lineage.domain import Claim, Evidence, Method, Predicate, SourceKind, Status, utcnow
from lineage.ingest import adoption_rules
from lineage.ingest.text import Sentence, alias_patterns
from lineage.verify import anachronism, guard_time

OWN = ["Zeta-3B"]


@pytest.fixture(scope="module")
def patterns(catalog):
    return alias_patterns(catalog)


def kind_of(text, technique, patterns):
    (m,) = adoption_rules.find_mentions([Sentence(1, 0, text)], {technique: patterns[technique]}, OWN)
    return m.kind.value, m.cue


NOT_ADOPTION = [
    # an ablation arm is not the released model's optimizer
    ("For ablation, we finetuned the model using both the Muon and AdamW optimizers.", "adamw", "ablation or baseline"),
    ("To ablate the optimizer, we train with AdamW.", "adamw", "ablation or baseline"),
    ("As a baseline, we train a variant of Zeta-3B with RoPE in all layers.", "rope", "ablation or baseline"),
    ("We compare with a baseline in which the model uses MQA.", "mqa", "ablation or baseline"),
    ("We also train a variant where the model uses GQA.", "gqa", "ablation or baseline"),
    # a plan is not a use
    ("We plan to integrate sliding window attention in the next release.", "sliding-window-attention", "future plan"),
    ("We will adopt FP8 training in the next version.", "fp8-training", "future plan"),
    ("We leave the integration of MTP for future work.", "mtp", "future plan"),
    # a component's choice is not the whole model's: no contradiction of the model's MoE
    ("In the MTP module, we use a small dense FFN rather than MoE.", "moe", "component"),
    ("For the MTP layers, we employ a dense FFN instead of an MoE layer.", "moe", "component"),
    ("We do not use MoE in the vision encoder.", "moe", "component"),
    # a named variant in a comparison table ("<model> (RoPE)")
    ("Zeta-3B (RoPE) is trained with RoPE in all layers.", "rope", "variant"),
    # another model's part, a likeness, a hypothetical, an evaluation arm, a wish list
    ("We keep FP32 for Omega-1's Lightning Attention states, as its authors do.", "lightning-attention", "another model's"),
    ("We use FP8 for the KV cache, which aligns with the MLA family.", "mla", "comparison"),
    ("Our design allows enabling MTP later for further savings.", "mtp", "comparison"),
    ("To evaluate the effect of isolation, we isolate one shared expert based on GShard.", "gshard", "ablation or baseline"),
    ("We recommend supporting fused layer normalization in future hardware.", "layernorm", "future plan"),
]


@pytest.mark.parametrize("text,technique,cue", NOT_ADOPTION, ids=[t[:50] for t, *_ in NOT_ADOPTION])
def test_trials_plans_components_and_variants_are_mentions(patterns, text, technique, cue):
    assert kind_of(text, technique, patterns) == ("mention", cue)


STILL_ADOPTION = [
    ("We train our model with the AdamW optimizer.", "adamw"),
    ("We train the final model with Muon.", "muon"),
    ("Zeta-3B is pre-trained using the Muon optimizer.", "muon"),
    ("Zeta-3B uses RoPE in three of every four layers and NoPE in the rest.", "rope"),
    ("Following earlier work, we intend to use RoPE for Zeta-3B.", "rope"),
    ("We adopt grouped-query attention instead of multi-head latent attention.", "gqa"),
]


@pytest.mark.parametrize("text,technique", STILL_ADOPTION, ids=[t[:50] for t, _ in STILL_ADOPTION])
def test_the_own_models_choices_are_still_adoptions(patterns, text, technique):
    assert kind_of(text, technique, patterns)[0] == "adoption"


def test_sizes_and_context_are_read_as_the_sentence_means_them(catalog):
    from lineage.ingest.facts import extract

    def facts(text):
        return {(f.predicate.value, f.value) for f in extract([Sentence(1, 0, text)], {"zeta-3b": OWN}, catalog)}

    # "activating N parameters" is the active count, not the total
    assert facts("Zeta-3B keeps cost low while activating 38B parameters per token.") == {("activeParameters", 38e9)}
    # a table flattened to text: the label comes before its number
    row = "Zeta-3B Layers 61 Total Parameters (LLM) 316 Billion Activated Params per Token 38 Billion in total"
    assert ("totalParameters", 316e9) in facts(row) and ("activeParameters", 316e9) not in facts(row)
    # a range of an analysis is not the model's context window
    assert facts("We show how memory grows with context length, from 8K to 32K, for each model.") == set()


def test_a_negation_of_the_whole_model_is_still_a_negation(patterns):
    assert kind_of("Zeta-3B does not use multi-token prediction.", "mtp", patterns)[0] == "negation"
    assert kind_of("We adopt grouped-query attention instead of multi-head latent attention.", "mla", patterns)[0] == "negation"
    # switching it off (in one stage, for one part) is no use, and does not rule it out for the model either
    assert kind_of("We keep the learning rate fixed and disable weight decay in this stage.", "weight-decay", patterns) == (
        "mention", "disabled")
    # "disabled" as an adjective after "of" describes runs, it switches nothing off
    assert kind_of("Zeta-3B is more sensitive to the share of disabled shared experts.", "shared-experts", patterns)[0] != "negation"


LONGER_NAMES = [
    # a capitalised modifier mid-sentence makes a longer name: the kernel or method it names is not the short name's idea
    ("For speed, we use the Fused Adam kernel from a vendor library.", "adam"),
    ("We adopt a method that pairs a custom Local SGD approach with sharding.", "stochastic-gradient-descent"),
    # nor is the short name's spelt-out form in parentheses right after it
    ("We adopt a method that pairs a custom Local SGD (Stochastic Gradient Descent) approach with sharding.",
     "stochastic-gradient-descent"),
]


@pytest.mark.parametrize("text,technique", LONGER_NAMES, ids=[t[:50] for t, _ in LONGER_NAMES])
def test_a_name_inside_a_longer_capitalised_name_is_not_adopted(patterns, text, technique):
    assert kind_of(text, technique, patterns) == ("mention", "inside a longer name")


def test_a_name_after_a_sentence_initial_word_or_a_model_name_is_still_adopted(patterns):
    assert kind_of("Adam is used for Zeta-3B in every stage.", "adam", patterns)[0] == "adoption"
    assert kind_of("We train our model with the Adam optimizer.", "adam", patterns)[0] == "adoption"
    # the own model's name before a technique is no modifier of a longer name
    found = adoption_rules.find_mentions([Sentence(1, 0, "We train the Zeta MoE models on long documents.")],
                                         {"moe": patterns["moe"]}, ["Zeta"])
    assert [m.cue for m in found] != ["inside a longer name"]
    found = adoption_rules.find_mentions([Sentence(1, 0, "We train the Delta MoE models on long documents.")],
                                         {"moe": patterns["moe"]}, ["Zeta"])
    assert [m.cue for m in found] == ["inside a longer name"]


def test_a_use_before_the_technique_existed_is_never_verified(catalog):
    # DeepSeek-V3 (2024-12) cannot use DSA (first appeared 2025-09): a sibling's sentence, not V3's
    assert anachronism(catalog, "deepseek-v3", "dsa").startswith("[anachronism] deepseek-v3 was released 2024-12")
    assert anachronism(catalog, "deepseek-v3.2-exp", "dsa") is None
    ev = Evidence(source="card:x/y", source_kind=SourceKind.PRIMARY, locator="README.md line 3", snippet="s",
                  method=Method.CARD, retrieved_at=utcnow())
    claim = Claim(subject="deepseek-v3", predicate=Predicate.USES, object="dsa", status=Status.VERIFIED,
                  reason="the model's own card adopts it", evidence=(ev,))
    (guarded,) = guard_time([claim], catalog)
    assert guarded.status is Status.UNVERIFIED and guarded.reason.startswith("[anachronism]")


def kinds_in(texts, technique, patterns):
    """Classify consecutive sentences (one page), as a report's body is read."""
    found = adoption_rules.find_mentions([Sentence(1, i, t) for i, t in enumerate(texts)], {technique: patterns[technique]}, OWN)
    return [(m.kind.value, m.cue) for m in found]


OPEN_WORLD_MISREADS = [
    # a kernel or library run *for* a technique: the technique is the purpose, not what the model uses
    ("For MLA, we use FlashMLA on the newer cards.", "mla", "mention"),
    ("We use FA3 and FA2 for MFA/GQA.", "gqa", "mention"),
    # ... but parallelism "for MoE layers" still names the model's own layers
    ("We apply EP for MoE layers.", "moe", "adoption"),
    # "the model" inside a sentence about the own architecture is that model
    ("Our architecture is configured as follows: the model has 36 layers and employs GQA with 8 KV heads.", "gqa", "adoption"),
    # replacing one technique with another adopts the second
    ("We have replaced the usual normalization with RMSNorm in every block.", "rmsnorm", "adoption"),
    # the own subject's possessive
    ("Our PPO stage involves four models.", "ppo", "adoption"),
    # removing one layer's use is not ruling the technique out for the model
    ("We remove RoPE in the sparse attention layers.", "rope", "mention"),
    # removing a part of the technique's loss is not ruling the technique out
    ("We remove the KL term in the GRPO loss.", "grpo", "mention"),
    # a finding about other runs ("models without X underperform") is not the model's choice
    ("We observe that models without any shared expert underperform.", "shared-experts", "mention"),
    # a name broken at its hyphen by a line end
    ("Zeta- 3B is a Mixture-of-Experts (MoE) model with 3B parameters.", "moe", "adoption"),
    # "the model" after a preposition is not the subject ("of the model to …, and adjusted the RoPE base")
    ("We set the context window of the model to 32K and adjusted the RoPE base.", "rope", "adoption"),
]


@pytest.mark.parametrize("text,technique,kind", OPEN_WORLD_MISREADS, ids=[t[:50] for t, *_ in OPEN_WORLD_MISREADS])
def test_open_world_report_sentences_are_read_for_what_they_say(patterns, text, technique, kind):
    assert kind_of(text, technique, patterns)[0] == kind


def test_a_sentence_continuing_the_own_model_reads_it_as_subject(patterns):
    texts = ["The Zeta-3B model employs a fine-grained MoE design.", "Specifically, it uses one shared expert and 64 routed experts."]
    assert kinds_in(texts, "shared-experts", patterns) == [("adoption", "uses")]
    # after a sentence about another subject, "it" is not the own model
    texts = ["A recent study examined routing.", "Specifically, it uses one shared expert and 64 routed experts."]
    assert kinds_in(texts, "shared-experts", patterns) == [("mention", "")]


def test_a_running_header_is_not_the_subject_of_the_sentence_under_it():
    from lineage.ingest.pdf import PdfText

    pages = ["Zeta-3B\nTitle page", "Zeta-3B\nwhen using GQA, the cache grows.", "Zeta-3B 3\nMore text.", "Zeta-3B\nEnd."]
    pdf = PdfText(path=None, sha256="", pages=pages)
    body = pdf.body_pages()
    assert [len(p) for p in body] == [len(p) for p in pages]  # offsets still hold
    assert body[1].strip().startswith("when using GQA") and "Zeta-3B" not in body[2]
