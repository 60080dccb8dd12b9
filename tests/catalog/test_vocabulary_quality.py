"""Precision of the imported vocabulary of ideas on its labelled sample (tests/fixtures/labels/ideas/vocabulary.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lineage.catalog.vocabulary_seed import SAMPLE_SIZE, quality, sample

LABELS = Path(__file__).parents[1] / "fixtures" / "labels" / "ideas" / "vocabulary.yaml"


@pytest.fixture(scope="module")
def labels():
    return yaml.safe_load(LABELS.read_text())


def test_the_labels_cover_the_seeded_sample_of_what_the_catalog_imports(catalog, labels):
    assert [r["id"] for r in labels] == sample(catalog) and len(labels) == SAMPLE_SIZE >= 100
    for r in labels:  # labelled as the catalog said it: a changed import needs new labels
        t = catalog.entities[r["id"]]
        paper = catalog.entities[t.introduced_in].arxiv if t.introduced_in else None
        assert (t.curation, t.category.value, paper) == ("vocabulary", r["category"], r["arxiv"]), r["id"]


def test_imported_ideas_are_ideas_of_the_right_category_and_origin(labels):
    q = quality(labels)
    for question in ("idea", "category", "origin"):
        right, judged = q[question]
        assert judged and right / judged >= 0.9, (question, q)


def test_quality_counts_each_question_over_its_own_ground():
    rows = [{"idea": True, "category_right": False, "origin_right": None, "llm": True},
            {"idea": True, "category_right": True, "origin_right": True, "llm": False},
            {"idea": False, "category_right": True, "origin_right": False, "llm": False}]
    assert quality(rows) == {"idea": (2, 3), "category": (1, 2), "origin": (1, 1), "llm": (1, 3)}
