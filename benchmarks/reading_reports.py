"""Report reading quality, in sample and out of sample side by side.

Run: ``python benchmarks/reading_reports.py [--detail] [--quick]``. In sample: the labelled corpus reports the rules
were written against (``corpus`` with ``--model``, ``new`` without). Out of sample: ``heldout`` (labs absent
from the corpus; PDFs under ``$LINEAGE_HELDOUT_REPORTS``, see tests/fixtures/labels/heldout/README.md), also
scored by split: ``seen`` (misses studied while rules were written) and ``unseen`` (kept out of sight; its
misses are never printed).
``benchmarks/reading.py`` calls :func:`report_lines`.  ``--quick`` (a smoke run) scores the first labelled report
of each set alone (:func:`quick_corpus`): every line, from three PDFs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import yaml

from lineage.catalog import Catalog, vocabulary_seed
from lineage.ingest import idea_quality
from lineage.ingest.report_quality import SETS, heldout_dir, label_files, pdf_for, score

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
VOCABULARY_LABELS = ROOT / "tests" / "fixtures" / "labels" / "ideas" / "vocabulary.yaml"


def report_lines(corpus: Path = CORPUS, detail: bool = False) -> list[str]:
    """One line per label set (in sample: corpus, new; out of sample: heldout), plus misses with ``detail``."""
    catalog = Catalog.load()
    lines = []
    for which in SETS:
        found = score(which, corpus, catalog)
        if found is None:
            lines.append(f"{which:8} (no PDFs here)")
            continue
        kind = "out of sample" if which == "heldout" else "in sample"
        lines.append(f"{found.line()}  [{kind}]")
        lines.append("  " + _beyond_catalog(found, catalog))
        if which == "heldout":
            for split in ("seen", "unseen"):
                lines.append(f"  {found.part(split).line()}")
            unseen = found.part("unseen")
            for batch in sorted({r.batch for r in unseen.reports}):
                lines.append(f"    {unseen.batch(batch).line()}")
        if detail:
            for r in found.reports:
                if r.split == "unseen":  # its misses stay unread, or it is no longer out of sample
                    continue
                if r.fp or r.fn or not r.subject_ok:
                    lines.append(f"    {r.name}: subject {r.subject_found} (want {r.subject_expected})"
                                 f" FP {sorted(r.fp)} FN {sorted(r.fn)}" + (f" error: {r.error}" if r.error else ""))
    found = idea_quality.discovered(corpus, catalog)
    labelled = idea_quality.labels()
    outside = idea_quality.out_of_sample(found)
    lines.append("discovered ideas (bibliography titles and spelled-out names; labels: tests/fixtures/labels/ideas/):")
    lines.append("  " + idea_quality.score(found, labelled, set(found) - outside).line("in sample"))
    lines.append("  " + idea_quality.score(found, labelled, outside).line("out of sample"))
    q = vocabulary_seed.quality(yaml.safe_load(VOCABULARY_LABELS.read_text()))
    lines.append("imported vocabulary of ideas (seeds/vocabulary.yaml; labels: a seeded sample, "
                 "tests/fixtures/labels/ideas/vocabulary.yaml, drawn after the import rules were fixed):")
    lines.append("  " + "  ".join(f"{k} {r / n:.3f} ({r}/{n})" for k, (r, n) in q.items()))
    return lines


def _beyond_catalog(found, catalog: Catalog) -> str:
    """Uses of techniques outside the curated catalog (imported from the vocabulary, or discovered ids the labels
    name), scored alone."""
    def outside(ids):
        return {i for i in ids if i not in catalog.entities or catalog.entities[i].curation != "curated"}

    tp = sum(len(outside(r.tp)) for r in found.reports)
    fp = sum(len(outside(r.fp)) for r in found.reports)
    fn = sum(len(outside(r.fn)) for r in found.reports)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    return f"of which outside the curated catalog: precision {prec:.3f} recall {rec:.3f} (TP {tp}, FP {fp}, FN {fn})"


def quick_corpus(folder: Path, corpus: Path = CORPUS) -> Path:
    """A corpus in ``folder`` holding the first labelled report of each set whose PDF is here (links to it), the
    held-out one in ``folder/heldout``, which ``$LINEAGE_HELDOUT_REPORTS`` then names."""
    heldout = folder / "heldout"
    heldout.mkdir(parents=True)
    for which in SETS:
        for label_path in label_files(which):
            label = yaml.safe_load(label_path.read_text())
            path = pdf_for(which, label, corpus)
            if path.exists():
                link = pdf_for(which, label, folder) if which != "heldout" else heldout / path.name
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(path)
                break
    os.environ["LINEAGE_HELDOUT_REPORTS"] = str(heldout)
    assert heldout_dir() == heldout
    return folder


if __name__ == "__main__":
    detail = "--detail" in sys.argv
    if "--quick" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            print("\n".join(report_lines(quick_corpus(Path(tmp)), detail=detail)))
    else:
        print("\n".join(report_lines(detail=detail)))
