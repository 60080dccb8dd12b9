"""Import of the Papers with Code methods archive into the vocabulary seed (lineage.harvest.methods_vocabulary)."""

from __future__ import annotations

import gzip
import json

from lineage.catalog import Catalog
from lineage.catalog.vocabulary_seed import join, read_rows
from lineage.harvest.methods_vocabulary import rows, write


def _method(name, full, collections, area="General", url=None, title="A paper", papers=1000):
    return {"url": f"https://paperswithcode.com/method/{name.lower()}", "name": name, "full_name": full,
            "description": "prose that must never be kept", "paper": {"title": title, "url": "x"},
            "introduced_year": 2000, "source_url": url, "source_title": title, "num_papers": papers,
            "collections": [{"collection": c, "area_id": area.lower(), "area": area} for c in collections]}


DUMP = [
    _method("PPO", "Proximal Policy Optimization", ["Policy Gradient Methods"], "Reinforcement Learning",
            "https://arxiv.org/abs/1707.06347v2", "Proximal Policy Optimization Algorithms"),
    _method("GeGLU", "GeGLU", ["Activation Functions"], url="http://arxiv.org/abs/2002.05202v1",
            title="GLU Variants Improve Transformer"),
    _method("SFT", "Shrink and Fine-Tune", ["Knowledge Distillation"], url="https://arxiv.org/abs/2010.13002",
            title="Pre-trained Summarization Distillation", papers=9),
    _method("AMP", "Adversarial Model Perturbation", ["Optimization"], papers=20),
    _method("Chimera", "Chimera", ["Distributed Methods"], papers=4),
    _method("Adam", "Adam", ["Stochastic Optimization"], url="https://arxiv.org/abs/1412.6980v9",
            title="Adam: A Method for Stochastic Optimization", papers=8000),
    _method("ECA", "Efficient Channel Attention", ["Attention Mechanisms"], title="ECA-Net for Convolutional image "
            "networks", papers=50),
    _method("SE", "Squeeze-and-Excitation Block", ["Attention Modules", "Image Model Blocks"], "Computer Vision"),
    _method("GPT-3", "GPT-3", ["Transformers"], "Natural Language Processing"),
]


def test_the_llm_collections_are_kept_with_facts_only(tmp_path):
    dump = tmp_path / "methods.json.gz"
    with gzip.open(dump, "wt", encoding="utf-8") as fh:
        json.dump(DUMP, fh)
    found = {r["pwc"]: r for r in rows(dump)}
    # kept: PPO (acronym spelt by its name, many papers), GeGLU, SFT (by its full name only), Adam, AMP (full name)
    assert set(found) == {"ppo", "geglu", "sft", "adam", "amp"}
    assert found["ppo"] == {"pwc": "ppo", "names": ["Proximal Policy Optimization", "PPO"], "category": "alignment",
                            "collections": ["Policy Gradient Methods"], "arxiv": "1707.06347",
                            "paper_title": "Proximal Policy Optimization Algorithms"}
    assert found["sft"]["names"] == ["Shrink and Fine-Tune"] and found["amp"]["names"] == ["Adversarial Model Perturbation"]
    assert "year" not in found["amp"]  # the archive's years are not kept
    path = tmp_path / "vocabulary.yaml"
    write(list(found.values()), path, {"source": "test"})
    text = path.read_text()
    assert "prose" not in text and text.startswith("# ")
    back = read_rows(text, path)
    assert back == sorted(found.values(), key=lambda r: r["pwc"])


def test_the_rows_join_the_catalog_by_key_and_add_the_rest(tmp_path):
    dump = tmp_path / "methods.json"
    dump.write_text(json.dumps(DUMP))
    curated = Catalog.load()
    curated = Catalog({k: e for k, e in curated.entities.items() if e.curation == "curated"})
    added, known = join(curated, rows(dump))
    assert known == {"ppo": "ppo"}
    ids = {e.id: e for e in added}
    assert {"geglu", "shrink-and-fine-tune", "adam", "adversarial-model-perturbation"} <= set(ids)
    assert ids["geglu"].introduced_in == "arxiv-2002.05202" and ids["geglu"].first_appeared == "2020-02"
    assert ids["adam"].curation == "vocabulary" and ids["adam"].id != "adamw"
