"""Sentence splitting shared by every prose reader (lineage.ingest.text)."""

from __future__ import annotations

from lineage.ingest.text import sentences


def texts(page: str) -> list[str]:
    return [s.text for s in sentences(page, 1)]


def test_an_abbreviations_full_stop_ends_no_sentence():
    assert texts("We use Zebra Routing (ZR, Smith et al. (2024)) for stability.") == [
        "We use Zebra Routing (ZR, Smith et al. (2024)) for stability."
    ]
    assert texts("Other models, e.g. Omega, route tokens. See Fig. 3 and Tab. 2.") == [
        "Other models, e.g. Omega, route tokens.", "See Fig. 3 and Tab. 2."
    ]


def test_a_citation_before_a_full_stop_still_ends_its_sentence():
    assert texts("We use Zebra Routing (Smith et al., 2024). Then we train.") == [
        "We use Zebra Routing (Smith et al., 2024).", "Then we train."
    ]
