"""The one judgement of article candidates (lineage.ingest.article_judge) and its fitting (benchmarks/train_article_judge.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from lineage.ingest.article import ArticleResolver, merged, pool, read, read_article
from lineage.ingest.article_judge import ACCEPTED, DOUBT, WEIGHTS, Judge, counts, features, statement_key

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

TEXT = """# Two models

DeepSeek-V3 uses Multi-head Latent Attention (MLA) and has 671B total parameters with 37B active.

| Model | Attention | Context |
|---|---|---|
| Kimi K2 | MLA | 128K |
| Llama 3 | GQA, not MLA | 8K |
"""


@pytest.fixture
def candidates(catalog, tmp_path):
    path = tmp_path / "a.md"
    path.write_text(TEXT)
    article = read_article(path)
    r = ArticleResolver(catalog)
    found, _ = pool(article, r)
    return article, r, found


def test_every_candidate_carries_its_shape_and_the_cues_role(candidates):
    _, _, found = candidates
    shapes = {d.shape for d in found}
    assert {"prose", "unit-row"} <= shapes and "" not in shapes
    rows = {(d.snippet.split("|")[1].strip() if "|" in d.snippet else d.snippet[:8], d.object): d.role for d in found
            if d.shape == "unit-row" and d.object}
    assert rows, found
    assert [role for (_, obj), role in rows.items() if obj == "mla" and role not in ACCEPTED], rows


def test_features_name_no_model_technique_or_document(candidates, catalog):
    _, r, found = candidates
    said = counts(found)
    names = {k for d in found for k in features(d, r, said[statement_key(d)])}
    ids = {e.id for e in catalog.entities.values()}
    assert names and not {n.split("=")[-1] for n in names} & ids
    assert any(n.startswith("shape=") for n in names) and any(n.startswith("role=") for n in names)


def test_without_weights_the_reader_keeps_what_the_cues_accept(candidates, catalog):
    article, _, found = candidates
    assert not WEIGHTS.is_file() or Judge.load().predicates, "a shipped weights file must name what it judges"
    drafts, unread = read(article, catalog)
    if WEIGHTS.is_file():
        pytest.skip("weights shipped: the learned judgement, not the cues alone, decides")
    want = merged([d for d in found if d.role in ACCEPTED])
    key = lambda d: (d.subject, d.predicate, d.object, d.value, d.locator)  # noqa: E731
    assert sorted(map(key, drafts), key=str) == sorted(map(key, want), key=str)
    assert any(u.role == "negation" for u in unread)


def test_weights_decide_the_predicates_they_judge_and_only_those(candidates, tmp_path):
    _, r, found = candidates
    path = tmp_path / "judge.json"
    path.write_text(json.dumps({"bias": 0.0, "threshold": 0.5, "predicates": ["uses"], "weights": {"predicate=uses": -20}}))
    judge = Judge.load(path)
    said = counts(found)
    uses = [d for d in found if d.predicate.value == "uses"]
    others = [d for d in found if d.predicate.value != "uses"]
    assert uses and others
    for d in uses:
        role = judge.role(d, r, said[statement_key(d)])
        assert role not in ACCEPTED and (role == DOUBT or role == d.role)
    assert all(judge.role(d, r) == d.role for d in others)
    keen = tmp_path / "keen.json"
    keen.write_text(json.dumps({"bias": 20.0, "threshold": 0.5, "predicates": ["uses"], "weights": {}}))
    assert all(Judge.load(keen).role(d, r) == "uses" for d in uses)  # the weights may also accept what a cue doubted


def test_the_fit_learns_a_feature_that_decides_the_label():
    import numpy as np
    from train_article_judge import fit, probabilities

    rows = [{"a": float(i % 2), "b": float(i % 3 == 0)} for i in range(60)]
    y = [i % 2 for i in range(60)]
    w, b = fit(rows, y, ["a", "b"])
    assert w[0] > 2 and abs(w[1]) < 1
    p = probabilities(rows, w, b, ["a", "b"])
    assert np.all(p[np.array(y) == 1] > 0.8) and np.all(p[np.array(y) == 0] < 0.2)


def test_leave_one_document_out_scores_each_document_by_weights_fitted_without_it(catalog):
    import reading
    from train_article_judge import Doc, cues_only, documents, feature_names, leave_one_out

    if not reading.ARTICLES2.is_dir():
        pytest.skip(f"labelled articles not found under {reading.CORPUS}")
    docs = documents(catalog)
    assert len(docs) >= 17 and all(isinstance(d, Doc) and len(d.rows) == len(d.drafts) == len(d.y) for d in docs)
    judged = [t for d in docs for t, j in zip(d.y, d.judged) if j]
    assert 0 < sum(judged) < len(judged), "both labels must occur, or nothing is learned"
    loo = leave_one_out(docs, feature_names(docs))
    assert [len(p) for p in loo] == [len(d.drafts) for d in docs]
    cues = reading.total([reading.score(d.name, cues_only(d), d.labelled) for d in docs])
    # floors a little under what was measured (all 22 documents: precision 0.83 (170/205), recall 0.54 (152/279))
    assert cues.labelled >= 250 and cues.recall >= 0.52, f"cues alone, all documents: recall {cues.recall:.2f}"
    assert cues.precision >= 0.80, f"cues alone, all documents: precision {cues.precision:.2f}"
