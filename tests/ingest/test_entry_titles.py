"""Titles of bibliography entries, and when a whole title names a method (lineage.ingest.entry_titles)."""

from __future__ import annotations

import pytest

from lineage.ingest.entry_titles import entry_title, whole_title_name

HEADS = {"attention", "normalization", "parallelism", "sampling", "transformer", "learning", "optimization", "training"}


@pytest.mark.parametrize(("entry", "title"), [
    ("A. B. Smith, C. Li, and D. Wu. Strided block attention. arXiv preprint arXiv:2401.00001, 2024.",
     "Strided block attention"),
    ("Smith, A., Li, C., et al. Strided block attention. In ICML, 2024.", "Strided block attention"),
    ("Alice Smith and Carl Li. 2023. Strided block attention. In Findings of ACL.", "Strided block attention"),
    ("[12] Smith, Alice et al. “Strided block attention”. In: arXiv preprint arXiv:2401.00001 (2024).",
     "Strided block attention"),
    ("A. Smith. Strided block attention, May 2024. URL https://example.org/x.", "Strided block attention"),
    ("A. Smith. In: Proceedings of the conference, 2024.", None),
])
def test_the_title_follows_the_authors_in_every_style(entry, title):
    assert entry_title(entry) == title


@pytest.mark.parametrize(("title", "name"), [
    ("Truncated importance sampling", "Truncated importance sampling"),
    ("Query-key normalization for transformers", "Query-key normalization"),
    ("Ring attention for large language models", "Ring attention"),
    ("Group relative policy optimization", "Group relative policy optimization"),
    ("Knowledge neurons in pretrained transformers", None),
    ("Improving sparse attention", None),
    ("Sparse attention improves reasoning", None),
    ("Deep reinforcement learning", None),
    ("Attention", None),
    ("Sliding window attention", "Sliding window attention"),
    ("Training 7B models with attention sinks at the edge of stability", None),
    ("Our new attention", None),
])
def test_a_whole_title_names_a_method_only_when_it_reads_as_a_name(title, name):
    assert whole_title_name(title, HEADS) == name
