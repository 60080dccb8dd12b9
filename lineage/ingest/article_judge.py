"""One judgement of every article candidate: learned weights over general features, kept as inspectable JSON.

Every reader of :mod:`lineage.ingest.article` proposes candidate drafts (a subject and a technique, number, lab or
device inside one sentence, list item, table row or parenthetical), each with the role the phrasing cues of
:data:`lineage.ingest.article_units.CUES` read around it.  Here one logistic model decides whether the candidate is
a statement about its subject, from features that name no model, sentence or document:

- what kind of statement it is (its predicate) and which structural shape proposed it (``shape``);
- the cues' role (uses, negation, comparison, plan, hypothetical) and the cues anywhere in its unit;
- whether the subject is an open-world name, whether the unit names the subject itself, how many models and
  techniques the unit names, how far apart the subject and the object are written;
- how often the article proposes the same statement, and the unit's length.

The weights would live in :data:`WEIGHTS` (``article_judge.json``: feature -> weight, the bias and the threshold, with
the documents it was fitted on and its leave-one-document-out figures); ``python benchmarks/train_article_judge.py
--write`` fits it from the labelled articles, and at run time only this module's pure Python is needed.  **No weights
file is shipped**: fitted on the 22 labelled articles, the weights did not beat the cues on documents they did not
learn from (leave-one-document-out precision 0.81-0.87 at every threshold, against 0.83 for the cues alone; see
``benchmarks/results/reading.txt``), so without the file every candidate keeps the cues' role — the reader's
behaviour before this module.  A predicate the file does not judge (hardware ties, benchmark scores, prices) keeps
the cues' role too.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lineage.domain import Predicate
from lineage.ingest.article_units import CUES

WEIGHTS = Path(__file__).with_name("article_judge.json")
ACCEPTED = ("uses", "states")
DOUBT = "low confidence"
"""The role of a candidate the cues accepted and the weights turned down."""


def _bucket(n: int, top: int) -> str:
    return str(min(n, top))


def features(d, r, said: int = 1) -> dict[str, float]:
    """The general features of candidate ``d`` (an :class:`~lineage.ingest.article_tables.ArticleStatement`), named.

    ``r`` is the article :class:`~lineage.ingest.article.Resolver`; ``said``: how many candidates of the article say
    the same statement."""
    text = d.snippet or ""
    found = r.find(text)
    models = [m for m in found if m.kind in ("model", "family")]
    techniques = {m.ids[0] for m in found if m.kind == "technique"}
    f: dict[str, float] = {
        f"predicate={d.predicate.value}": 1.0,
        f"shape={d.shape or 'other'}": 1.0,
        f"role={d.role}": 1.0,
        f"models={_bucket(len({m.ids[0] for m in models}), 3)}": 1.0,
        f"techniques={_bucket(len(techniques), 3)}": 1.0,
        "log length": math.log1p(len(text)) / 5,
        "said again": 1.0 if said > 1 else 0.0,
        "open-world subject": 1.0 if "name" in d.qualifiers else 0.0,
        "uncheckable": 1.0 if "uncheckable" in d.qualifiers else 0.0,
    }
    for cue in ("negation", "comparison", "plan", "hypothetical", "first person", "adoption"):
        if CUES[cue].search(text):
            f[f"cue {cue}"] = 1.0
    near = d.context or text  # the candidate's own words: a row's cell and header, an item's label, a clause
    if near is not text:
        f[f"near techniques={_bucket(len({m.ids[0] for m in r.find(near) if m.kind == 'technique'}), 2)}"] = 1.0
        f["near models"] = 1.0 if any(m.kind in ("model", "family") for m in r.find(near)) else 0.0
        f["near list"] = 1.0 if re.search(r"[,/+;]|\band\b|→|->", near) else 0.0
        for cue in ("negation", "comparison", "plan", "hypothetical"):
            if CUES[cue].search(near):
                f[f"near {cue}"] = 1.0
    name = d.qualifiers.get("name")
    subject_at = [m.start for m in models if d.subject in m.ids]
    if name and name.lower() in text.lower():
        subject_at.append(text.lower().index(name.lower()))
    f["subject named"] = 1.0 if subject_at else 0.0
    object_at = [m.start for m in found if d.object and d.object in m.ids]
    if subject_at and object_at:
        gap = min(abs(a - b) for a in subject_at for b in object_at)
        f["subject-object distance"] = min(gap, 300) / 100
        f["object before subject"] = 1.0 if min(object_at) < min(subject_at) else 0.0
    elif d.object:
        f["object named"] = 1.0 if object_at else 0.0
    return f


def statement_key(d) -> tuple:
    return (d.subject, d.predicate, d.object, d.value)


@dataclass
class Judge:
    """Logistic weights over :func:`features`; :meth:`role` is the one judgement of a candidate."""

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.5
    predicates: frozenset[str] = frozenset()
    """The predicates the weights judge; any other keeps the cues' role."""

    @classmethod
    def load(cls, path: Path | None = None) -> Judge:
        p = Path(path or WEIGHTS)
        stat = p.stat() if p.is_file() else None
        return _load(str(p), (stat.st_mtime_ns, stat.st_size) if stat else None)

    def probability(self, f: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in f.items())
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def judges(self, d) -> bool:
        return d.predicate.value in self.predicates

    def role(self, d, r, said: int = 1) -> str:
        """``uses``/``states`` when the candidate is a statement about its subject, else why not (the cues' role, or
        :data:`DOUBT` when only the weights turn it down)."""
        if not self.judges(d):
            return d.role
        if self.probability(features(d, r, said)) >= self.threshold:
            return "uses" if d.predicate is Predicate.USES else "states"
        return d.role if d.role not in ACCEPTED else DOUBT


@lru_cache(maxsize=4)
def _load(path: str, version: tuple[int, int] | None) -> Judge:
    """The judge of the weights file at ``path`` (read again when its ``version``, mtime and size, changes)."""
    if version is None:
        return Judge()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Judge(weights={k: float(v) for k, v in data["weights"].items()}, bias=float(data["bias"]),
                 threshold=float(data["threshold"]), predicates=frozenset(data["predicates"]))


def counts(drafts) -> dict[tuple, int]:
    """How many candidates say each statement (the ``said`` of :func:`features`)."""
    out: dict[tuple, int] = {}
    for d in drafts:
        out[statement_key(d)] = out.get(statement_key(d), 0) + 1
    return out

