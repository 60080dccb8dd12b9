"""Bibliography entries and in-text citations of a report.

Handles the two styles technical reports use: numbered (``[34] L. Wang, … 2024.``
cited as ``[34]``) and author–year (``Wang, L. … 2024a.`` cited as
``(Wang et al., 2024a)``).  Entries resolve to catalog papers by arXiv id, else
by normalised title.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from lineage.catalog import Catalog
from lineage.domain import EntityKind

ARXIV = re.compile(r"(?:arXiv\s*:?\s*|abs/|arxiv\.org/(?:abs|pdf)/|ARXIV\.)(\d{4})\s*\.\s*(\d{4,5})", re.I)
YEAR = re.compile(r"\b((?:19|20)\d\d)([a-z]?)\b")
NUMBERED = re.compile(r"^\[(\d{1,3})\]\s+")
_AUTHOR_START = re.compile(
    r"^(?:[A-Z]\.(?:\s?[A-Z]\.)*\s+[A-Z][\w'’\-]+|[A-Z][\w'’\-]+,\s+[A-Z]|[A-Z][\w@'’\-]+(?:\s[A-Z][\w'’\-]+)?\.\s"
    r"|[A-Z][\w'’\-]+(?:,?\s+Team)?\s+et al\.|–\s"
    r"|[A-Z][a-z]+\s+[A-Z][\w'’\-]+,)"
)


@dataclass
class Reference:
    """One bibliography entry."""

    index: int  # 1-based position in the bibliography
    text: str
    number: int | None = None  # printed number in numbered styles
    surname: str | None = None
    year: str | None = None  # "2024" or "2024c"
    arxiv: str | None = None
    arxiv_ids: list[str] = field(default_factory=list)  # every id printed (merged entries can hold two)
    paper: str | None = None  # resolved catalog paper id
    resolved_by: str | None = None  # "arxiv" or "title"


@dataclass
class Bibliography:
    """Parsed references plus lookups for in-text citations."""

    entries: list[Reference] = field(default_factory=list)

    def by_number(self, n: int) -> Reference | None:
        return next((e for e in self.entries if e.number == n), None)

    def by_author_year(self, surname: str, year: str) -> list[Reference]:
        key = _norm_name(surname)
        exact = [e for e in self.entries if e.surname and _norm_name(e.surname) == key and e.year == year]
        if exact:
            return exact
        # "(Dai et al., 2024)" where the entry prints 2024 without a letter, or vice versa
        return [
            e for e in self.entries if e.surname and e.year and _norm_name(e.surname) == key and e.year[:4] == year[:4]
        ][:1]

    @property
    def resolved(self) -> list[Reference]:
        return [e for e in self.entries if e.paper]


def _norm_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _norm_title(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _strip_furniture(text: str) -> list[str]:
    """Lines without page numbers and running headers/footers."""
    lines = [ln.strip() for ln in text.split("\n")]
    counts = Counter(ln for ln in lines if ln)
    keep = []
    for ln in lines:
        if not ln or re.fullmatch(r"\d{1,3}", ln):
            continue
        if counts[ln] >= 3 and len(ln) < 80 and not NUMBERED.match(ln):
            continue  # running header repeated on every page
        keep.append(ln)
    return keep


def split_entries(text: str) -> list[str]:
    """Split a references section into entries (numbered or author–year)."""
    lines = _strip_furniture(text)
    if lines and re.match(r"^(?:\d+\.?\s+)?(References|Bibliography|REFERENCES)$", lines[0]):
        lines = lines[1:]
    numbered = sum(bool(NUMBERED.match(ln)) for ln in lines) >= 3
    entries: list[str] = []
    for ln in lines:
        if re.match(r"^(?:[A-H]\.?\s+)?(Appendix|Appendices)\b", ln):
            break
        starts = bool(NUMBERED.match(ln)) if numbered else (
            bool(_AUTHOR_START.match(ln))
            and (not entries or (entries[-1].rstrip().endswith((".", "]")) and bool(YEAR.search(entries[-1]))))
        )
        if starts or not entries:
            entries.append(ln)
        else:
            joiner = "" if entries[-1].endswith("-") and not entries[-1].endswith(" -") else " "
            entries[-1] = entries[-1] + joiner + ln
    return [e for e in entries if len(e) > 20]


def _first_surname(entry: str) -> str | None:
    body = NUMBERED.sub("", entry).strip()
    m = re.match(r"^((?:[A-Z]\.\s?)+)\s*([A-Z][\w'’\-]+)", body)  # "J. Ainslie," / "Z. Shao,"
    if m:
        return m.group(2)
    m = re.match(r"^([A-Z][\w'’\-]+),\s", body)  # "Ainslie, Joshua"
    if m:
        return m.group(1)
    m = re.match(r"^([A-Z][\w@'’\-]+)\.\s", body)  # "DeepSeek-AI." / "AI@Meta."
    if m:
        return m.group(1)
    m = re.match(r"^[A-Z][a-z]+\s+(?:[A-Z]\.\s+)?([A-Z][\w'’\-]+)[,\s]", body)  # "Joshua Ainslie,"
    if m:
        return m.group(1)
    return None


def parse(text: str, catalog: Catalog | None = None) -> Bibliography:
    """Parse a references section and resolve entries to catalog papers."""
    bib = Bibliography()
    seen: dict[tuple[str, str], int] = defaultdict(int)
    titles = {}
    if catalog is not None:
        for p in catalog.of_kind(EntityKind.PAPER):
            if p.title and len(p.title) > 12:
                titles[_norm_title(p.title)] = p.id
    for i, raw in enumerate(split_entries(text), start=1):
        ref = Reference(index=i, text=raw)
        m = NUMBERED.match(raw)
        if m:
            ref.number = int(m.group(1))
        ref.surname = _first_surname(raw)
        no_ids = re.sub(r"(?:https?://|doi:|DOI:)\S+|\d{4}\s*\.\s*\d{4,5}|\d+\(\d+\)", " ", raw)
        years = YEAR.findall(no_ids)
        if years:
            year, letter = years[-1]
            for y, letter_ in years:  # prefer a year printed with a disambiguating letter
                if letter_:
                    year, letter = y, letter_
                    break
            ref.year = year + letter
        ref.arxiv_ids = list(dict.fromkeys(f"{a.group(1)}.{a.group(2)}" for a in ARXIV.finditer(raw)))
        ref.arxiv = ref.arxiv_ids[0] if ref.arxiv_ids else None
        if catalog is not None:
            known = [i for i in ref.arxiv_ids if f"arxiv-{i}" in catalog]
            if known:
                ref.paper, ref.resolved_by = f"arxiv-{known[0]}", "arxiv"
            else:
                norm = _norm_title(raw)
                for title, pid in titles.items():
                    if title in norm:
                        ref.paper, ref.resolved_by = pid, "title"
                        break
        bib.entries.append(ref)
    # author-year entries without a printed letter: a, b, c … in bibliography order when a key repeats
    keys = Counter((_norm_name(e.surname or ""), e.year) for e in bib.entries if e.year and e.year[-1].isdigit())
    for e in bib.entries:
        if e.year and e.year[-1].isdigit() and keys[(_norm_name(e.surname or ""), e.year)] > 1:
            k = (_norm_name(e.surname or ""), e.year)
            seen[k] += 1
            e.year = e.year + "abcdefghij"[seen[k] - 1]
    return bib


_AUTHOR_YEAR_CITE = re.compile(
    r"([A-Z][\w@'’\-]+(?:\s[A-Z][\w'’\-]+)?)(?:\s+et\s+al\.?|\s+and\s+[A-Z][\w'’\-]+)?,?\s+((?:19|20)\d\d[a-z]?)\b"
)
_NUMERIC_CITE = re.compile(r"\[(\d{1,3}(?:\s*[;,–-]\s*\d{1,3})*)\]")


def citations_in(sentence: str, bib: Bibliography) -> list[Reference]:
    """Bibliography entries cited in one sentence."""
    found: list[Reference] = []
    for m in _NUMERIC_CITE.finditer(sentence):
        for part in re.split(r"\s*[;,]\s*", m.group(1)):
            if re.match(r"^\d+\s*[–-]\s*\d+$", part):
                lo, hi = (int(x) for x in re.split(r"\s*[–-]\s*", part))
                numbers = range(lo, hi + 1) if hi - lo < 20 else []
            else:
                numbers = [int(part)] if part.isdigit() else []
            for n in numbers:
                ref = bib.by_number(n)
                if ref and ref not in found:
                    found.append(ref)
    for m in _AUTHOR_YEAR_CITE.finditer(sentence):
        name = m.group(1).split()[-1] if " " in m.group(1) and not m.group(1).endswith("AI") else m.group(1)
        for ref in bib.by_author_year(name, m.group(2)):
            if ref not in found:
                found.append(ref)
    return found
