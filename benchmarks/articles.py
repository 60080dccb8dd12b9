"""Article extraction against hand labels: statement-level precision and recall, per article.

Run: ``.venv/bin/python benchmarks/articles.py`` (``--quick`` scores the first article only; ``--cards`` also scores the card labels kept in
``tests/fixtures/labels/cards/``; ``--misses`` lists every missed label and every unmatched claim).

Labels are the tables in ``../shared/corpus/articles/*.labels.md`` (``| id | subject | relation |
object / value | location | quote |``).  They list everything an article says; only the rows lineage
could check are scored:

- the relation names a claim kind the verifier checks (:data:`RELATIONS`: uses, introduced by/in,
  developed by, derived/distilled from, total/active parameters, context length, training tokens,
  release date, GPU hours);
- the subject resolves to catalog entities (a family name to all its members, "A/B" and "A, B" to
  each) and, for entity relations, the object does too (the first technique named in the object
  cell; a model named as an origin also stands for its organization).

Matching rule: an extracted claim matches a label statement when the predicate is the same, the
claim's subject is one of the statement's subjects, its object is one of the statement's objects
(or its value is within 5 % of the labelled number; context lengths read K as 1,000 or 1,024;
dates agree to the month), and the claim's evidence line is one of the label's lines (the lines in
the location column, footnotes included).  Recall = labelled statements matched / labelled
statements; precision = claims that match some labelled statement / claims extracted of the scored
kinds (benchmark scores and prices, which nothing can check, and hardware claims, which the label
vocabulary cannot express, are left out and counted apart).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lineage.catalog import Catalog  # noqa: E402
from lineage.catalog.resolver import Resolver  # noqa: E402
from lineage.domain import HARDWARE_PREDICATES, EntityKind, Predicate  # noqa: E402
from lineage.ingest.article import extract, read_article  # noqa: E402
from lineage.ingest.text import alias_patterns  # noqa: E402

ARTICLES = ROOT.parent / "shared" / "corpus" / "articles"
CARD_LABELS = ROOT / "tests" / "fixtures" / "labels" / "cards"
CARDS = ROOT.parent / "shared" / "corpus" / "hf"
# Nothing can check scores and prices; the label vocabulary (RELATIONS) has no hardware relation, so a
# hardware claim could never match a label row and would count as wrong whatever it says.
UNSCORED = {Predicate.BENCHMARK_SCORE, Predicate.API_COST_RATIO, *HARDWARE_PREDICATES}

# label relation (lowercased, start of the cell) -> predicate; "used in" reads object-first
RELATIONS = [
    (r"used in$", Predicate.USES, True),
    (r"(?:uses?|optimizer|activation|supports|ships|released weights quantized to|architecture)$", Predicate.USES, False),
    (r"does not use|no longer uses", Predicate.USES, False),  # scored with negated=True below
    (r"introduced (?:earlier )?(?:in|by)|designed by|originated in", Predicate.INTRODUCED_BY, False),
    (r"developed by", Predicate.DEVELOPED_BY, False),
    (r"distilled from|derived from|based on|fine-?tuned from", Predicate.DERIVED_FROM, False),
    (r"total / active param", None, False),  # both
    (r"total param", Predicate.TOTAL_PARAMETERS, False),
    (r"active param", Predicate.ACTIVE_PARAMETERS, False),
    (r"context length", Predicate.CONTEXT_LENGTH, False),
    (r"(?:pre)?training tokens|pretraining tokens", Predicate.TRAINING_TOKENS, False),
    (r"released$", Predicate.RELEASED, False),
    (r"(?:training )?gpu hours", Predicate.GPU_HOURS, False),
]
_NUM = re.compile(r"(\d+(?:\.\d+)?)\s*(trillion|billion|million|[TBMK])\b", re.I)
_SCALE = {"k": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12}
_ORIGINS = (Predicate.INTRODUCED_BY, Predicate.INTRODUCED_IN)


@dataclass
class Statement:
    """One checkable statement of a label row."""

    row: str
    subjects: set[str]
    predicate: Predicate
    objects: set[str]
    value: float | str | None
    lines: set[int]
    text: str


# --------------------------------------------------------------------------- labels


def label_rows(path: Path) -> list[list[str]]:
    """The cells of every ``| Lnn | … |`` row of a labels file."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and re.fullmatch(r"[LC]\d+", cells[0]):
            rows.append(cells)
    return rows


def label_lines(location: str) -> set[int]:
    """Every line number a location cell names: "line 11", "lines 63-73", "footnote 2 (line 135)"."""
    out: set[int] = set()
    for m in re.finditer(r"\blines?\s+([\d,\s\-–]+)", location):
        for part in re.split(r"[,\s]+", m.group(1).strip(" ,")):
            a, _, b = part.partition("-") if "-" in part else part.partition("–")
            if a.isdigit():
                out.update(range(int(a), int(b) + 1) if b.isdigit() else {int(a)})
    return out


class Names:
    """Label cells to entity ids: the catalog resolver for models, alias patterns for techniques."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.resolver = Resolver(catalog)
        self.techniques = alias_patterns(catalog, EntityKind.TECHNIQUE)
        self.orgs = alias_patterns(catalog, EntityKind.ORGANIZATION)

    def entity(self, text: str) -> set[str]:
        text = re.sub(r"\([^)]*\)", "", text).strip(" .\"'")
        found = self.resolver.resolve(text)
        if found is None:
            return set()
        if found.kind == "family":
            return set(found.members)
        return {found.id}

    def subjects(self, cell: str) -> list[set[str]]:
        """One id set per subject the cell names ("A, B", "A/B", "X family")."""
        cell = re.sub(r"\([^)]*\)|\bfamily\b", "", cell).strip()
        whole = self.entity(cell)
        if whole:
            return [whole]
        parts = [p.strip() for p in re.split(r",|\band\b|/", cell) if p.strip()]
        out = []
        for i, part in enumerate(parts):
            ids = self.entity(part)
            if not ids and i:  # "DeepSeek V3/R1": the later part shares the first part's prefix
                prefix = parts[0].rsplit(" ", 1)[0] if " " in parts[0] else re.sub(r"[-\d.]+\w*$", "", parts[0])
                ids = self.entity(f"{prefix} {part}")
            if ids:
                out.append(ids)
        return out

    def technique(self, cell: str) -> set[str]:
        hits = [(m.start(), -len(m.group(0)), tid) for tid, p in self.techniques.items() for m in p.finditer(cell)]
        return {min(hits)[2]} if hits else set()

    def origin(self, cell: str) -> set[str]:
        """A paper (by arXiv id), an organization, or a model and its organization."""
        out = set()
        for m in re.finditer(r"(\d{4}\.\d{4,5})", cell):
            if f"arxiv-{m.group(1)}" in self.catalog:
                out.add(f"arxiv-{m.group(1)}")
        out |= {oid for oid, p in self.orgs.items() if p.search(cell)}
        for ids in self.subjects(cell.split(",")[0].replace(" paper", "")):
            for i in ids:
                out.add(i)
                org = getattr(self.catalog.entities[i], "organization", None)
                if org:
                    out.add(org)
        return out


def _number(text: str) -> float | None:
    m = _NUM.search(text)
    return float(m.group(1)) * _SCALE[m.group(2).lower()] if m else None


def statements(path: Path, names: Names) -> tuple[list[Statement], int]:
    """The scored statements of one labels file, and how many rows it has in all."""
    rows = label_rows(path)
    out = []
    for row_id, subject, relation, obj, location, *rest in rows:
        rel = relation.lower().strip()
        rule = next(((p, rev) for pat, p, rev in RELATIONS if re.match(pat, rel)), None) if rel else None
        if rule is None:
            continue
        predicate, reverse = rule
        if reverse:
            subject, obj = obj, subject
        lines = label_lines(location)
        quote = rest[0] if rest else ""
        subjects = names.subjects(subject)
        if not subjects or not lines:
            continue
        for k, ids in enumerate(subjects):
            for pred, value in _values(predicate, rel, obj, names, k, len(subjects)):
                if value is None or value == set():
                    continue
                objects, val = (value, None) if isinstance(value, set) else (set(), value)
                out.append(Statement(row_id, ids, pred, objects, val, lines, quote))
    return out, len(rows)


def _values(predicate, rel, obj, names: Names, k: int, n: int):
    """(predicate, object ids or value) pairs one row states for its k-th of n subjects."""
    if predicate is Predicate.USES:
        yield predicate, names.technique(obj)
    elif predicate in _ORIGINS:
        yield Predicate.INTRODUCED_BY, names.origin(obj)
    elif predicate is Predicate.DEVELOPED_BY:
        yield predicate, {o for o, p in names.orgs.items() if p.search(obj)}
    elif predicate is Predicate.DERIVED_FROM:
        yield predicate, set().union(*names.subjects(obj)) if names.subjects(obj) else set()
    elif predicate is Predicate.RELEASED:
        m = re.search(r"\d{4}-\d{2}(?:-\d{2})?", obj)
        yield predicate, m.group(0) if m else None
    else:
        nums = [float(m.group(1)) * _SCALE[m.group(2).lower()] for m in _NUM.finditer(re.sub(r"\([^)]*\)", "", obj))]
        if predicate is None:  # "total / active parameters": "671B / 37B" or "21B total / 3.6B active"
            if len(nums) >= 2:
                first_active = re.match(r"[^/,]*\bactive", obj)  # "5B active and 121B total"
                total, active = (nums[1], nums[0]) if first_active else (nums[0], nums[1])
                yield Predicate.TOTAL_PARAMETERS, total
                yield Predicate.ACTIVE_PARAMETERS, active
        elif nums:
            yield predicate, nums[k] if len(nums) == n and n > 1 else nums[0]


# --------------------------------------------------------------------------- matching


def _line(locator: str) -> int | None:
    m = re.search(r"\bline (\d+)", locator)
    return int(m.group(1)) if m else None


def same(claim, st: Statement) -> bool:
    """Same subject, relation and object (the line is checked apart, by :func:`matches`)."""
    pred = Predicate.INTRODUCED_BY if claim.predicate in _ORIGINS else claim.predicate
    if claim.subject not in st.subjects or pred is not st.predicate:
        return False
    if st.objects:
        return claim.object in st.objects
    if claim.value is None or st.value is None:
        return False
    if pred is Predicate.RELEASED:
        return str(claim.value)[:7] == str(st.value)[:7]
    v, want = float(claim.value), float(st.value)
    if pred is Predicate.CONTEXT_LENGTH:  # K and M read as 1,000 or 1,024 (1M: 1,000,000 or 1,048,576) on either side
        return any(abs(v - want * r) <= 0.01 * want * r for r in (1, 1.024, 1 / 1.024, 1.024**2, 1 / 1.024**2))
    return abs(v - want) <= 0.05 * want


def matches(claim, st: Statement) -> bool:
    """The matching rule of the module docstring: :func:`same`, stated on one of the label's lines."""
    places = [claim.locator, *(loc for loc, _ in getattr(claim, "more", []))]
    return any(_line(p) in st.lines for p in places) and same(claim, st)


@dataclass
class Score:
    name: str
    labelled: int
    rows: int
    found: int
    extracted: int
    correct: int
    unscored: int
    misses: list
    wrong: list

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0


def score(name: str, drafts: list, labelled: list[Statement], rows: int) -> Score:
    scored = [d for d in drafts if d.predicate not in UNSCORED]
    found = [st for st in labelled if any(matches(d, st) for d in scored)]
    correct = [d for d in scored if any(matches(d, st) for st in labelled)]
    return Score(name, len(labelled), rows, len(found), len(scored), len(correct), len(drafts) - len(scored),
                 [st for st in labelled if st not in found], [d for d in scored if d not in correct])


def score_articles(catalog: Catalog, folder: Path = ARTICLES, limit: int | None = None) -> list[Score]:
    names = Names(catalog)
    out = []
    for labels in sorted(folder.glob("*.labels.md"))[:limit]:
        article = labels.with_name(labels.name.replace(".labels.md", ".md"))
        labelled, rows = statements(labels, names)
        out.append(score(article.stem, extract(read_article(article), catalog), labelled, rows))
    return out


def score_cards(catalog: Catalog) -> list[Score]:
    from lineage.ingest.card import read_card

    names = Names(catalog)
    out = []
    for labels in sorted(CARD_LABELS.glob("*.labels.md")):
        repo = labels.name.replace(".labels.md", "")
        card = CARDS / repo / "README.md"
        labelled, rows = statements(labels, names)
        claims = read_card(card.read_text(encoding="utf-8"), repo.replace("__", "/", 1), catalog).claims
        out.append(score(repo, [_Located(c) for c in claims], labelled, rows))
    return out


class _Located:
    """A card claim seen like an article draft: its evidence locators as ``locator`` and ``more``."""

    def __init__(self, claim):
        self.subject, self.predicate, self.object, self.value = claim.subject, claim.predicate, claim.object, claim.value
        self.locator = claim.evidence[0].locator
        self.more = [(e.locator, e.snippet) for e in claim.evidence[1:]]
        self.snippet = claim.evidence[0].snippet


def table(scores: list[Score]) -> str:
    lines = [f"{'source':42} {'rows':>4} {'scored':>6} {'found':>5} {'recall':>6} {'claims':>6} {'right':>5} {'prec':>5} {'unchk':>5}"]
    for s in scores:
        lines.append(f"{s.name[:42]:42} {s.rows:4} {s.labelled:6} {s.found:5} {s.recall:6.2f} {s.extracted:6} {s.correct:5} {s.precision:5.2f} {s.unscored:5}")
    total = Score("overall", *(sum(getattr(s, f) for s in scores) for f in ("labelled", "rows", "found", "extracted", "correct", "unscored")), [], [])
    lines.append(f"{'overall':42} {total.rows:4} {total.labelled:6} {total.found:5} {total.recall:6.2f} {total.extracted:6} {total.correct:5} {total.precision:5.2f} {total.unscored:5}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", action="store_true", help="also score the card labels in tests/fixtures/labels/cards")
    parser.add_argument("--misses", action="store_true", help="list missed statements and unmatched claims")
    parser.add_argument("--quick", action="store_true", help="a smoke run: the first article only")
    args = parser.parse_args(argv)
    catalog = Catalog.load()
    groups = [("articles", score_articles(catalog, limit=1 if args.quick else None))]
    if args.cards:
        groups.append(("cards", score_cards(catalog)))
    for title, scores in groups:
        print(f"## {title}\n{table(scores)}\n")
        if args.misses:
            for s in scores:
                for st in s.misses:
                    print(f"  MISS {s.name} {st.row} {sorted(st.subjects)} {st.predicate.value} {sorted(st.objects) or st.value} lines {sorted(st.lines)}")
                for d in s.wrong:
                    print(f"  EXTRA {s.name} {d.subject} {d.predicate.value} {d.object or d.value} {d.locator}: {d.snippet[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
