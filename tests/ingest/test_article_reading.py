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
