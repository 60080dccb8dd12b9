"""What a report's first page makes of its model and lab (made-up pages: invented names, no report's sentences)."""

from __future__ import annotations

from pathlib import Path

from lineage.ingest.pdf import PdfText
from lineage.ingest.report import analyse_subjects
from lineage.ingest.report_subjects import subjects


def _pdf(*pages: str) -> PdfText:
    return PdfText(path=Path("velka.pdf"), sha256="0", pages=list(pages))


def test_a_team_named_after_the_model_is_no_lab(catalog):
    first = ("Velka-Q2 Technical Report\nVelka-Q2: Reasoning for Careful Answers\nVelka-Q2 Team\nAbstract\n"
             "We introduce Velka-Q2, a large language model for careful answers. Velka-Q2 is a Mixture-of-Experts model.")
    found = subjects(_pdf(first, "Velka-Q2 uses grouped-query attention in every layer."), catalog, None, None)
    assert found.models == ["velka-q2"]
    kinds = {e.id: e.kind for e in found.entities if e.id == "velka-q2"}
    assert kinds == {"velka-q2": "model"}  # one entity under the model's id, not a lab beside it
    prepared = analyse_subjects(_pdf(first, "Velka-Q2 uses grouped-query attention in every layer."), found)
    assert prepared.report.models == ["velka-q2"]


def test_a_team_named_after_a_lab_is_the_lab(catalog):
    first = ("Velka-Q2 Technical Report\nStrovia Team\nAbstract\nWe introduce Velka-Q2, a large language model.")
    found = subjects(_pdf(first, "More text."), catalog, None, None)
    orgs = [e for e in found.entities if e.kind == "organization"]
    assert [o.id for o in orgs] == ["strovia"]
    model = next(e for e in found.entities if e.kind == "model")
    assert model.organization == "strovia"
