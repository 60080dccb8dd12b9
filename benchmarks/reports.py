"""Report ingestion benchmark: speed, extraction quality, and references side by side with refextract.

Run: ``.venv/bin/python benchmarks/reports.py [--quick]`` (refextract columns need ``pip install
refextract`` and Debian's ``poppler-utils``; without them only lineage's columns are printed).
``--quick`` (a smoke run) reads the first labelled report only and writes no results.

For each report in ``../shared/corpus/reports/``, in one run on one core:
- lineage: seconds to read and fully analyse the PDF as ``lineage ingest pdf`` does before writing
  (:func:`lineage.ingest.report.prepare`: text, subjects, proposals, adoption, references, facts), pages/s;
- precision/recall of ``uses`` against ``tests/fixtures/labels/``;
- references: arXiv ids found by lineage and by refextract, lineage's recall of refextract's ids,
  entries resolved to catalog papers, and refextract's seconds (ratio = refextract / lineage).
Results also go to ``benchmarks/results/reports.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import yaml

from lineage.catalog import Catalog
from lineage.ingest import references
from lineage.ingest.pdf import read_pdf
from lineage.ingest.report import prepare

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
LABELS = ROOT / "tests" / "fixtures" / "labels"
ARXIV = re.compile(r"(\d{4}\.\d{4,5})")


def lineage_run(path: Path, catalog: Catalog, label: dict) -> dict:
    start = time.perf_counter()
    report = prepare(path, catalog, model=label["models"][0] if len(label["models"]) == 1 else None).report
    seconds = time.perf_counter() - start
    pdf = read_pdf(path)
    bib = references.parse(pdf.references_text(), catalog)
    uses, ignore = set(label["uses"]), set(label.get("ignore", []))
    predicted = set(report.uses)
    tp, fp = len(predicted & uses), len(predicted - uses - ignore)
    return {
        "pages": pdf.page_count,
        "seconds": seconds,
        "arxiv_ids": sorted({i for e in bib.entries for i in e.arxiv_ids}),
        "entries": len(bib.entries),
        "resolved": len(bib.resolved),
        "tp": tp,
        "fp": fp,
        "fn": len(uses - predicted),
    }


def refextract_run(path: Path) -> dict | None:
    try:
        from refextract import extract_references_from_file
    except ImportError:
        return None
    start = time.perf_counter()
    refs = extract_references_from_file(str(path))
    seconds = time.perf_counter() - start
    ids = set()
    for r in refs:
        for field in ("reportnumber", "raw_ref"):
            for value in r.get(field, []):
                if "arxiv" in value.lower() or field == "reportnumber":
                    ids.update(ARXIV.findall(value.replace(" ", "")))
    return {"seconds": seconds, "arxiv_ids": sorted(ids), "entries": len(refs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: the first labelled report, no results written")
    args = parser.parse_args()
    catalog = Catalog.load()
    rows = []
    for label_path in sorted(LABELS.glob("*.yaml"))[: 1 if args.quick else None]:
        label = yaml.safe_load(label_path.read_text())
        path = CORPUS / label["report"]
        ours = lineage_run(path, catalog, label)
        theirs = refextract_run(path)
        rows.append({"report": label["report"], "lineage": ours, "refextract": theirs})

    head = f"{'report':44} {'pages':>5} {'s':>6} {'pg/s':>6} {'P':>5} {'R':>5} {'arXiv':>5} {'res':>4}"
    head += f" {'refx s':>7} {'refx arXiv':>10} {'recall':>6} {'speed':>6}"
    print(head)
    total_s = total_rx = 0.0
    tp = fp = fn = 0
    recall_num = recall_den = 0
    for row in rows:
        o, r = row["lineage"], row["refextract"]
        tp, fp, fn = tp + o["tp"], fp + o["fp"], fn + o["fn"]
        precision = o["tp"] / (o["tp"] + o["fp"]) if o["tp"] + o["fp"] else 1.0
        recall = o["tp"] / (o["tp"] + o["fn"]) if o["tp"] + o["fn"] else 1.0
        line = (
            f"{row['report'][:44]:44} {o['pages']:>5} {o['seconds']:>6.2f} {o['pages'] / o['seconds']:>6.0f}"
            f" {precision:>5.2f} {recall:>5.2f} {len(o['arxiv_ids']):>5} {o['resolved']:>4}"
        )
        total_s += o["seconds"]
        if r is not None:
            found = set(o["arxiv_ids"]) & set(r["arxiv_ids"])
            id_recall = len(found) / len(r["arxiv_ids"]) if r["arxiv_ids"] else 1.0
            recall_num, recall_den = recall_num + len(found), recall_den + len(r["arxiv_ids"])
            total_rx += r["seconds"]
            line += f" {r['seconds']:>7.2f} {len(r['arxiv_ids']):>10} {id_recall:>6.2f} {r['seconds'] / o['seconds']:>5.1f}x"
        print(line)
    precision, recall = tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0
    print(f"\nuses over the corpus: precision {precision:.3f}, recall {recall:.3f} (TP {tp}, FP {fp}, FN {fn})")
    print(f"lineage total {total_s:.2f} s for {sum(r['lineage']['pages'] for r in rows)} pages")
    if total_rx:
        print(
            f"refextract total {total_rx:.2f} s: lineage is {total_rx / total_s:.1f}x faster; "
            f"lineage finds {recall_num}/{recall_den} = {recall_num / recall_den:.3f} of refextract's arXiv ids"
        )
    if args.quick:
        return
    out = ROOT / "benchmarks" / "results" / "reports.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
