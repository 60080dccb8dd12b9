"""Reading quality per source kind, in sample and out of sample side by side (issue 26).

Run: ``python benchmarks/reading.py`` (``--docs`` adds one line per in-sample document;
``--misses`` lists the in-sample misses and unmatched claims; held-out documents are never listed,
so nobody tunes a rule on them by reading this output).

**Articles.**  Two label sets:

- ``../shared/corpus/articles/*.labels.md`` (9 articles): the article rules were written against
  them, so they are *in sample*.  Parsed by :mod:`benchmarks.articles` (same checkable rows).
- ``../shared/corpus/articles2/*.labels.yaml`` (8 articles, one machine-readable entry per
  statement).  Split before any of their text was read: the file names (``<name>.md``) sorted by
  the SHA-1 of the name, the first :data:`HELD_OUT_COUNT` are *held out* (out of sample, never read
  while writing rules), the rest are development documents (in sample).  :data:`HELD_OUT` records
  the outcome and :func:`split` recomputes it, so the rule, not a hand-picked list, decides.

- **fresh**: articles by authors absent from ``../shared/corpus``, fetched after the reader was written, labelled
  (``tests/fixtures/labels/articles-fresh/*.labels.yaml``: line numbers, no quotes) *before* the reader was run on them.
  Their texts stay outside the repository, under ``../heldout-articles`` (its ``MANIFEST.tsv``: repo, path,
  commit; a copy sits beside the labels); without that folder the column is skipped with a note.
- **fresh2**: 8 more such articles (ROCm blog posts, Docker Hub model cards), labelled the same way before the reader ran
  (``tests/fixtures/labels/articles-fresh2/``; texts under ``../heldout-articles2``), split by the SHA-1 of the file name
  into a *seen* half (``--docs``/``--misses`` list it; rules may be written against it: in sample) and an *unseen* half
  (:data:`FRESH2_UNSEEN`, totals only).

A labelled statement is *checkable* (scored) when its relation is one lineage writes from an
article — ``uses``, ``developed_by``, ``introduced_by``, ``derived_from``, ``total_params``,
``active_params``, ``context_length``, ``released`` (a YYYY-MM month), ``trained_on``, and an ``other``
entry that says what a model was "trained on N tokens" (training tokens) — and its
object can be compared: a catalog technique (every technique a bundled object names is one
statement), an organization, a model, a number, a month, a catalog device.  Subjects may be
anything: a name the catalog resolves stands for its ids (a family for its members), any other
name for its slug (the open world: lineage writes such a model under ``slug(name)``).

Matching: same relation, the claim's subject among the statement's subjects, object equal (the
technique / organization / device id), number within 5 % (context lengths 3 %: K read as 1,000 or
1,024), month equal; and for **recall** one of the claim's evidence lines within +-1 of a label
line.  **Precision**: every extracted claim of a scored kind that matches no labelled statement
counts as wrong, because both label sets are written to list every checkable statement; a claim
that matches a statement at a *different* line (the article says it again; labels list the first
place only) counts as right.  A ``uses`` claim matching a ``not_uses`` statement is wrong; a
``not_uses`` statement is not in recall (lineage has no claim kind for an article's "does not use").
Benchmark scores, prices and hardware ties other than ``trainedOn`` are counted apart (unscored).

**Reports**: subject found and adoption precision/recall of catalog techniques, from
``benchmarks/reading_reports.py`` (in sample: the 48 labelled corpus reports; out of sample: the held-out
reports of labs absent from the corpus, when their PDFs are at ``$LINEAGE_HELDOUT_REPORTS``).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import yaml  # noqa: E402
from articles import Names, Statement, same, statements  # noqa: E402
from reading_reports import report_lines  # noqa: E402

from lineage.catalog import Catalog  # noqa: E402
from lineage.domain import EntityKind, Predicate, slug  # noqa: E402
from lineage.ingest.article import extract, read_article  # noqa: E402
from lineage.ingest.text import alias_patterns  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
ARTICLES = CORPUS / "articles"
ARTICLES2 = CORPUS / "articles2"
FRESH = ROOT.parent / "heldout-articles"
"""Fresh out-of-sample texts (kept outside the repo, see its MANIFEST.tsv); their labels are in the repo."""
FRESH_LABELS = ROOT / "tests" / "fixtures" / "labels" / "articles-fresh"
FRESH2 = ROOT.parent / "heldout-articles2"
"""A second, larger fresh set (ROCm blog posts, Docker model cards), split in halves by SHA-1 of the file name."""
FRESH2_LABELS = ROOT / "tests" / "fixtures" / "labels" / "articles-fresh2"
FRESH2_UNSEEN = ("docker-qwen3-coder-next.md", "rocm-grok1.md", "docker-kimi-k2.md", "docker-deepseek3-2.md")
"""What :func:`split_fresh2` gave when the split was fixed (before the reader ran on any of them): never looked at."""
HELD_OUT_COUNT = 4
HELD_OUT = ("megatron-tutorials-ep-moe.md", "hf-open-r1.md", "lmsys-sglang-longcat-flash.md", "jianyuh-llm-arch-table.md")
"""What :func:`split` gave when the split was fixed (before any articles2 text was read)."""

SCORED = {Predicate.USES, Predicate.DEVELOPED_BY, Predicate.INTRODUCED_BY, Predicate.DERIVED_FROM,
          Predicate.TOTAL_PARAMETERS, Predicate.ACTIVE_PARAMETERS, Predicate.CONTEXT_LENGTH,
          Predicate.RELEASED, Predicate.TRAINED_ON, Predicate.TRAINING_TOKENS, Predicate.GPU_HOURS}
_RELATIONS = {
    "uses": Predicate.USES, "not_uses": None, "developed_by": Predicate.DEVELOPED_BY,
    "introduced_by": Predicate.INTRODUCED_BY, "derived_from": Predicate.DERIVED_FROM,
    "total_params": Predicate.TOTAL_PARAMETERS, "active_params": Predicate.ACTIVE_PARAMETERS,
    "context_length": Predicate.CONTEXT_LENGTH, "training_tokens": Predicate.TRAINING_TOKENS, "released": Predicate.RELEASED, "trained_on": Predicate.TRAINED_ON,
}
_NUM = re.compile(r"(\d+(?:\.\d+)?)\s*(trillion|billion|million|[TBMK])\b", re.I)
_SCALE = {"k": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12}
_MONTHS = re.compile(r"\b(20\d{2})-(0[1-9]|1[0-2])\b")
"""(measure, in-sample figure, out-of-sample figure) rows for reports; the reports work fills this."""


def split(folder: Path = ARTICLES2) -> tuple[list[str], list[str]]:
    """(development, held-out) article file names of ``folder``: sorted by SHA-1 of the name, first 4 held out."""
    names = sorted(p.name for p in folder.glob("*.md") if p.name != "README.md")
    ranked = sorted(names, key=lambda n: hashlib.sha1(n.encode()).hexdigest())
    return sorted(ranked[HELD_OUT_COUNT:]), ranked[:HELD_OUT_COUNT]


def split_fresh2(folder: Path = FRESH2_LABELS) -> tuple[list[str], list[str]]:
    """(seen, unseen) article names of the second fresh set: sorted by SHA-1 of the name, the first half unseen."""
    names = sorted(p.name.replace(".labels.yaml", ".md") for p in folder.glob("*.labels.yaml"))
    ranked = sorted(names, key=lambda n: hashlib.sha1(n.encode()).hexdigest())
    return sorted(ranked[len(ranked) // 2:]), ranked[: len(ranked) // 2]


# --------------------------------------------------------------------------- yaml labels


@dataclass
class Labelled:
    """The scored statements of one document, and the ``not_uses`` ones (which only make claims wrong)."""

    name: str
    statements: list[Statement]
    negated: list[Statement] = field(default_factory=list)


def _subjects(cell: str, names: Names, rel: str, obj: str) -> list[set[str]]:
    """Ids of the entry's subjects; a lab's name as subject of a model relation is the name of its models (open world).

    One subject with several sizes ("Qwen2", total_params "0.5B, 1.5B, 7B") names one member per size:
    ``<subject>-<size>`` as the catalog resolves it, else its slug.
    """
    bare = re.sub(r"\([^)]*\)|\bfamily\b", "", cell).strip(" *_\"'")
    sizes = re.findall(r"\d+(?:\.\d+)?[BT]\b", re.sub(r"\([^)]*\)", "", obj)) if rel == "total_params" else []
    if len(sizes) > 1 and bare:
        return [names.entity(f"{bare}-{size}") or {slug(f"{bare}-{size}")} for size in sizes]
    found = names.subjects(re.sub(r"\b(?:MoE|dense|models?|variants?)\b", "", cell))  # "Qwen3 MoE" is Qwen3's (MoE) members
    orgs = {o.id for o in names.catalog.of_kind(EntityKind.ORGANIZATION)}
    if found and not (rel != "developed_by" and all(ids <= orgs for ids in found)):
        return found
    return [{slug(bare)}] if bare else []


def yaml_statements(path: Path, names: Names, devices: dict) -> Labelled:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = Labelled(data["article"], [])
    for s in data["statements"]:
        rel = s["relation"]
        if rel == "other" and re.search(r"\btrained on [\d.]+\s*(?:trillion|billion|[TB])\b[^.]*tokens", str(s["object"]), re.I):
            rel = "training_tokens"  # an "other" fact lineage has a claim kind for
        if rel not in _RELATIONS:
            continue
        pred = _RELATIONS[rel]
        obj = str(s["object"])
        subjects = _subjects(str(s["subject"]), names, rel, obj)
        lines = {int(s["line"])}
        for k, ids in enumerate(subjects):
            for p, value in _objects(pred, rel, obj, names, devices, k, len(subjects)):
                objects, val = (value, None) if isinstance(value, set) else (set(), value)
                st = Statement(s["id"], ids, p, objects, val, lines, s.get("quote", ""))
                (out.negated if rel == "not_uses" else out.statements).append(st)
    return out


def _objects(pred, rel, obj, names: Names, devices, k: int, n: int):
    """(predicate, object ids or value) pairs one entry states for its k-th of n subjects."""
    if rel in ("uses", "not_uses"):
        bare = re.sub(r"\((?:instead of|not|vs\.?)[^)]*\)", "", obj)
        hits = [(m.start(), m.end(), tid) for tid, p in names.techniques.items() for m in p.finditer(bare)]
        kept = {t for a, b, t in hits if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) for a2, b2, _ in hits)}
        for tid in sorted(kept):  # a name inside a longer one ("Sparse Attention" of "DeepSeek Sparse Attention") is not named
            yield Predicate.USES, {tid}
    elif pred is Predicate.DEVELOPED_BY:
        orgs = {o for o, p in names.orgs.items() if p.search(obj)}
        if orgs:
            yield pred, orgs
    elif pred is Predicate.INTRODUCED_BY:
        origin = names.origin(obj)
        if origin:
            yield pred, origin
    elif pred is Predicate.DERIVED_FROM:
        subjects = names.subjects(re.sub(r"\([^)]*\)", "", obj))
        if subjects:
            yield pred, set().union(*subjects)
    elif pred is Predicate.RELEASED:
        m = _MONTHS.search(obj)
        if m:
            yield pred, m.group(0)
    elif pred is Predicate.TRAINED_ON:
        hw = {h for h, p in devices.items() if p.search(obj)}
        if hw:
            yield pred, hw
    else:
        nums = [float(m.group(1)) * _SCALE[m.group(2).lower()] for m in _NUM.finditer(re.sub(r"\([^)]*\)", "", obj))]
        if n > 1 and len(nums) == n:
            yield pred, nums[k]
        else:
            for v in nums:  # "0.5B, 1.5B, 7B": one statement per size the entry lists
                yield pred, v


# --------------------------------------------------------------------------- matching


def _lines(claim) -> list[int]:
    out = []
    for loc in [claim.locator, *(loc for loc, _ in getattr(claim, "more", []))]:
        m = re.search(r"\bline (\d+)", loc)
        if m:
            out.append(int(m.group(1)))
    return out


def placed(claim, st: Statement) -> bool:
    return same(claim, st) and any(abs(line - want) <= 1 for line in _lines(claim) for want in st.lines)


@dataclass
class Score:
    name: str
    labelled: int = 0
    found: int = 0
    extracted: int = 0
    correct: int = 0
    unscored: int = 0
    misses: list = field(default_factory=list)
    wrong: list = field(default_factory=list)

    def __add__(self, other: Score) -> Score:
        return Score("all", *(getattr(self, f) + getattr(other, f) for f in ("labelled", "found", "extracted", "correct", "unscored")))

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0


def score(name: str, drafts: list, labelled: Labelled) -> Score:
    scored = [d for d in drafts if d.predicate in SCORED]
    found = [st for st in labelled.statements if any(placed(d, st) for d in scored)]
    correct = [d for d in scored if any(same(d, st) for st in labelled.statements)
               and not any(same(d, st) for st in labelled.negated)]
    return Score(name, len(labelled.statements), len(found), len(scored), len(correct), len(drafts) - len(scored),
                 [st for st in labelled.statements if st not in found], [d for d in scored if d not in correct])


def measure(catalog: Catalog | None = None) -> dict[str, list[Score]]:
    """Scores per group: ``in sample`` (articles + articles2 development), ``out of sample`` (articles2 held out) and
    ``fresh`` (the fresh articles, when their texts are here)."""
    catalog = catalog or Catalog.load()
    names = Names(catalog)
    devices = alias_patterns(catalog, EntityKind.HARDWARE)
    groups: dict[str, list[Score]] = {"in sample": [], "out of sample": [], "fresh": [], "fresh2 seen": [], "fresh2 unseen": []}
    for labels in sorted(ARTICLES.glob("*.labels.md")):
        article = labels.with_name(labels.name.replace(".labels.md", ".md"))
        sts, _ = statements(labels, names)
        groups["in sample"].append(score(article.stem, extract(read_article(article), catalog), Labelled(article.name, sts)))
    dev, held = split()
    for group, docs in (("in sample", dev), ("out of sample", held)):
        for doc in docs:
            labelled = yaml_statements(ARTICLES2 / doc.replace(".md", ".labels.yaml"), names, devices)
            groups[group].append(score(Path(doc).stem, extract(read_article(ARTICLES2 / doc), catalog), labelled))
    for labels in sorted(FRESH_LABELS.glob("*.labels.yaml")) if FRESH.is_dir() else []:
        text = FRESH / labels.name.replace(".labels.yaml", ".md")
        if text.is_file():
            groups["fresh"].append(score(text.stem, extract(read_article(text), catalog), yaml_statements(labels, names, devices)))
    seen, unseen = split_fresh2()
    for group, docs in (("fresh2 seen", seen), ("fresh2 unseen", unseen)):
        for doc in docs if FRESH2.is_dir() else []:
            labels = FRESH2_LABELS / doc.replace(".md", ".labels.yaml")
            if (FRESH2 / doc).is_file():
                groups[group].append(score(Path(doc).stem, extract(read_article(FRESH2 / doc), catalog),
                                           yaml_statements(labels, names, devices)))
    return groups


def total(scores: list[Score]) -> Score:
    out = Score("all")
    for s in scores:
        out = out + s
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", action="store_true", help="one line per in-sample document")
    parser.add_argument("--misses", action="store_true", help="list in-sample misses and unmatched claims")
    parser.add_argument("--quick", action="store_true", help="articles only (the reports take minutes to read)")
    args = parser.parse_args(argv)
    if not ARTICLES2.is_dir():
        print(f"labelled corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    dev, held = split()
    assert tuple(held) == HELD_OUT, f"held-out split changed: {held}"
    assert tuple(split_fresh2()[1]) == FRESH2_UNSEEN, f"fresh2 split changed: {split_fresh2()[1]}"
    groups = measure()
    cols = [(name, total(scores)) for name, scores in groups.items() if scores or name in ("in sample", "out of sample")]
    print(f"{'kind / measure':34}" + "".join(f" {name:>22}" for name, _ in cols))
    print(f"{'articles: statement precision':34}" + "".join(f" {s.precision:8.2f} ({s.correct:3}/{s.extracted:3})    " for _, s in cols))
    print(f"{'articles: statement recall':34}" + "".join(f" {s.recall:8.2f} ({s.found:3}/{s.labelled:3})    " for _, s in cols))
    print(f"{'articles: documents':34}" + "".join(f" {len(groups[name]):22}" for name, _ in cols))
    print("\nreports: adoption of every technique the labels name, in the curated catalog, the imported vocabulary or "
          "discovered (corpus, new: in sample; heldout: out of sample)")
    for line in ["(left out by --quick)"] if args.quick else report_lines():
        print(f"  {line}")
    print(f"\nout of sample = articles2 held out by SHA-1 of file name: {', '.join(held)}")
    if groups["fresh"]:
        print(f"fresh = {len(groups['fresh'])} articles under {FRESH} (labels: tests/fixtures/labels/articles-fresh/, "
              "written before the reader ran on them; never tuned on)")
    else:
        print(f"fresh: skipped ({FRESH} not found; its MANIFEST.tsv is in tests/fixtures/labels/articles-fresh/)")
    if groups["fresh2 seen"] or groups["fresh2 unseen"]:
        print(f"fresh2 = 8 articles under {FRESH2} (labels: tests/fixtures/labels/articles-fresh2/, written before the reader "
              f"ran on them); unseen half by SHA-1 of name: {', '.join(FRESH2_UNSEEN)} (never looked at)")
    else:
        print(f"fresh2: skipped ({FRESH2} not found; its MANIFEST.tsv is in tests/fixtures/labels/articles-fresh2/)")
    if args.docs or args.misses:
        print(f"\n{'in-sample document':42} {'lab':>4} {'found':>5} {'rec':>5} {'claims':>6} {'right':>5} {'prec':>5}")
        for s in groups["in sample"] + groups["fresh2 seen"]:
            print(f"{s.name[:42]:42} {s.labelled:4} {s.found:5} {s.recall:5.2f} {s.extracted:6} {s.correct:5} {s.precision:5.2f}")
            if args.misses:
                for st in s.misses:
                    print(f"    MISS {st.row} {sorted(st.subjects)} {st.predicate.value} {sorted(st.objects) or st.value} line {sorted(st.lines)}")
                for d in s.wrong:
                    print(f"    EXTRA {d.subject} {d.predicate.value} {d.object or d.value} {d.locator}: {d.snippet[:80]}")
        print("(the fresh2 seen half is listed; held-out, fresh and fresh2 unseen documents: totals only, so no rule is tuned on one of them)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
