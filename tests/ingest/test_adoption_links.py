"""Sentences that carry the own model on without naming it: its layers, its design choices, a run-in
heading over "we use …", a leading "Thanks to X, <model> …".

Each sentence is our own minimal version of a miss seen on real reports (issue 12); each was read as a
mere mention (or not read) before these rules. Beside each, near neighbours that must stay mentions.
"""

from __future__ import annotations

import pytest

from lineage.ingest import adoption_rules
from lineage.ingest.text import Sentence, alias_patterns

OWN = ["Zeta-3B"]
LAYERS = "Each MoE layer comprises 2 shared experts and 64 routed experts."
HEADING = "Load Balancing Loss."
CHOICE = "This design choice follows gated attention (Qiu et al., 2025)."

CASES = [
    # each layer of the own model continues it; after another subject, its layers are that subject's
    (["Zeta-3B has 28 layers and a hidden size of 2048.", LAYERS], "shared-experts", "adoption"),
    (["Omega-7 has 28 layers.", LAYERS], "shared-experts", "mention"),
    (["A recent study examined routing.", LAYERS], "shared-experts", "mention"),
    # a run-in heading names what its first sentence adopts; not over a comparison or another subject
    ([HEADING, "To spread tokens evenly over the experts, we use the loss of Fedus et al."], "aux-loss-balancing", "adoption"),
    ([HEADING, "We compare runs with and without it."], "aux-loss-balancing", "mention"),
    ([HEADING, "Earlier MoE models add such a loss to the training objective."], "aux-loss-balancing", "mention"),
    # what the own subject owes its result to; the same lead phrase with another subject
    (["Benefiting from zero-computation experts [4] and a short cut, Zeta-3B is cheap to serve."], "zero-computation-experts", "adoption"),
    (["Thanks to shared experts (Dai et al., 2024), we need fewer routed ones."], "shared-experts", "adoption"),
    (["Benefiting from zero-computation experts, Omega-7 is cheap to serve."], "zero-computation-experts", "mention"),
    (["Thanks to shared experts, such models need fewer routed ones."], "shared-experts", "mention"),
    # a design choice of the own model that follows a technique; not another's, not one said to differ
    (["We add an output gate after every attention block.", CHOICE], "gated-attention", "adoption"),
    (["A recent study adds a gate after attention.", CHOICE], "gated-attention", "mention"),
    (["We add a gate after the attention block.", "This design choice aligns with our goals more than gated attention does."],
     "gated-attention", "mention"),
]


@pytest.fixture(scope="module")
def patterns(catalog):
    return alias_patterns(catalog)


@pytest.mark.parametrize("texts,technique,kind", CASES, ids=[t[-1][:50] for t, *_ in CASES])
def test_a_sentence_carrying_the_own_model_on_is_read_for_what_it_says(patterns, texts, technique, kind):
    body = [Sentence(1, i, t) for i, t in enumerate(texts)]  # consecutive sentences of one page
    found = adoption_rules.find_mentions(body, {technique: patterns[technique]}, OWN, ["Omega-7"])
    assert [m.kind.value for m in found] == [kind]


def verdicts(texts, patterns, techniques):
    body = [Sentence(1, i, t) for i, t in enumerate(texts)]
    decided = adoption_rules.decide(adoption_rules.find_mentions(body, {t: patterns[t] for t in techniques}, OWN, ["Omega-7"]))
    return {t: d.verdict.value for t, d in decided.items()}


def test_what_a_part_of_an_adopted_technique_carries_is_adopted_with_it(patterns):
    both = ["decoupled-rope", "rope"]
    carried = "Its projection yields the decoupled key that carries RoPE."
    assert verdicts(["We use a decoupled shared key in every attention layer.", carried], patterns, both) == {
        "decoupled-rope": "adoption", "rope": "adoption"}
    # the carrier is not the own model's technique, or nothing links the two
    assert verdicts(["Omega-7 uses a decoupled key.", carried], patterns, both)["rope"] == "mention"
    texts = ["We use a decoupled shared key in every attention layer.", "The decoupled key is far smaller than RoPE tables."]
    assert verdicts(texts, patterns, both)["rope"] == "mention"
