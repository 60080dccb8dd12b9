"""The imported vocabulary of ideas joined to the catalog (lineage.catalog.vocabulary_seed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lineage.catalog import Catalog
from lineage.catalog.vocabulary import arxiv_month, idea_index, idea_key
from lineage.catalog.vocabulary_seed import VOCABULARY_FILE, join, read_rows
from lineage.domain import EntityKind
from lineage.errors import CatalogError
from lineage.paths import data_dir


def _techniques(catalog, curation=None):
    return [t for t in catalog.of_kind(EntityKind.TECHNIQUE) if curation is None or t.curation == curation]


def test_the_default_catalog_holds_400_ideas_300_with_their_origin_paper(catalog):
    ideas = _techniques(catalog)
    with_origin = [t for t in ideas if t.introduced_in]
    assert len(ideas) >= 400 and len(with_origin) >= 300, (len(ideas), len(with_origin))
    assert len(_techniques(catalog, "vocabulary")) >= 300


def test_every_imported_origin_is_a_paper_of_that_arxiv_id_and_dates_the_idea(catalog):
    for t in _techniques(catalog, "vocabulary"):
        if t.introduced_in:
            paper = catalog.entities[t.introduced_in]
            assert paper.kind == "paper" and t.introduced_in == f"arxiv-{paper.arxiv}"
            assert t.first_appeared == arxiv_month(paper.arxiv)
        assert t.sources[0].url.startswith("https://paperswithcode.com/method/") and t.sources[0].kind == "secondary"


def test_an_idea_the_catalog_knows_is_joined_not_imported_again(catalog):
    rows = read_rows((data_dir("seeds") / VOCABULARY_FILE).read_text(encoding="utf-8"), Path(VOCABULARY_FILE))
    curated = Catalog.load()
    for t in list(curated.entities):  # the curated catalog alone: every vocabulary entity out
        if curated.entities[t].curation == "vocabulary":
            del curated.entities[t]
    _, known = join(curated, rows)
    assert not added_ids(curated, rows) & {"ppo", "adamw", "layernorm", "swiglu", "rope", "mha"}
    assert {known[k] for k in known} >= {"ppo", "adamw", "layernorm", "swiglu", "rope", "mha"}


def added_ids(catalog, rows):
    added, _ = join(catalog, rows)
    return {e.id for e in added}


def test_distinct_ideas_stay_apart_across_vocabulary_and_catalog(catalog):
    index = idea_index(catalog.of_kind(EntityKind.TECHNIQUE))
    for a, b in [("Adam", "AdamW"), ("GQA", "MQA"), ("Muon", "MuonClip"), ("GeGLU", "SwiGLU"), ("ReGLU", "SwiGLU"),
                 ("Batch Normalization", "Layer Normalization"), ("LAMB", "Adam")]:
        assert index.get(idea_key(a)) and index.get(idea_key(b)) and index[idea_key(a)] != index[idea_key(b)], (a, b)
    keys = {}
    for t in catalog.of_kind(EntityKind.TECHNIQUE):
        for name in (t.id, t.name, *t.aliases):
            assert keys.setdefault(idea_key(name), t.id) == t.id, (name, t.id, keys[idea_key(name)])


def test_an_acronym_another_idea_owns_is_no_name_of_an_imported_one(catalog):
    # the archive's "SFT" is a distillation method whose name does not spell it; supervised fine-tuning is not it
    sft = catalog.find("SFT", EntityKind.TECHNIQUE)
    assert sft is None or catalog.entities[sft].curation != "vocabulary"
    assert catalog.find("Shrink and Fine-Tune", EntityKind.TECHNIQUE)


def test_a_malformed_row_is_named(tmp_path):
    with pytest.raises(CatalogError, match="entry 1"):
        read_rows('- {"pwc": "a", "names": ["A b"], "category": "attention"}\n- {"pwc": "b"}\n', tmp_path / "v.yaml")


def test_seeds_without_a_vocabulary_load_the_curated_catalog_alone(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    shutil.copytree(data_dir("seeds"), seeds, ignore=shutil.ignore_patterns("release", VOCABULARY_FILE))
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "cache"))
    alone = Catalog.load(seeds)
    assert not [e for e in alone.entities.values() if e.curation == "vocabulary"]
    assert alone.find("AdamW", EntityKind.TECHNIQUE) == "adamw"
