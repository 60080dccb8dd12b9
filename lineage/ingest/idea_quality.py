"""How well bibliography discovery names ideas, scored against hand labels (``tests/fixtures/labels/ideas/``).

:func:`discovered` runs :func:`lineage.ingest.bibliography.discover` and :func:`lineage.ingest.proposals.find`
(names a report proposes, or adopts citing their origin, with an acronym) on every report PDF of a corpus
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
from lineage.catalog.resolver import Resolver
from lineage.ingest import bibliography, proposals, references
from lineage.ingest.pdf import read_pdf as default_read_pdf
from lineage.ingest.report_quality import LABELS, heldout_dir

IDEA_LABELS = LABELS / "ideas" / "discovered.yaml"


def discovered(corpus: Path, catalog: Catalog | None = None, read_pdf: Callable | None = None) -> dict[str, dict]:
    """id -> {"found_in": report file names, "category", "origin", "how"} over every report PDF found.

    ``read_pdf(path)`` reads a PDF (:func:`lineage.ingest.pdf.read_pdf` by default; the tests pass one
    that reads each PDF once per run)."""
    from lineage.ingest.report import body_sentences  # deferred for start-up: pydantic

    read_pdf = read_pdf or default_read_pdf

    catalog = catalog or Catalog.load()
    paths = sorted(corpus.rglob("*.pdf")) + (sorted(heldout_dir().glob("*.pdf")) if heldout_dir().is_dir() else [])
    out: dict[str, dict] = defaultdict(lambda: {"found_in": set(), "category": None, "origin": None, "how": None})
    resolver = Resolver(catalog)
    for path in paths:
        pdf = read_pdf(path)
        bib, body, url = references.parse(pdf.references_text(), catalog), body_sentences(pdf), f"urn:lineage:{path.name}"
        proposed = proposals.find(body, resolver, bib, None, None, None, path.name, url)
        known = catalog.with_discovered([p.technique for p in proposed.proposals] + proposed.papers)
        found = bibliography.discover(bib, known, path.name, url, body)  # after the proposals, as a report is read
        for t in [i.technique for i in found.ideas] + [p.technique for p in proposed.proposals]:
            row = out[t.id]
            row["found_in"].add(path.name)
            row["category"] = row["category"] or t.category.value
            row["origin"] = row["origin"] or t.introduced_in
            row["how"] = row["how"] or how(t)
    return dict(out)


def how(technique) -> str:
    """The rule that found an idea, from its source note: title, whole title, spelled out, proposed, adopted."""
    note = technique.sources[0].note or ""
    for phrase, name in (("whole title", "whole title"), ("title", "title"), ("spelled out", "spelled out"),
                         ("proposed", "proposed"), ("adopted", "adopted")):
        if phrase in note:
            return name
    return "other"


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
    return {i for i, row in found.items() if row["found_in"] and set(row["found_in"]) <= held}
