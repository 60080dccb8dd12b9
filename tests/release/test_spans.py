"""Quoted text becomes offsets and a hash; re-cutting checks the hash (lineage.store.spans)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lineage.domain import Evidence, Method, SourceKind
from lineage.errors import SourceFormatError
from lineage.store.spans import locate, recut, redact, span_hash

TEXT = "Title page.\fWe employ the Muon\noptimizer  for all matrices. Other text.\fWe employ the Muon optimizer again."


def evidence(snippet: str, locator: str = "p. 2") -> Evidence:
    return Evidence(source="report:x", source_kind=SourceKind.PRIMARY, locator=locator, snippet=snippet,
                    method=Method.TEXT, retrieved_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_redacted_evidence_keeps_offsets_and_hash_not_the_text():
    ev = redact(evidence("We employ the Muon optimizer for all matrices."), TEXT)
    assert ev.snippet == ""
    assert (ev.span_start, ev.span_end) == (12, 59)
    assert ev.span_sha256 == span_hash("We employ the Muon optimizer for all matrices.")


def test_the_span_is_searched_on_the_page_the_locator_names():
    assert locate(TEXT, "We employ the Muon optimizer", "p. 3")[0] == TEXT.index("We employ the Muon optimizer again")
    assert locate(TEXT, "We employ the Muon optimizer", "p. 2")[0] == 12


def test_a_clipped_snippet_is_located_by_its_prefix():
    assert locate(TEXT, "We employ the Muon opt…", "p. 2") == (12, 34)


def test_recut_gives_the_snippet_back_and_refuses_another_document():
    ev = redact(evidence("We employ the Muon optimizer for all matrices."), TEXT)
    assert recut(ev, TEXT, "report.pdf") == "We employ the Muon optimizer for all matrices."
    tampered = TEXT.replace("Muon", "Adam")
    with pytest.raises(SourceFormatError, match='document "report.pdf" does not match the release'):
        recut(ev, tampered, "report.pdf")


def test_text_not_found_is_emptied_without_a_span():
    ev = redact(evidence("A sentence that is not there."), TEXT)
    assert ev.snippet == "" and ev.span_sha256 is None


def test_front_matter_values_are_kept():
    ev = evidence("base_model: org/name", "README.md front matter: base_model")
    assert redact(ev, TEXT) is ev
