"""Hardware ties from prose: only the document's own model's hardware, with the role its wording gives."""

from __future__ import annotations

import pytest

from lineage.domain import Predicate
from lineage.ingest.hardware_ties import discover, extract
from lineage.ingest.text import Sentence

NAMES = {"zeta-9": ["Zeta-9"]}
OTHERS = ["Other-7B"]


def ties(text: str, card: bool = False, catalog=None, names=NAMES) -> set[tuple]:
    from lineage.catalog import Catalog

    found = extract([Sentence(3, 0, text)], names, catalog or Catalog.load(), card=card, other_names=OTHERS)
    return {(f.model, f.predicate, f.device, f.qualifiers.get("count")) for f in found}


def test_the_own_model_trained_on_a_cluster_gives_trained_on_with_its_count(catalog):
    assert ties("Zeta-9 is trained on a cluster of 512 NVIDIA H800 GPUs.", catalog=catalog) == {
        ("zeta-9", Predicate.TRAINED_ON, "nvidia-h800", "512")
    }
    assert ties("We pre-train our model on 1,024 H20 GPUs for 30 days.", catalog=catalog) == {
        ("zeta-9", Predicate.TRAINED_ON, "nvidia-h20", "1024")
    }


NOT_THE_MODELS_HARDWARE = [
    "Compared with H100 results from prior work, Zeta-9 trains twice as fast.",
    "The baseline model was trained on 1024 H100 GPUs, while Zeta-9 needs fewer steps.",
    "Earlier MoE models rely on accelerators such as H100 for training.",
    "Other-7B was trained on 256 A100 GPUs.",
    "Unlike Other-7B, which is trained on H20 GPUs, we use a smaller cluster.",
    "We plan to train the next version of Zeta-9 on Ascend 910B NPUs.",
    "Assuming a rental price of $2 per H800 GPU hour, training Zeta-9 costs little.",
    "To reach high utilization on hardware like H800, we keep Zeta-9 dense.",
    "The experiment is conducted on 64 H20 GPUs using our validation set.",
    "In related work, Ascend 910B clusters were used to train dense models.",
    "Following previous studies, the reference model is trained on 512 A100 GPUs.",
    "Table 4 compares the training throughput of Zeta-9 and a dense baseline on H800 GPUs.",
    "Related work trains comparable MoE models on TPU v5p pods for months.",
    "Zeta-9 reaches the score that Other-7B reached after training on 2,048 H100 GPUs.",
]


@pytest.mark.parametrize("text", NOT_THE_MODELS_HARDWARE)
def test_baselines_comparisons_related_work_and_plans_give_no_tie(catalog, text):
    assert ties(text, catalog=catalog) == set()


def test_the_role_comes_from_the_wording(catalog):
    assert ties("We deploy Zeta-9 on the H800 cluster for our online service.", catalog=catalog) == {
        ("zeta-9", Predicate.SERVED_ON, "nvidia-h800", None)
    }
    assert ties("The MindIE framework runs Zeta-9 in BF16.", catalog=catalog) == {
        ("zeta-9", Predicate.SUPPORTS_HARDWARE, "huawei-ascend", None)
    }
    assert ties("We ship FP8 kernels optimized for H800 GPUs with Zeta-9.", catalog=catalog) == {
        ("zeta-9", Predicate.OPTIMIZED_FOR, "nvidia-h800", None)
    }


def test_a_card_instruction_counts_without_naming_the_model_but_a_report_sentence_does_not(catalog):
    text = "For deployment on Ascend NPUs, please follow the guide."
    assert ties(text, card=True, catalog=catalog) == {("zeta-9", Predicate.SUPPORTS_HARDWARE, "huawei-ascend", None)}
    assert ties(text, card=False, catalog=catalog) == set()


def test_an_unknown_device_with_its_vendor_is_discovered_and_then_tied(catalog):
    sentence = Sentence(2, 0, "We train Zeta-9 on 64 NVIDIA Q900 GPUs.")
    (device,) = discover([sentence], catalog, "report:zeta", "urn:zeta")
    assert (device.id, device.vendor, device.curation, device.discovered_in) == (
        "nvidia-q900", "nvidia", "discovered", "report:zeta"
    )
    (fact,) = extract([sentence], NAMES, catalog.with_discovered([device]))
    assert (fact.predicate, fact.device, fact.qualifiers) == (Predicate.TRAINED_ON, "nvidia-q900", {"count": "64"})
    assert discover([Sentence(1, 0, "We train Zeta-9 on 64 NVIDIA H800 GPUs.")], catalog, "r", "u") == []
