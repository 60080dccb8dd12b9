"""Article reading quality held out of sample (issue 26): floors on the documents no rule was written against.

The figures come from ``benchmarks/reading.py`` (its docstring defines the split, matching and precision).
Floors sit a little under what the reader reaches today; no test asserts a perfect in-sample score.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

OUT_OF_SAMPLE_RECALL = 0.38
OUT_OF_SAMPLE_PRECISION = 0.60
"""Reached at this change: recall 0.41 (43/105), precision 0.63 (51/81); before it 0.05 (5/105) at 1.00 (5/5).
The issue's target is recall 0.7 at precision 0.95: not reached."""
FRESH_RECALL = 0.10
FRESH_PRECISION = 0.95
"""The fresh set (five public articles by authors absent from the corpus, labelled before the reader ran on them; texts
under ``../heldout-articles``, labels in ``tests/fixtures/labels/articles-fresh``): recall 0.14 (4/29) at precision 1.00
(9/9), before and after the shapes of ``article_shapes`` (no rule was written against them)."""
FRESH2_UNSEEN_RECALL = 0.22
FRESH2_UNSEEN_PRECISION = 0.55
"""The second fresh set (8 public articles: ROCm blog posts and Docker model cards, labelled before the reader ran on them;
texts under ``../heldout-articles2``, labels in ``tests/fixtures/labels/articles-fresh2``), its unseen half (by SHA-1 of
the file name; never looked at): recall 0.25 (7/28) at precision 0.61 (11/18) after this change, 0.18 (5/28) at 0.53
(8/15) before it.  The seen half (0.65 at 1.00 after, 0.00 before) is in sample now and held to nothing."""


@pytest.fixture(scope="module")
def figures(catalog):
    import reading

    if not reading.ARTICLES2.is_dir() or not reading.ARTICLES.is_dir():
        pytest.skip(f"labelled articles not found under {reading.CORPUS}")
    groups = reading.measure(catalog)
    return reading, {name: reading.total(scores) for name, scores in groups.items()}


def test_the_held_out_split_is_the_rule_s(figures):
    reading, _ = figures
    dev, held = reading.split()
    assert tuple(held) == reading.HELD_OUT and len(dev) == 4 and not set(dev) & set(held)


def test_out_of_sample_floors(figures):
    _, totals = figures
    out = totals["out of sample"]
    assert out.labelled >= 100, "the held-out labels lost statements: the benchmark no longer measures what it did"
    assert out.recall >= OUT_OF_SAMPLE_RECALL, f"held-out recall {out.recall:.2f} ({out.found}/{out.labelled})"
    assert out.precision >= OUT_OF_SAMPLE_PRECISION, f"held-out precision {out.precision:.2f} ({out.correct}/{out.extracted})"


def test_in_sample_is_reported_beside_it_not_held_to_one(figures):
    _, totals = figures
    assert totals["in sample"].recall > 0 and totals["in sample"].labelled > totals["out of sample"].labelled


def test_fresh_floors(figures):
    reading, totals = figures
    if not reading.FRESH.is_dir():
        pytest.skip(f"fresh articles not found at {reading.FRESH} (see tests/fixtures/labels/articles-fresh/MANIFEST.tsv)")
    fresh = totals["fresh"]
    assert fresh.labelled >= 20, "the fresh labels lost statements"
    assert fresh.recall >= FRESH_RECALL, f"fresh recall {fresh.recall:.2f} ({fresh.found}/{fresh.labelled})"
    assert fresh.precision >= FRESH_PRECISION, f"fresh precision {fresh.precision:.2f} ({fresh.correct}/{fresh.extracted})"


@pytest.mark.parametrize("folder, documents", [("articles-fresh", 3), ("articles-fresh2", 6)])
def test_fresh_labels_carry_no_article_text(folder, documents):
    import yaml

    labels = sorted((ROOT / "tests" / "fixtures" / "labels" / folder).glob("*.labels.yaml"))
    assert len(labels) >= documents
    for path in labels:
        for st in yaml.safe_load(path.read_text(encoding="utf-8"))["statements"]:
            assert "quote" not in st and {"subject", "relation", "object", "line", "form"} <= set(st), path.name


def test_fresh2_unseen_floors(figures):
    reading, totals = figures
    if not reading.FRESH2.is_dir():
        pytest.skip(f"second fresh set not found at {reading.FRESH2} (see tests/fixtures/labels/articles-fresh2/MANIFEST.tsv)")
    assert tuple(reading.split_fresh2()[1]) == reading.FRESH2_UNSEEN
    unseen = totals["fresh2 unseen"]
    assert unseen.labelled >= 25, "the fresh2 labels lost statements"
    assert unseen.recall >= FRESH2_UNSEEN_RECALL, f"fresh2 unseen recall {unseen.recall:.2f} ({unseen.found}/{unseen.labelled})"
    assert unseen.precision >= FRESH2_UNSEEN_PRECISION, f"fresh2 unseen precision {unseen.precision:.2f} ({unseen.correct}/{unseen.extracted})"
