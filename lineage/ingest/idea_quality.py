"""How well bibliography discovery names ideas, scored against hand labels (``tests/fixtures/labels/ideas/``).

:func:`discovered` runs :func:`lineage.ingest.bibliography.discover` on every report PDF of a corpus
folder (and of the held-out folder, when present); :func:`score` compares what it finds with the labels:
precision (labelled ideas over labelled finds), ids nobody labelled yet, and duplicate ids of one idea.
The rules were written against the corpus reports; ideas found only in held-out reports are out of sample.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lineage.catalog import Catalog
from lineage.ingest.report_quality import LABELS, heldout_dir

IDEA_LABELS = LABELS / "ideas" / "discovered.yaml"


def discovered(corpus: Path, catalog: Catalog | None = None, read_pdf: Callable | None = None) -> dict[str, dict]:
    """id -> {"found_in": report file names, "category", "origin"} over every report PDF found.

    ``read_pdf(path)`` reads a PDF (:func:`lineage.ingest.pdf.read_pdf` by default; the tests pass one
    that reads each PDF once per run)."""
    from lineage.ingest import bibliography, references
    from lineage.ingest.pdf import read_pdf as read

    read_pdf = read_pdf or read
    from lineage.ingest.report import body_sentences

    catalog = catalog or Catalog.load()
    paths = sorted(corpus.rglob("*.pdf")) + (sorted(heldout_dir().glob("*.pdf")) if heldout_dir().is_dir() else [])
    out: dict[str, dict] = defaultdict(lambda: {"found_in": set(), "category": None, "origin": None})
    for path in paths:
        pdf = read_pdf(path)
        found = bibliography.discover(references.parse(pdf.references_text(), catalog), catalog, path.name,
                                      f"urn:lineage:{path.name}", body_sentences(pdf))
        for idea in found.ideas:
            t = idea.technique
            row = out[t.id]
            row["found_in"].add(path.name)
            row["category"] = row["category"] or t.category.value
            row["origin"] = row["origin"] or t.introduced_in
    return dict(out)


@dataclass
class IdeaScore:
    """Labelled finds: how many name an idea, which are unlabelled, which duplicate another id."""

    ideas: int = 0
    not_ideas: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        total = self.ideas + len(self.not_ideas)
        return self.ideas / total if total else 1.0

    def line(self, name: str) -> str:
        return (f"{name:12} ideas {self.ideas + len(self.not_ideas):>4}  precision {self.precision:.3f} "
                f"(not ideas: {len(self.not_ideas)}; duplicate ids: {len(self.duplicates)}; unlabelled: {len(self.unlabelled)})")


def labels(path: Path = IDEA_LABELS) -> dict[str, dict]:
    return {row["id"]: row for row in yaml.safe_load(path.read_text())}


def score(found: dict[str, dict], labelled: dict[str, dict], only: set[str] | None = None) -> IdeaScore:
    """Score the ids of ``found`` (all, or those in ``only``) against ``labelled``."""
    out = IdeaScore()
    for ident in sorted(found if only is None else set(found) & only):
        row = labelled.get(ident)
        if row is None:
            out.unlabelled.append(ident)
        elif row["idea"]:
            out.ideas += 1
            if row.get("same_as"):
                out.duplicates.append((ident, row["same_as"]))
        else:
            out.not_ideas.append(ident)
    return out


def out_of_sample(found: dict[str, dict]) -> set[str]:
    """Ids found only in held-out reports (the rules never saw them)."""
    held = {p.name for p in heldout_dir().glob("*.pdf")} if heldout_dir().is_dir() else set()
    return {i for i, row in found.items() if row["found_in"] and row["found_in"] <= held}
