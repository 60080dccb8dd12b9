"""How well the report path reads reports, scored against hand labels (in sample and out of sample).

Labels (``tests/fixtures/labels/``) come in three sets:

- ``corpus``: ``labels/*.yaml``, reports in ``<corpus>/reports/`` (scored with ``--model`` given, as a
  user who knows the model would run it);
- ``new``: ``labels/new/*.yaml``, reports in ``<corpus>/new/reports/`` (no ``--model``);
- ``heldout``: ``labels/heldout/*.yaml``, reports of labs absent from the corpus, kept outside the
  project (no ``--model``). The report rules were written against the first two sets, so only
  ``heldout`` is out of sample.

:func:`score` runs :func:`lineage.ingest.report.prepare` on every labelled report it can find and
counts: the subject named (the label's ``models`` equal the ids found), and ``uses`` true/false
positives and misses (``ignore`` is not scored). A report whose subject cannot be found counts all
its ``uses`` as misses. A label with ``scope: catalog`` was written before the reader ran on its report and
names catalog techniques only: ideas the reader discovers in it are not scored there (their own labels are in
``labels/ideas/``). A held-out label's ``split`` says whether its misses were studied while rules were written
(``seen``) or kept unseen (``unseen``, chosen by a hash of the file name before anyone looked).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from lineage.catalog import Catalog
from lineage.errors import LineageError

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "fixtures" / "labels"

if TYPE_CHECKING:
    from lineage.ingest.report import PreparedReport

Prepare = Callable[[Path, "str | None"], "PreparedReport"]
"""``prepare(path, model)``: a report PDF analysed (see :func:`score_one`)."""

SETS = ("corpus", "new", "heldout")


def heldout_dir() -> Path:
    """Where held-out report PDFs are kept (outside the project)."""
    return Path(os.environ.get("LINEAGE_HELDOUT_REPORTS", "/work/heldout-reports"))


def label_files(which: str) -> list[Path]:
    folder = {"corpus": LABELS, "new": LABELS / "new", "heldout": LABELS / "heldout"}[which]
    return sorted(folder.glob("*.yaml"))


def pdf_for(which: str, label: dict, corpus: Path) -> Path:
    if which == "corpus":
        return corpus / "reports" / label["report"]
    if which == "new":
        return corpus / "new" / "reports" / label["report"]
    return heldout_dir() / label["report"]


@dataclass
class ReportScore:
    """One labelled report: what was found against what the label says."""

    name: str
    split: str
    subject_expected: list[str]
    subject_found: list[str]
    tp: set[str] = field(default_factory=set)
    fp: set[str] = field(default_factory=set)
    fn: set[str] = field(default_factory=set)
    mentions_used: set[str] = field(default_factory=set)
    """Techniques the label says the report only mentions, found as uses (the worst kind of false positive)."""
    error: str | None = None
    batch: str = ""
    """When a held-out label was added (its ``batch`` field; empty for the first ones), to score later additions alone."""

    @property
    def subject_ok(self) -> bool:
        return sorted(self.subject_expected) == sorted(self.subject_found)


@dataclass
class SetScore:
    """Totals over one label set."""

    which: str
    reports: list[ReportScore]

    def part(self, split: str) -> SetScore:
        """The reports of one split (``seen`` or ``unseen``), scored alone."""
        return SetScore(f"{self.which}:{split}", [r for r in self.reports if r.split == split])

    def batch(self, batch: str) -> SetScore:
        """The reports of one ``batch`` (labels added together), scored alone."""
        return SetScore(f"{self.which}:{batch or 'first'}", [r for r in self.reports if r.batch == batch])

    @property
    def tp(self) -> int:
        return sum(len(r.tp) for r in self.reports)

    @property
    def fp(self) -> int:
        return sum(len(r.fp) for r in self.reports)

    @property
    def fn(self) -> int:
        return sum(len(r.fn) for r in self.reports)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def subjects(self) -> tuple[int, int]:
        return sum(r.subject_ok for r in self.reports), len(self.reports)

    def line(self) -> str:
        found, total = self.subjects
        return (f"{self.which:8} reports {total:>3}  subject {found}/{total}  uses precision {self.precision:.3f} "
                f"recall {self.recall:.3f} (TP {self.tp}, FP {self.fp}, FN {self.fn})")


def score_one(path: Path, label: dict, catalog: Catalog, model: str | None, prepare: Prepare | None = None) -> ReportScore:
    """One report scored against its label; ``prepare(path, model)`` analyses it (by default
    :func:`lineage.ingest.report.prepare` with ``catalog``; the tests pass one that analyses each PDF once per run)."""
    if prepare is None:
        from lineage.ingest.report import prepare as analyse  # deferred for start-up: pydantic

        def prepare(path: Path, model: str | None):
            return analyse(path, catalog, model=model)

    uses, ignore = set(label["uses"]), set(label.get("ignore", []))
    split, batch = label.get("split", "seen"), str(label.get("batch", ""))
    try:
        found = prepare(path, model).report
    except LineageError as e:
        return ReportScore(label["report"], split, label["models"], [], fn=uses, error=str(e), batch=batch)
    predicted = set(found.uses)
    if label.get("scope") == "catalog":  # written against the curated catalog: its ideas only
        predicted = {t for t in predicted if t in catalog.entities and catalog.entities[t].curation == "curated"}
    out = ReportScore(label["report"], split, label["models"], list(found.models),
                      mentions_used=predicted & set(label.get("mentions", [])), batch=batch)
    if not out.subject_ok:  # uses of the wrong subject are not the labelled model's
        out.fn, out.fp = uses, predicted - ignore
        return out
    out.tp, out.fp, out.fn = predicted & uses, predicted - uses - ignore, uses - predicted
    return out


def score(which: str, corpus: Path, catalog: Catalog | None = None, prepare: Prepare | None = None) -> SetScore | None:
    """Score one label set; None when none of its PDFs is here (``prepare``: as :func:`score_one` takes it)."""
    catalog = catalog or Catalog.load()
    rows = []
    for label_path in label_files(which):
        label = yaml.safe_load(label_path.read_text())
        path = pdf_for(which, label, corpus)
        if not path.exists():
            continue
        model = label["models"][0] if which == "corpus" and len(label["models"]) == 1 else None
        rows.append(score_one(path, label, catalog, model, prepare))
    return SetScore(which, rows) if rows else None
