"""Fit the article judgement (:mod:`lineage.ingest.article_judge`) from the labelled articles, and say how it does on
documents it did not learn from.

Run: ``python benchmarks/train_article_judge.py`` (``--write`` stores the weights in
``lineage/ingest/article_judge.json``; ``--threshold T`` fixes the threshold instead of choosing it; ``--quick`` fits
on the first six documents only and writes nothing).

Data: every candidate draft the readers propose (:func:`lineage.ingest.article.pool`) in the labelled articles —
``../shared/corpus/articles/*.labels.md``, ``articles2/*.labels.yaml`` and, when their texts are at
``../heldout-articles``, the fresh ones — labelled 1 when it says a labelled statement of its document (subject,
relation, object or number, as :func:`benchmarks.articles.same` matches) and no ``not_uses`` one, else 0.  Only the
predicates :mod:`benchmarks.reading` scores are judged.

Model: L2-regularised logistic regression over the named features of
:func:`lineage.ingest.article_judge.features`, fitted by Newton's method (numpy only).

Out of sample: **leave-one-document-out** — each document's candidates are judged by weights fitted on all the other
documents, its kept drafts merged and scored as :mod:`benchmarks.reading` scores them; the table sums the documents.
The threshold is the lowest one whose pooled leave-one-out precision reaches :data:`TARGET_PRECISION`.  The weights
written are fitted on every document; the figures to quote are the leave-one-out ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from articles import Names, same, statements  # noqa: E402
from reading import ARTICLES, ARTICLES2, FRESH, FRESH_LABELS, SCORED, Labelled, score, total, yaml_statements  # noqa: E402

from lineage.catalog import Catalog  # noqa: E402
from lineage.domain import EntityKind  # noqa: E402
from lineage.ingest.article import ArticleResolver, merged, pool, read_article  # noqa: E402
from lineage.ingest.article_judge import WEIGHTS, counts, features, statement_key  # noqa: E402
from lineage.ingest.text import alias_patterns  # noqa: E402

TARGET_PRECISION = 0.95
L2 = 1.0
THRESHOLDS = [round(t, 2) for t in np.arange(0.05, 0.96, 0.05)]


@dataclass
class Doc:
    name: str
    group: str
    drafts: list
    """Every candidate with its cues' role accepted or not."""
    rows: list[dict[str, float]]
    y: list[int]
    judged: list[bool]
    labelled: Labelled


def documents(catalog: Catalog) -> list[Doc]:
    names = Names(catalog)
    devices = alias_patterns(catalog, EntityKind.HARDWARE)
    sources: list[tuple[str, Path, Labelled]] = []
    for labels in sorted(ARTICLES.glob("*.labels.md")):
        text = labels.with_name(labels.name.replace(".labels.md", ".md"))
        sts, _ = statements(labels, names)
        sources.append(("articles", text, Labelled(text.name, sts)))
    for labels in sorted(ARTICLES2.glob("*.labels.yaml")):
        sources.append(("articles2", labels.with_name(labels.name.replace(".labels.yaml", ".md")),
                        yaml_statements(labels, names, devices)))
    for labels in sorted(FRESH_LABELS.glob("*.labels.yaml")) if FRESH.is_dir() else []:
        text = FRESH / labels.name.replace(".labels.yaml", ".md")
        if text.is_file():
            sources.append(("fresh", text, yaml_statements(labels, names, devices)))
    out = []
    for group, text, labelled in sources:
        r = ArticleResolver(catalog)
        found, _ = pool(read_article(text), r)
        said = counts(found)
        rows = [features(d, r, said[statement_key(d)]) for d in found]
        judged = [d.predicate in SCORED for d in found]
        y = [int(any(same(d, st) for st in labelled.statements) and not any(same(d, st) for st in labelled.negated))
             for d in found]
        out.append(Doc(text.stem, group, found, rows, y, judged, labelled))
    return out


def fit(rows: list[dict[str, float]], y: list[int], names: list[str]) -> tuple[np.ndarray, float]:
    """L2 logistic regression by Newton's method: (weights aligned with ``names``, bias)."""
    X = np.array([[1.0] + [r.get(n, 0.0) for n in names] for r in rows])
    t = np.array(y, dtype=float)
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], L2)
    reg[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (p - t) + reg * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + np.diag(reg) + 1e-6 * np.eye(X.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[1:], float(w[0])


def probabilities(rows: list[dict[str, float]], w: np.ndarray, b: float, names: list[str]) -> np.ndarray:
    X = np.array([[r.get(n, 0.0) for n in names] for r in rows]) if rows else np.zeros((0, len(names)))
    return 1 / (1 + np.exp(-np.clip(X @ w + b, -30, 30)))


def kept(doc: Doc, p: np.ndarray, threshold: float) -> list:
    """The drafts the judgement keeps: judged ones at or above the threshold, the others by the cues' role."""
    out = []
    for d, pr, judged in zip(doc.drafts, p, doc.judged):
        if (pr >= threshold) if judged else d.role in ("uses", "states"):
            out.append(d)
    return merged(out)


def cues_only(doc: Doc) -> list:
    return merged([d for d in doc.drafts if d.role in ("uses", "states")])


def feature_names(docs: list[Doc]) -> list[str]:
    return sorted({k for d in docs for r, j in zip(d.rows, d.judged) if j for k in r})


def train_set(docs: list[Doc]) -> tuple[list[dict[str, float]], list[int]]:
    rows, y = [], []
    for d in docs:
        rows += [r for r, j in zip(d.rows, d.judged) if j]
        y += [t for t, j in zip(d.y, d.judged) if j]
    return rows, y


def leave_one_out(docs: list[Doc], names: list[str]) -> list[np.ndarray]:
    """Each document's probabilities from weights fitted on every other document."""
    out = []
    for i, doc in enumerate(docs):
        rows, y = train_set(docs[:i] + docs[i + 1 :])
        w, b = fit(rows, y, names)
        out.append(probabilities(doc.rows, w, b, names))
    return out


def line(label: str, scores) -> str:
    s = total(scores)
    return f"{label:34} precision {s.precision:5.2f} ({s.correct:3}/{s.extracted:3})   recall {s.recall:5.2f} ({s.found:3}/{s.labelled:3})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"store the weights in {WEIGHTS.relative_to(ROOT)}")
    parser.add_argument("--threshold", type=float, help="fixed threshold (default: chosen by leave-one-out precision)")
    parser.add_argument("--quick", action="store_true", help="the first six documents only, nothing written")
    args = parser.parse_args(argv)
    if not ARTICLES2.is_dir():
        print(f"labelled corpus not found at {ARTICLES2}", file=sys.stderr)
        return 2
    catalog = Catalog.load()
    docs = documents(catalog)[: 6 if args.quick else None]
    names = feature_names(docs)
    loo = leave_one_out(docs, names)
    groups = sorted({d.group for d in docs})
    print(f"{len(docs)} documents ({', '.join(f'{g}: {sum(d.group == g for d in docs)}' for g in groups)}), "
          f"{sum(sum(d.judged) for d in docs)} judged candidates ({sum(sum(t for t, j in zip(d.y, d.judged) if j) for d in docs)} "
          f"statements), {len(names)} features")
    print(line("cues only (no weights), all", [score(d.name, cues_only(d), d.labelled) for d in docs]))
    curve = []
    for t in THRESHOLDS:
        scores = [score(d.name, kept(d, p, t), d.labelled) for d, p in zip(docs, loo)]
        curve.append((t, total(scores)))
        print(line(f"leave-one-document-out t={t:.2f}", scores))
    chosen = args.threshold or next((t for t, s in curve if s.precision >= TARGET_PRECISION), THRESHOLDS[-1])
    by_group = {}
    for g in groups:
        members = [(d, p) for d, p in zip(docs, loo) if d.group == g]
        by_group[g] = total([score(d.name, kept(d, p, chosen), d.labelled) for d, p in members])
        print(line(f"  t={chosen:.2f} {g}", [score(d.name, kept(d, p, chosen), d.labelled) for d, p in members]))
    rows, y = train_set(docs)
    w, b = fit(rows, y, names)
    s = dict(curve)[chosen] if chosen in dict(curve) else total([score(d.name, kept(d, p, chosen), d.labelled) for d, p in zip(docs, loo)])
    model = {
        "about": "lineage.ingest.article_judge: logistic weights over named general features; refit with "
                 "python benchmarks/train_article_judge.py --write",
        "bias": round(b, 4),
        "threshold": chosen,
        "predicates": sorted(p.value for p in SCORED),
        "weights": {n: round(float(v), 4) for n, v in sorted(zip(names, w), key=lambda x: -abs(x[1]))},
        "fitted_on": [f"{d.group}/{d.name}" for d in docs],
        "leave_one_document_out": {"precision": round(s.precision, 3), "recall": round(s.recall, 3),
                                   "correct": s.correct, "extracted": s.extracted, "found": s.found, "labelled": s.labelled,
                                   **{g: {"precision": round(v.precision, 3), "recall": round(v.recall, 3)} for g, v in by_group.items()}},
    }
    print(f"threshold {chosen}; weights:")
    for n, v in model["weights"].items():
        print(f"  {v:+7.3f}  {n}")
    if args.write and not args.quick:
        WEIGHTS.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"written {WEIGHTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
