"""The role of a report sentence: the section it stands in, a trial, another model the document presents.

Sentences are our own, each the shape of a misreading on unseen reports (issue 26): an optimizer tried and
abandoned claimed as used; a device tie stated of another model the report discusses claimed for its own.
"""

from __future__ import annotations

import pytest

from lineage.domain import EntityKind
from lineage.ingest import adoption_rules, hardware_ties
from lineage.ingest.report import document_models
from lineage.ingest.text import Sentence, alias_patterns

OWN = ["Zeta-3B"]


@pytest.fixture(scope="module")
def patterns(catalog):
    return alias_patterns(catalog)


def kinds(text, technique, patterns, section=None):
    found = adoption_rules.find_mentions([Sentence(1, 0, text)], {technique: patterns[technique]}, OWN,
                                   sections=lambda s: section)
    return [m.kind.value for m in found]


@pytest.mark.parametrize("titles,kind", [
    (["Related Work"], "related work"), (["4 Experiments", "4.2 Ablation Studies"], "ablation"),
    (["Background and Motivation"], "related work"), (["Pilot Experiments"], "ablation"),
    (["3 Architecture", "3.1 Attention"], None), (["Pre-training"], None),
])
def test_section_kinds(titles, kind):
    assert adoption_rules.section_kind(titles) == kind


def test_an_adoption_in_an_ablation_section_is_not_the_models(patterns):
    text = "We use the Muon optimizer for the 1B model and compare the loss."
    assert kinds("We use the Muon optimizer to train Zeta-3B.", "muon", patterns) == ["adoption"]
    assert kinds(text, "muon", patterns, section="ablation") == ["mention"]


def test_related_work_decides_nothing_for_the_model(patterns):
    assert kinds("We do not use rotary embeddings in Zeta-3B.", "rope", patterns) == ["negation"]
    assert kinds("We adopt RoPE, as prior models do.", "rope", patterns, section="related work") == ["mention"]


def test_an_optimizer_tried_is_not_an_optimizer_used(patterns):
    assert kinds("We tried Muon for Zeta-3B but training diverged, so we kept the default.", "muon", patterns) == [
        "mention"]


def test_a_model_the_document_presents_is_another_model():
    body = [Sentence(7, 0, "In this paper we include Korrin Pro MoE, a model said to be optimized for Huawei's chip."),
            Sentence(8, 0, "Zeta-3B, a 3B model, is small.")]
    assert document_models(body, OWN) == ["Korrin Pro MoE"]


def test_a_device_tie_of_another_model_is_not_the_own_models(catalog):
    s = Sentence(7, 0, "In this paper, we include Korrin Pro MoE, a model optimized for the Ascend 910B.")
    names = {"zeta-3b": OWN}
    assert "huawei-ascend-910b" in {f.device for f in hardware_ties.extract([s], names, catalog)}  # read as ours
    others = document_models([s], OWN)
    assert hardware_ties.extract([s], names, catalog, other_names=others) == []
    assert alias_patterns(catalog, EntityKind.HARDWARE)["huawei-ascend-910b"].search(s.text)
