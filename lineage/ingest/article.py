"""Secondary sources (news, blogs, briefings): the claims they make, each with its sentence or table row.

``lineage ingest article FILE`` reads plain text, Markdown or HTML and extracts:

- technique use — "X adopted / uses / inherits / borrows / comes from … Y" (``uses``);
- origins — "Y, originally developed by ORG" (``introducedBy``);
- sizes, context windows, training hardware — from sentences and from table rows;
- benchmark scores and API cost ratios — from table rows.

Tables flattened into text by copy-paste ("Parameters671B total, 37B activeExtended to 1.6T
total") are split at the seams where cells were glued.  Everything starts as ``reported``
(source kind secondary); :mod:`lineage.verify` then checks each claim against the
primary sources in the store.  A model name that is not in the catalog still yields its
claims, under a slug id, and is flagged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.catalog.resolver import Resolver as ExactResolver
from lineage.domain import (
    Claim,
    EntityKind,
    Evidence,
    Method,
    Predicate,
    SourceDocument,
    SourceKind,
    Status,
    clip,
    slug,
    utcnow,
)
from lineage.ingest import markup
from lineage.ingest.facts import context_tokens, scaled
from lineage.ingest.files import check_text, decode, read_bytes
from lineage.ingest.makers import maker_facts
from lineage.ingest.prose import prose_drafts
from lineage.ingest.structure import title_of, units
from lineage.ingest.text import alias_patterns

MAX_ARTICLE_BYTES = 2 * 1024 * 1024

_UNITS = {
    Predicate.CONTEXT_LENGTH: "tokens", Predicate.TRAINING_TOKENS: "tokens",
    Predicate.TOTAL_PARAMETERS: "parameters", Predicate.ACTIVE_PARAMETERS: "parameters",
}
_GLUE = re.compile(r"(?<=[a-z%)’'])(?=[A-Z0-9])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[0-9])(?=[A-Z][a-z])")
_QTY = r"(\d+(?:\.\d+)?)\s*([BT])\b"
_CTX = re.compile(r"(\d+(?:\.\d+)?)\s*([KM])\b")
_COLUMN_VALUES = (
    (re.compile(r"score|points|\bavg|average|mmlu|gpqa|aime|elo", re.I), r"100|\d{2}(?:\.\d{1,2})?", Predicate.BENCHMARK_SCORE),
    (re.compile(r"param|size", re.I), r"\d+(?:\.\d+)?[BT]|N/A", Predicate.TOTAL_PARAMETERS),
    (re.compile(r"context|window", re.I), r"\d+[KM](?:-\d+[KM])?|N/A", Predicate.CONTEXT_LENGTH),
    (re.compile(r"cost|price", re.I), r"~?\d+/\d+|N/A", Predicate.API_COST_RATIO),
)
"""What a column's header says its cells hold, and how such a cell is written; a table pasted as text runs its cells
together ("Kimi K2.6731.6T256K-1M~1/8"), so a row is read by the pattern its header's columns make, in their order."""


def _glued_row(columns: list[str]) -> tuple[re.Pattern, list[tuple[str, Predicate]]] | None:
    """The pattern of a glued row under ``columns`` (the first names the model), or None when a column is of no known kind."""
    kinds, parts = [], []
    for col in columns[1:]:
        kind = next(((pat, pred) for test, pat, pred in _COLUMN_VALUES if test.search(col)), None)
        if kind is None:
            return None
        parts.append(f"(?P<c{len(parts)}>{kind[0]})")
        kinds.append((col, kind[1]))
    return re.compile("^(?P<name>.+?\x00|[^\x00]+?)" + "".join(parts) + "$"), kinds


class ArticleReport(BaseModel):
    """What ingesting one article produced."""

    source: str = Field(description="Source document id.")
    claims: int = Field(description="Claims written.")
    by_status: dict[str, int] = Field(description="Claims per status after verification.")
    unresolved: list[str] = Field(description="Model names that are not in the catalog.")


@dataclass
class Mention:
    kind: str  # model | family | organization | technique
    ids: list[str]
    start: int
    end: int
    text: str


@dataclass
class ArticleText:
    path: Path
    sha256: str
    title: str
    lines: list[str] = field(default_factory=list)
    raw: str = ""
    """The file's text as read (markup kept), for :mod:`lineage.ingest.structure`."""


# --------------------------------------------------------------------------- reading


def read_article(path: Path) -> ArticleText:
    """Text of an article file (txt, md, html); ``SourceFormatError`` for anything unreadable."""
    path = Path(path)
    raw = read_bytes(path, "article", MAX_ARTICLE_BYTES)
    text = check_text(decode(raw, "article", path), "article", path)
    lines = markup.text_lines(text)
    title = title_of(text) or next((ln.lstrip("# ") for ln in lines if ln and not ln.startswith("---")), path.name)
    return ArticleText(path=path, sha256=hashlib.sha256(raw).hexdigest(), title=clip(title, 200), lines=lines, raw=text)


# --------------------------------------------------------------------------- entity mentions


class Resolver:
    """Finds catalog models, model families, organizations and techniques in text."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.exact = ExactResolver(catalog)
        self.techniques = alias_patterns(catalog, EntityKind.TECHNIQUE)
        self.orgs = alias_patterns(catalog, EntityKind.ORGANIZATION)
        self.models = alias_patterns(catalog, EntityKind.MODEL)
        families: dict[str, list[str]] = {}
        for m in catalog.of_kind(EntityKind.MODEL):
            if m.family:
                families.setdefault(m.family, []).append(m.id)
        self.papers = alias_patterns(catalog, EntityKind.PAPER)
        self.families = {name: (_family_pattern(name), ids) for name, ids in families.items()}
        self._loose_models = {k: _drop_left_boundary(p) for k, p in self.models.items()}
        self._loose_families = {k: (_drop_left_boundary(p), ids) for k, (p, ids) in self.families.items()}
        self._scanned: dict[tuple[str, bool], list[Mention]] = {}

    def find(self, text: str, glued: bool = False, context: list[Mention] = ()) -> list[Mention]:
        """Mentions, longest first where they overlap.

        ``glued``: table text whose cells ran together ("DimensionDeepSeek v3 …"), so a name
        may start right after a letter.  ``context``: the models the text before this one was
        about, for a bare size that names a member of their family.
        """
        kept = self._scanned.get((text, glued))
        if kept is None:
            kept = self._scanned[(text, glued)] = self._scan(text, glued)  # each rule family asks again
        return self._sized(text, self._members(text, self._coordinated(text, list(kept))), list(context))

    def _scan(self, text: str, glued: bool) -> list[Mention]:
        """Every name the catalog's patterns match, longest first where they overlap."""
        models, families = (self._loose_models, self._loose_families) if glued else (self.models, self.families)
        found: list[Mention] = []
        for mid, pat in models.items():
            for m in pat.finditer(text):
                found.append(Mention("model", [mid], m.start(), m.end(), m.group(0)))
        for pat, ids in families.values():
            for m in pat.finditer(text):
                found.append(Mention("family", ids, m.start(), m.end(), m.group(0)))
        for oid, pat in self.orgs.items():
            for m in pat.finditer(text):
                found.append(Mention("organization", [oid], m.start(), m.end(), m.group(0)))
        for tid, pat in self.techniques.items():
            for m in pat.finditer(text):
                found.append(Mention("technique", [tid], m.start(), m.end(), m.group(0)))
        # longest match wins where mentions overlap ("DeepSeek V4 Flash" over "DeepSeek V4")
        found.sort(key=lambda x: (x.start, -(x.end - x.start)))
        kept: list[Mention] = []
        for m in found:
            if kept and m.start < kept[-1].end:
                continue
            kept.append(m)
        return kept

    def _members(self, text: str, kept: list[Mention]) -> list[Mention]:
        """A word that names a member of a family named earlier: "Llama 4 … for Scout" is Llama 4 Scout."""
        out = list(kept)
        for fam in (k for k in kept if k.kind == "family"):
            for w in re.finditer(r"(?<![\w.-])[A-Za-z][\w.]{2,}(?![\w-])", text[fam.end :]):
                start, end = fam.end + w.start(), fam.end + w.end()
                if any(k.start < end and k.end > start for k in out):
                    continue
                hit = self.exact.resolve(f"{fam.text} {w.group(0)}")
                if hit is not None and hit.kind == "model" and hit.id in fam.ids:
                    out.append(Mention("model", [hit.id], start, end, w.group(0)))
        return sorted(out, key=lambda x: x.start)

    def _sized(self, text: str, kept: list[Mention], context: list[Mention]) -> list[Mention]:
        """A bare total-active size ("the flagship 80B-A3B model") names the member of the family named before it."""
        out = list(kept)
        for m in _SIZE_NAME.finditer(text):
            if any(k.start < m.end() and k.end > m.start() for k in kept):
                continue
            prior = context + [k for k in kept if k.end <= m.start() and k.kind in ("model", "family")]
            if not prior:
                continue
            last = prior[-1]
            family = last.text if last.kind == "family" else getattr(self.catalog.entities[last.ids[0]], "family", None)
            hit = self.exact.resolve(f"{family}-{m.group(0)}") if family else None
            if hit is not None and hit.kind == "model":
                out.append(Mention("model", [hit.id], m.start(), m.end(), m.group(0)))
        return sorted(out, key=lambda x: x.start)

    def _coordinated(self, text: str, kept: list[Mention]) -> list[Mention]:
        """Names that share the previous name's prefix: "DeepSeek V3/R1", "DeepSeek V2, V3, and R1"."""
        out: list[Mention] = []
        for m in kept:
            out.append(m)
            if m.kind not in ("model", "family"):
                continue
            prefix = re.split(r"(?<=[\s-])(?=[^\s-]+$)", m.text)[0] if re.search(r"[\s-]", m.text) else ""
            pos = m.end
            while prefix:
                nxt = re.match(r"(?:\s*/\s*|,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)([A-Za-z]{0,2}\d[\w.]*)(?![\w-])", text[pos:])
                if not nxt or any(k.start < pos + nxt.end() and k.end > pos for k in kept if k is not m):
                    break
                hit = self.exact.resolve(prefix + nxt.group(1))
                if hit is None or hit.kind not in ("model", "family"):
                    break
                ids = list(hit.members) if hit.kind == "family" else [hit.id]
                start = pos + nxt.start(1)
                pos += nxt.end()
                out.append(Mention(hit.kind, ids, start, pos, nxt.group(1)))
        return out


_SIZE_NAME = re.compile(r"(?<![\w.-])\d+(?:\.\d+)?B-A\d+(?:\.\d+)?B(?![\w-])", re.I)


def _family_pattern(name: str) -> re.Pattern:
    """A family name as written in prose: hyphens and spaces interchangeable, "Qwen3" also as "Qwen 3"."""
    parts = re.split(r"(?<=[A-Za-z])(?=\d)", name)
    body = "[-\\s]?".join(re.escape(p).replace(r"\-", "[-\\s]?").replace(r"\ ", r"[-\s]+") for p in parts)
    return re.compile(r"(?<![\w.-])" + body + r"(?![\w-]|\.\d)", re.I)


def _drop_left_boundary(pattern: re.Pattern) -> re.Pattern:
    text = pattern.pattern.replace("(?<![A-Za-z0-9])", "").replace("(?<![\\w.-])", "")
    text = text.replace("(?![A-Za-z0-9])", "").replace("(?![\\w-]|\\.\\d)", "")  # glued on both sides
    return re.compile(text, pattern.flags)


# --------------------------------------------------------------------------- extraction


@dataclass
class Draft:
    """A claim before verification."""

    subject: str
    predicate: Predicate
    object: str | None = None
    value: str | int | float | None = None
    unit: str | None = None
    qualifiers: dict[str, str] = field(default_factory=dict)
    locator: str = ""
    snippet: str = ""
    more: list[tuple[str, str]] = field(default_factory=list)
    """Further (locator, snippet) pairs where the article says the same thing."""


def _cells(line: str) -> list[str]:
    if "|" in line:
        return [c.strip() for c in line.strip("|").split("|")]
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    return [c.strip() for c in _GLUE.split(line) if c.strip()]


def _is_prose(line: str) -> bool:
    return bool(re.search(r"[.!?]\s|[.!?]$", line)) and not re.search(r"\d\.\d", line.rstrip(".")) or len(line) > 160


def _table_drafts(lines: list[str], start: int, r: Resolver) -> tuple[list[Draft], int]:
    """Rows of one table starting at ``lines[start]`` (its header); returns drafts and the line after it."""
    header = lines[start]
    rows_end = start + 1
    while rows_end < len(lines) and lines[rows_end] and not _is_prose(lines[rows_end]):
        rows_end += 1
    rows = list(range(start + 1, rows_end))
    drafts: list[Draft] = []
    context = next((lines[i] for i in range(start - 1, max(-1, start - 4), -1) if lines[i]), "")
    header_models = [m for m in r.find(header, glued=True) if m.kind in ("model", "family")]

    glued = _glued_row(_cells(header)) if not header_models else None
    if glued is not None:
        # one model per row, the other columns typed by their headers
        pattern, kinds = glued
        for i in rows:
            row = lines[i]
            # the name the catalog knows at the row's start wins over the shortest name the values allow
            starts = [k for k in r.find(row, glued=True) if k.kind in ("model", "family") and k.start == 0]
            m = next((m for k in starts if (m := pattern.match(row[: k.end] + "\x00" + row[k.end :]))), None)
            m = m or pattern.match(row)
            if not m:
                continue
            name = m.group("name").replace("\x00", "").strip()
            known = [k for k in r.find(name, glued=True) if k.kind in ("model", "family") and k.start == 0 and k.end == len(name)]
            subjects = known[0].ids if known else [slug(name)]
            q = {} if known else {"name": name}
            loc = f"line {i + 1} (table row)"
            for k, (col, pred) in enumerate(kinds):
                cell = m.group(f"c{k}")
                if cell == "N/A":
                    continue
                for subject in subjects:
                    drafts.append(_cell_draft(subject, pred, col, cell, {**q}, context, loc, row))
        return drafts, rows_end

    if len(header_models) >= 1:
        # comparison: one column per model named in the header, one row per dimension
        for i in rows:
            cells = _cells(lines[i])
            if len(cells) != 1 + len(header_models):
                continue
            label = cells[0].lower()
            loc = f"line {i + 1} (table row)"
            for col, model in zip(cells[1:], header_models):
                if "param" in label:
                    for qm in re.finditer(_QTY + r"\s*(total|active|activated)?", col, re.I):
                        pred = Predicate.ACTIVE_PARAMETERS if (qm.group(3) or "").lower().startswith("activ") else Predicate.TOTAL_PARAMETERS
                        for subject in model.ids:
                            drafts.append(Draft(subject, pred, value=_count(qm.group(0)), unit="parameters",
                                                qualifiers={"stated": qm.group(0).strip()}, locator=loc, snippet=lines[i]))
                elif "context" in label:
                    ctx = _CTX.search(col)
                    if ctx:
                        for subject in model.ids:
                            drafts.append(Draft(subject, Predicate.CONTEXT_LENGTH, value=_tokens(ctx), unit="tokens",
                                                qualifiers={"stated": ctx.group(0)}, locator=loc, snippet=lines[i]))
    return drafts, rows_end


def _cell_draft(subject: str, pred: Predicate, col: str, cell: str, q: dict, context: str, loc: str, row: str) -> Draft:
    """One glued-row cell as a draft: the column's header (and the text over the table) says what it measures."""
    if pred is Predicate.BENCHMARK_SCORE:
        return Draft(subject, pred, value=float(cell), unit="points", qualifiers={**q, "evaluation": clip(context or col, 120)},
                     locator=loc, snippet=row)
    if pred is Predicate.TOTAL_PARAMETERS:
        return Draft(subject, pred, value=_count(cell), unit="parameters", qualifiers={**q, "stated": cell}, locator=loc, snippet=row)
    if pred is Predicate.CONTEXT_LENGTH:
        return Draft(subject, pred, value=_tokens(_CTX.match(cell)), unit="tokens", qualifiers={**q, "stated": cell},
                     locator=loc, snippet=row)
    return Draft(subject, pred, value=cell.lstrip("~"), qualifiers={**q, "column": col}, locator=loc, snippet=row)


def _count(text: str) -> int:
    m = re.match(_QTY, text.strip(), re.I)
    return int(scaled(m.group(1), m.group(2)))


def _tokens(m: re.Match) -> int:
    return context_tokens(m.group(1), m.group(2))


def extract(article: ArticleText, catalog: Catalog) -> list[Draft]:
    """Every claim the article makes that lineage can represent."""
    r = Resolver(catalog)
    drafts: list[Draft] = []
    tables: set[int] = set()
    i = 0
    lines = article.lines
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        looks_like_table = (
            not _is_prose(line) and len(_cells(line)) >= 3 and nxt and not _is_prose(nxt) and bool(re.search(r"\d", nxt))
        )
        if looks_like_table:
            start = i
            table, i = _table_drafts(lines, i, r)
            tables.update(range(start, i))
            drafts += table
            continue
        i += 1
    from lineage.ingest.article_units import prose_role

    for f in prose_drafts(lines, r, tables) + maker_facts(lines, r, tables):
        if f.predicate is Predicate.USES and prose_role(r, f.snippet, f.object) != "uses":
            continue  # one judgement for every reader: "Unlike X", "to match X", "will adopt X" are not uses
        q = {"stated": f.stated} if f.stated else {}
        unit = _UNITS.get(f.predicate)
        drafts.append(Draft(f.subject, f.predicate, object=f.object, value=f.value, unit=unit, qualifiers=q,
                            locator=f"line {f.line}", snippet=f.snippet))
    from lineage.ingest.article_hardware import hardware_drafts

    drafts += hardware_drafts(lines, r, catalog)
    drafts += structured_drafts(article, r)[0]
    return merged(drafts)


_SAME_STATEMENT = ("name", "column", "uncheckable", "country")
"""Qualifiers that change what a draft says; the others ("stated", "evaluation") only say how it was written."""


def merged(drafts: list[Draft]) -> list[Draft]:
    """One draft per statement, in first-seen order; where the article says it again, the place is another evidence."""
    unique: dict[tuple, Draft] = {}
    for d in drafts:
        key = (d.subject, d.predicate, d.object, d.value, tuple((k, d.qualifiers.get(k)) for k in _SAME_STATEMENT))
        first = unique.setdefault(key, d)
        if first is not d and d.locator not in {first.locator, *(loc for loc, _ in first.more)}:
            first.more.append((d.locator, d.snippet))
    return list(unique.values())


def structured_drafts(article: ArticleText, r: Resolver) -> tuple[list[Draft], list]:
    """Drafts from the article's list items, table rows and parentheticals, and the candidates left undecided."""
    from lineage.ingest.article_units import candidates

    found = candidates(units(article.raw), r, article.title) if article.raw else []
    drafts, undecided = [], []
    for c in found:
        if c.role not in ("uses", "states") or not c.subjects:
            undecided.append(c)
            continue
        q = {**c.qualifiers, **({"stated": c.stated} if c.stated else {})}
        for subject in c.subjects:
            drafts.append(Draft(subject, c.predicate, object=c.object, value=c.value, unit=_UNITS.get(c.predicate),
                                qualifiers=dict(q), locator=f"line {c.unit.line} ({c.unit.kind})", snippet=c.unit.text))
    return drafts, undecided


# --------------------------------------------------------------------------- entry point


def article_document(article: ArticleText) -> SourceDocument:
    return SourceDocument(
        id=f"article:{article.sha256[:16]}",
        title=article.title,
        kind=SourceKind.SECONDARY,
        format="article",
        url=None,
        revision=f"sha256:{article.sha256}",
        note=f"read from {article.path.name}",
    )


def draft_claims(drafts: list[Draft], doc: SourceDocument) -> list[Claim]:
    """Drafts as ``reported`` claims with the article's sentence or row as evidence."""
    now = utcnow()
    out = []
    for d in drafts:
        ev = tuple(
            Evidence(source=doc.id, revision=doc.revision, source_kind=SourceKind.SECONDARY, locator=locator,
                     snippet=clip(snippet), method=Method.TEXT, retrieved_at=now)
            for locator, snippet in [(d.locator, d.snippet), *d.more]
        )
        out.append(
            Claim(
                subject=d.subject,
                predicate=d.predicate,
                object=d.object,
                value=d.value,
                unit=d.unit,
                qualifiers=d.qualifiers,
                status=Status.REPORTED,
                reason="stated only by a secondary source",
                evidence=ev,
            )
        )
    return out


def ingest_article(store, catalog: Catalog, path: Path) -> ArticleReport:
    """Read an article, extract its claims, verify them against the store, write them as one graph."""
    from lineage.verify import verify_claims

    article = read_article(path)
    doc = article_document(article)
    claims = draft_claims(extract(article, catalog), doc)
    claims = verify_claims(store, catalog, claims)
    store.replace_source(doc, claims)
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.status.value] = counts.get(c.status.value, 0) + 1
    unresolved = sorted({c.qualifiers["name"] for c in claims if "name" in c.qualifiers})
    return ArticleReport(source=doc.id, claims=len(claims), by_status=counts, unresolved=unresolved)
